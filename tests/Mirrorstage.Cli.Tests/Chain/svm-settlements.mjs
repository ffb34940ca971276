// Real settlements on a Solana VM for the audit's on-chain check, built from the conformance rig's pieces: litesvm
// behind the rig's JSON-RPC, an SPL mint standing for USDC, and the official x402 SVM facilitator settling payments
// laid out as the official client lays them out; payers alternate between the rig's two.
// Usage: node svm-settlements.mjs RPC_PORT FACILITATOR_PORT AMOUNT...
// Prints one JSON line {rpcUrl, network, mint, payTo, settlements: [{payer, amount, transaction}], failed, unsent},
// then keeps the chain up until standard input closes. failed landed on chain and failed there (a transfer beyond
// the payer's balance); unsent was signed by payer and fee payer but never sent.
import { startSolana, SVM_NETWORK } from "../../conformance/rig/svm-chain.mjs";
import { askOfficial, startSvmFacilitator } from "../../conformance/rig/svm-facilitator.mjs";
import { handMadeSvmPayment, sendUnverified, signedByFeePayer } from "../../conformance/rig/svm-payments.mjs";
import { decode } from "../../conformance/rig/payments.mjs";

const [rpcPort, facilitatorPort, ...amounts] = process.argv.slice(2);
const solana = await startSolana({ port: Number(rpcPort) });
const facilitator = await startSvmFacilitator(solana, { port: Number(facilitatorPort) });
try {
  const accepted = (amount) => ({
    scheme: "exact", network: SVM_NETWORK, amount: String(amount), asset: solana.mint, payTo: solana.payTo, maxTimeoutSeconds: 300,
    extra: { feePayer: solana.feePayer.address },
  });
  const settlements = [];
  for (const [i, amount] of amounts.entries()) {
    const payer = solana.payers[i % 2];
    const requirements = accepted(amount);
    const settled = await askOfficial(facilitator, "settle", decode(await handMadeSvmPayment(solana, requirements, payer)), requirements);
    if (!settled.success) throw new Error(`settle failed: ${JSON.stringify(settled)}`);
    settlements.push({ payer: payer.address, amount, transaction: settled.transaction });
  }
  // 1,000 "USDC" from a payer holding at most 100: the token program refuses the transfer, the transaction lands.
  const broke = solana.payers[1];
  const tooMuch = 1_000_000_000n;
  const failed = await sendUnverified(solana, await handMadeSvmPayment(solana, accepted(tooMuch), broke));
  if (!solana.statuses.get(failed)?.err) throw new Error(`the over-balance transfer did not fail on chain: ${JSON.stringify(solana.statuses.get(failed))}`);
  const unsent = (await signedByFeePayer(solana, await handMadeSvmPayment(solana, accepted(1_000_000), solana.payers[0]))).signature;
  console.log(JSON.stringify({ rpcUrl: solana.url, network: SVM_NETWORK, mint: solana.mint, payTo: solana.payTo, settlements,
    failed: { payer: broke.address, amount: String(tooMuch), transaction: failed },
    unsent: { payer: solana.payers[0].address, amount: "1000000", transaction: unsent } }));
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on("end", resolve));
} finally {
  await facilitator.stop();
  await solana.stop();
}
