// A local Solana x402 facilitator built from the official classes (@x402/core + @x402/svm), with its own fee
// payer, talking JSON-RPC to the rig's Solana (the litesvm shim), serving the standard HTTP API.
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorSvmSigner } from "@x402/svm";
import { ExactSvmScheme } from "@x402/svm/exact/facilitator";
import { serveFacilitator } from "./facilitator.mjs";
import { ports } from "./ports.mjs";
import { SVM_NETWORK } from "./svm-chain.mjs";

/** With confirmWithinMs, the signer waits that long (not the SDK's 30 s) for a sent transaction to confirm, as a
 * facilitator configured for a shorter wait; the official scheme then answers `settlement_pending` with the signature. */
export async function startSvmFacilitator(solana, { port = ports.svmFacilitator, loseSettleAnswers = false, confirmWithinMs } = {}) {
  const official = toFacilitatorSvmSigner(solana.feePayer, { defaultRpcUrl: solana.url });
  const signer = confirmWithinMs === undefined ? official : {
    ...official,
    confirmTransaction: (signature, network) => Promise.race([official.confirmTransaction(signature, network),
      new Promise((_, reject) => setTimeout(() => reject(new Error("Transaction confirmation timeout")), confirmWithinMs))]),
  };
  const facilitator = new x402Facilitator().register(SVM_NETWORK, new ExactSvmScheme(signer));
  return serveFacilitator(facilitator, port, { loseSettleAnswers });
}

/** Asks the official facilitator directly, as the gateway would ("verify" or "settle"): its own answer. */
export async function askOfficial(facilitator, action, paymentPayload, paymentRequirements) {
  const r = await fetch(`${facilitator.url}/${action}`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ x402Version: 2, paymentPayload, paymentRequirements }),
  });
  return r.json();
}
