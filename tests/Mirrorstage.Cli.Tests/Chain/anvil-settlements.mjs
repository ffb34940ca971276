// Real settlements on a local chain for the audit's on-chain check, built from the conformance rig's pieces:
// anvil with our EIP-3009 token (MirrorUSD) and the official x402 facilitator settling hand-signed payments.
// Usage: node anvil-settlements.mjs ANVIL_PORT FACILITATOR_PORT AMOUNT...
// Prints one JSON line {rpcUrl, network, token, payTo, settlements: [{payer, amount, transaction}], reverted}, then keeps
// the chain up until standard input closes.
import { startChain, KEYS, TOKEN_NAME, TOKEN_VERSION } from "../../conformance/rig/chain.mjs";
import { startFacilitator } from "../../conformance/rig/facilitator.mjs";
import { decode, handMadePayment } from "../../conformance/rig/payments.mjs";

const [anvilPort, facilitatorPort, ...amounts] = process.argv.slice(2);
const chain = await startChain({ port: Number(anvilPort) });
const facilitator = await startFacilitator(chain, { port: Number(facilitatorPort) });
try {
  const settlements = [];
  for (const [i, amount] of amounts.entries()) {
    const key = KEYS[4 + (i % 3)];
    const accepted = {
      scheme: "exact", network: "eip155:31337", amount, asset: chain.token, payTo: chain.payTo, maxTimeoutSeconds: 300,
      extra: { name: TOKEN_NAME, version: TOKEN_VERSION },
    };
    const paymentPayload = decode(await handMadePayment(accepted, key));
    const response = await fetch(`${facilitator.url}/settle`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ paymentPayload, paymentRequirements: accepted }),
    });
    const settled = await response.json();
    if (!settled.success) throw new Error(`settle failed: ${JSON.stringify(settled)}`);
    settlements.push({ payer: chain.accounts[4 + (i % 3)].address, amount, transaction: settled.transaction });
  }
  // A transaction that is mined but reverts: a transfer of 1,000,000 from an account that holds none (anvil's
  // accounts are unlocked; the gas is given so anvil mines it instead of refusing it at estimation).
  const broke = chain.accounts[7].address;
  const word = (hex) => hex.replace(/^0x/, "").toLowerCase().padStart(64, "0");
  const rpc = async (method, params) => (await (await fetch(chain.rpcUrl, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  })).json()).result;
  const reverted = await rpc("eth_sendTransaction", [{
    from: broke, to: chain.token, gas: "0x30000", data: "0xa9059cbb" + word(chain.payTo) + word((1_000_000).toString(16)),
  }]);
  while (!(await rpc("eth_getTransactionReceipt", [reverted]))) await new Promise((r) => setTimeout(r, 50));
  console.log(JSON.stringify({ rpcUrl: chain.rpcUrl, network: "eip155:31337", token: chain.token, payTo: chain.payTo, settlements,
    reverted: { payer: broke, amount: "1000000", transaction: reverted } }));
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on("end", resolve));
} finally {
  await facilitator.stop();
  chain.stop();
}
