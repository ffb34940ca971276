// A local Solana x402 facilitator built from the official classes (@x402/core + @x402/svm), with its own fee
// payer, talking JSON-RPC to the rig's Solana (the litesvm shim), serving the standard HTTP API.
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorSvmSigner } from "@x402/svm";
import { ExactSvmScheme } from "@x402/svm/exact/facilitator";
import { serveFacilitator } from "./facilitator.mjs";
import { ports } from "./ports.mjs";
import { SVM_NETWORK } from "./svm-chain.mjs";

export async function startSvmFacilitator(solana, { port = ports.svmFacilitator, loseSettleAnswers = false } = {}) {
  const signer = toFacilitatorSvmSigner(solana.feePayer, { defaultRpcUrl: solana.url });
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
