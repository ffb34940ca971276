// Reconciliation on Solana: a settlement that ran on the VM but whose answer never reached the gateway is
// resolved from the chain (the shim's getSignatureStatuses / isBlockhashValid / getSignaturesForAddress), and the
// paid request's retry gets its session, with the VM's signature recorded as the settling transaction.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startSolana, SVM_NETWORK } from "../rig/svm-chain.mjs";
import { startSvmFacilitator } from "../rig/svm-facilitator.mjs";
import { createDatabase, psql, startGateway } from "../rig/gateway.mjs";
import { decode, sessionForm } from "../rig/payments.mjs";
import { handMadeSvmPayment } from "../rig/svm-payments.mjs";
import { ports } from "../rig/ports.mjs";

let solana, facilitator, gateway;

before(async () => {
  createDatabase();
  solana = await startSolana();
  facilitator = await startSvmFacilitator(solana, { port: ports.svmLossyFacilitator, loseSettleAnswers: true });
  gateway = await startGateway({ port: ports.gatewaySvmLossy, network: {
    Network: SVM_NETWORK, Asset: solana.mint, PayTo: solana.payTo, FeePayer: solana.feePayer.address,
    FacilitatorUrl: facilitator.url, RpcUrl: solana.url,
  }, settings: { Mirrorstage__Payments__Reconciler__IntervalSeconds: "1", Mirrorstage__Payments__Reconciler__StaleAfterSeconds: "1" } });
});

after(async () => {
  gateway?.stop();
  await facilitator?.stop();
  await solana?.stop();
});

async function waitFor(what, check, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test("a settlement whose answer was lost becomes the session, found on chain", async () => {
  const first = await fetch(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() });
  const accepted = decode(first.headers.get("PAYMENT-REQUIRED")).accepts[0];
  const payer = solana.payers[0];
  const signature = await handMadeSvmPayment(solana, accepted, payer);
  const headers = { "PAYMENT-SIGNATURE": signature, "Idempotency-Key": randomUUID() };
  const [payerBefore, payToBefore] = [await solana.balanceOf(payer.address), await solana.balanceOf(solana.payTo)];

  const lost = await fetch(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm(), headers });
  const body = await lost.json();
  assert.equal(lost.status, 503, JSON.stringify(body));
  assert.equal(body.error.code, "settlement_unknown");
  // The money moved on the VM; only the answer was lost.
  const onChain = facilitator.settled.at(-1);
  assert.equal(onChain.success, true, JSON.stringify(onChain));
  assert.equal(solana.statuses.get(onChain.transaction)?.err, null);
  assert.equal(payerBefore - (await solana.balanceOf(payer.address)), BigInt(accepted.amount));
  assert.equal((await solana.balanceOf(solana.payTo)) - payToBefore, BigInt(accepted.amount));

  // While the transaction's blockhash is valid the chain may still change its mind; once it expires, the
  // reconciler finds the landed transaction by its message.
  solana.svm.expireBlockhash();
  const recorded = await waitFor("the reconciler recording the settlement", () =>
    psql(`select data->>'Transaction' from mirrorstage.mt_events where type = 'payment_settled'`) || null);
  assert.equal(recorded, onChain.transaction);

  const retried = await fetch(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm(), headers });
  const session = await retried.json();
  assert.ok([200, 201].includes(retried.status), JSON.stringify(session));
  assert.equal(psql(`select data->>'Transaction' from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${session.session_id}'`), onChain.transaction);
  assert.ok(solana.calls.getSignaturesForAddress > 0 || solana.calls.getSignatureStatuses > 0, "resolved from the chain");
  assert.equal(payerBefore - (await solana.balanceOf(payer.address)), BigInt(accepted.amount), "charged once");
});
