// Reconciliation on Solana: a settlement whose outcome the gateway did not learn is resolved from the chain (the
// shim's RPC), and the paid request's retry gets its session, with the VM's signature recorded as the settling
// transaction. When the answer is lost, the signature is unknown and the landed transaction is found by its message
// (getSignaturesForAddress); when the facilitator names the signature but gives up waiting for it to confirm, its
// status (getSignatureStatuses) decides. Each gateway has an RPC path of its own, so its calls are counted alone, and
// a database of its own, so its reconciler works only its own payments.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startSolana, SVM_NETWORK } from "../rig/svm-chain.mjs";
import { startSvmFacilitator } from "../rig/svm-facilitator.mjs";
import { createDatabase, database, psql, startGateway } from "../rig/gateway.mjs";
import { decode, sessionForm } from "../rig/payments.mjs";
import { handMadeSvmPayment } from "../rig/svm-payments.mjs";
import { ports } from "../rig/ports.mjs";

let solana;
const facilitators = {};
const gateways = {};

const stores = { lossy: database, impatient: `${database}_impatient` };

before(async () => {
  for (const store of Object.values(stores)) createDatabase(store);
  solana = await startSolana();
  facilitators.lossy = await startSvmFacilitator(solana, { port: ports.svmLossyFacilitator, loseSettleAnswers: true });
  facilitators.impatient = await startSvmFacilitator(solana, { port: ports.svmImpatientFacilitator, confirmWithinMs: 2000 });
  const network = (facilitator, rpc) => ({
    Network: SVM_NETWORK, Asset: solana.mint, PayTo: solana.payTo, FeePayer: solana.feePayer.address,
    FacilitatorUrl: facilitator.url, RpcUrl: solana.urlFor(rpc),
  });
  const settings = { Mirrorstage__Payments__Reconciler__IntervalSeconds: "1" };
  gateways.lossy = await startGateway({ port: ports.gatewaySvmLossy, network: network(facilitators.lossy, "lossy-gateway"), settings, store: stores.lossy });
  gateways.impatient = await startGateway({ port: ports.gatewaySvmPending, network: network(facilitators.impatient, "impatient-gateway"), settings, store: stores.impatient });
});

after(async () => {
  for (const g of Object.values(gateways)) g.stop();
  for (const f of Object.values(facilitators)) await f.stop();
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

async function accepted(gateway) {
  const first = await fetch(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() });
  return decode(first.headers.get("PAYMENT-REQUIRED")).accepts[0];
}

const create = (gateway, headers) => fetch(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm(), headers });
const settledIn = (store, transaction) => psql(`select stream_id from mirrorstage.mt_events where type = 'payment_settled' and data->>'Transaction' = '${transaction}'`, store);

test("a settlement whose answer was lost becomes the session, found on chain by its message", async () => {
  const gateway = gateways.lossy;
  const requirement = await accepted(gateway);
  const payer = solana.payers[0];
  const signature = await handMadeSvmPayment(solana, requirement, payer);
  const headers = { "PAYMENT-SIGNATURE": signature, "Idempotency-Key": randomUUID() };
  const [payerBefore, payToBefore] = [await solana.balanceOf(payer.address), await solana.balanceOf(solana.payTo)];

  const lost = await create(gateway, headers);
  const body = await lost.json();
  assert.equal(lost.status, 503, JSON.stringify(body));
  assert.equal(body.error.code, "settlement_unknown");
  // The money moved on the VM; only the answer was lost.
  const onChain = facilitators.lossy.settled.at(-1);
  assert.equal(onChain.success, true, JSON.stringify(onChain));
  assert.equal(solana.statuses.get(onChain.transaction)?.err, null);
  assert.equal(payerBefore - (await solana.balanceOf(payer.address)), BigInt(requirement.amount));
  assert.equal((await solana.balanceOf(solana.payTo)) - payToBefore, BigInt(requirement.amount));

  // While the transaction's blockhash is valid the chain may still change its mind; once it expires, the
  // reconciler finds the landed transaction by its message.
  solana.svm.expireBlockhash();
  await waitFor("the reconciler recording the settlement", () => settledIn(stores.lossy, onChain.transaction) || null);

  const retried = await create(gateway, headers);
  const session = await retried.json();
  assert.equal(retried.status, 201, JSON.stringify(session));
  assert.equal(settledIn(stores.lossy, onChain.transaction), session.session_id);
  const asked = solana.callsOf("lossy-gateway");
  assert.ok(asked.getSignaturesForAddress > 0 && asked.getTransaction > 0, `found by its message: ${JSON.stringify(asked)}`);
  assert.equal(asked.getSignatureStatuses, undefined, "no signature was known to ask about");
  assert.equal(payerBefore - (await solana.balanceOf(payer.address)), BigInt(requirement.amount), "charged once");
});

test("a settlement the facilitator reports pending is unknown, not 'nothing charged', and its signature's status makes it the session", async () => {
  const gateway = gateways.impatient;
  const requirement = await accepted(gateway);
  const payer = solana.payers[1];
  const signature = await handMadeSvmPayment(solana, requirement, payer);
  const headers = { "PAYMENT-SIGNATURE": signature, "Idempotency-Key": randomUUID() };
  const balances = async () => [await solana.balanceOf(payer.address), await solana.balanceOf(solana.payTo)];
  const before = await balances();

  // The facilitator sends the transaction, which the validator does not confirm within the facilitator's wait.
  const landings = solana.holdLandings();
  let pending;
  try {
    const answer = await create(gateway, headers);
    const body = await answer.json();
    pending = facilitators.impatient.settled.at(-1);
    assert.equal(pending.success, false, JSON.stringify(pending));
    assert.equal(pending.errorReason, "settlement_pending", JSON.stringify(pending));
    assert.ok(pending.transaction, "the official facilitator names the transaction it sent");
    assert.equal(answer.status, 503, JSON.stringify(body));
    assert.equal(body.error.code, "settlement_unknown");
    assert.ok(answer.headers.get("retry-after"));
    const held = await create(gateway, headers);
    assert.equal(held.status, 409);
    assert.equal((await held.json()).error.code, "payment_in_progress");
    assert.deepEqual(await balances(), before, "nothing has landed yet");
  } finally {
    landings.release();
  }
  const askedBeforeLanding = solana.callsOf("impatient-gateway").getSignatureStatuses ?? 0;
  assert.equal(solana.statuses.get(pending.transaction)?.err, null, "the VM ran the facilitator's transaction");

  await waitFor("the reconciler recording the settlement", () => settledIn(stores.impatient, pending.transaction) || null);
  const retried = await create(gateway, headers);
  const session = await retried.json();
  assert.equal(retried.status, 201, JSON.stringify(session));
  assert.equal(settledIn(stores.impatient, pending.transaction), session.session_id);
  const asked = solana.callsOf("impatient-gateway");
  assert.ok(asked.getSignatureStatuses > askedBeforeLanding, `the landed signature's status was asked: ${JSON.stringify(asked)}`);
  assert.equal(asked.getSignaturesForAddress, undefined, "the known signature needed no search by message");
  const [payerAfter, payToAfter] = await balances();
  assert.equal(before[0] - payerAfter, BigInt(requirement.amount), "charged once");
  assert.equal(payToAfter - before[1], BigInt(requirement.amount));
});
