// Conformance on Solana: the official x402 client pays the real gateway, the official SVM facilitator settles on
// a Solana VM (litesvm behind a JSON-RPC shim); attacks are refused by the gateway's own verifier and by the
// official facilitator alike, and move no token and no lamport.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startSolana, SVM_NETWORK } from "../rig/svm-chain.mjs";
import { askOfficial, startSvmFacilitator } from "../rig/svm-facilitator.mjs";
import { createDatabase, psql, startGateway } from "../rig/gateway.mjs";
import { decode, encode, sessionForm } from "../rig/payments.mjs";
import { handMadeSvmPayment, lamportTo, officialSvmClient, respellings } from "../rig/svm-payments.mjs";
import { ports } from "../rig/ports.mjs";
import { expectRefused, post as postTo, requirements as requirementsOf } from "../rig/requests.mjs";

const PRICE_15_MIN = 1_000_000n;
let solana, facilitator, gateway;
const latencies = [];

before(async () => {
  createDatabase();
  solana = await startSolana();
  facilitator = await startSvmFacilitator(solana);
  gateway = await startGateway({ port: ports.gatewaySvm, network: {
    Network: SVM_NETWORK, Asset: solana.mint, PayTo: solana.payTo, FeePayer: solana.feePayer.address, FacilitatorUrl: facilitator.url,
  } });
});

after(async () => {
  gateway?.stop();
  await facilitator?.stop();
  await solana?.stop();
  if (latencies.length) {
    latencies.sort((a, b) => a - b);
    console.log(`paid POST /v1/sessions on Solana (litesvm), facilitator settlement: p50 ${latencies[Math.floor(latencies.length / 2)].toFixed(0)} ms over ${latencies.length} (includes validation and face detection)`);
  }
});

const payer = () => solana.payers[0];
const requirements = () => requirementsOf(gateway.url);
const post = (signature, form) => postTo(gateway.url, signature, form);

/** What the rig's Solana says of a signature, asked over its JSON-RPC as any client would: its status and transaction. */
async function onChain(signature) {
  const ask = async (method, params) => (await (await fetch(solana.url, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()).result;
  const status = (await ask("getSignatureStatuses", [[signature], { searchTransactionHistory: true }])).value[0];
  const transaction = await ask("getTransaction", [signature, { encoding: "json", maxSupportedTransactionVersion: 0 }]);
  return { status, transaction };
}

/** Every balance a payment could move: the payer's and payTo's tokens, the fee payer's lamports and tokens. */
async function balances(owner = payer().address) {
  return [await solana.balanceOf(owner), await solana.balanceOf(solana.payTo), solana.svm.getBalance(solana.feePayer.address), await solana.balanceOf(solana.feePayer.address)];
}

describe("Solana, settled by the official facilitator", () => {
  test("the official client creates a session and exactly the price moves", async () => {
    const { pay } = officialSvmClient(payer(), solana);
    const before = await balances();
    const started = performance.now();
    const response = await pay(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() });
    latencies.push(performance.now() - started);
    const body = await response.json();
    assert.equal(response.status, 201, JSON.stringify(body));
    assert.equal(body.price_usd, 1);
    assert.equal(body.wallet, payer().address);

    const settle = decode(response.headers.get("PAYMENT-RESPONSE"));
    assert.equal(settle.success, true);
    assert.ok(solana.svm.getTransaction(settle.transaction), "the VM recorded the settling transaction");
    assert.equal(solana.statuses.get(settle.transaction)?.err, null);
    const [payerBefore, payToBefore] = before;
    const [payerAfter, payToAfter] = await balances();
    assert.equal(payerBefore - payerAfter, PRICE_15_MIN);
    assert.equal(payToAfter - payToBefore, PRICE_15_MIN);
    const recorded = psql(`select data->>'Transaction' from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${body.session_id}'`);
    assert.equal(recorded, settle.transaction);

    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      assert.equal((await pay(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() })).status, 201);
      latencies.push(performance.now() - t);
    }
  });

  test("the official client extends a session, and another wallet may not", async () => {
    const { pay } = officialSvmClient(payer(), solana);
    const created = await (await pay(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() })).json();
    const extend = (client) => client.pay(`${gateway.url}/v1/sessions/${created.session_id}/extend`, {
      method: "POST", body: JSON.stringify({ duration_minutes: 10 }),
      headers: { "content-type": "application/json", authorization: `Bearer ${created.token}` },
    });
    const [before, payToBefore] = await balances();
    const response = await extend({ pay });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.total_remaining_seconds, 25 * 60);
    const settled = decode(response.headers.get("PAYMENT-RESPONSE")).transaction;
    const landed = await onChain(settled);
    assert.equal(landed.status?.confirmationStatus, "finalized", "the VM recorded the extension's transaction");
    assert.equal(landed.status.err, null);
    assert.equal(landed.transaction?.meta.err, null);
    assert.equal(landed.transaction.transaction.signatures[0], settled);
    assert.equal(psql(`select data->>'Transaction' from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${created.session_id}' and data->>'Transaction' = '${settled}'`), settled);
    const [afterExtend, payToAfter] = await balances();
    assert.equal(before - afterExtend, 1_000_000n);
    assert.equal(payToAfter - payToBefore, 1_000_000n);

    const stranger = solana.payers[1];
    const strangerBefore = await balances(stranger.address);
    await expectRefused(await extend(officialSvmClient(stranger, solana)), 403, "wallet_mismatch");
    assert.deepEqual(await balances(stranger.address), strangerBefore);
  });

  test("a settled transaction replayed on a new request is refused by both and moves nothing", async () => {
    const { pay, sent } = officialSvmClient(payer(), solana);
    assert.equal((await pay(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() })).status, 201);
    const used = sent.at(-1);
    const before = await balances();
    await expectRefused(await post(used, sessionForm(15, "rtmp://127.0.0.1:1935/live/other")), 409, "payment_already_used");
    // Simulation cannot tell a landed transaction from a fresh one; settling it again is what the official
    // facilitator refuses.
    const official = await askOfficial(facilitator, "settle", decode(used), decode(used).accepted);
    assert.equal(official.success, false, JSON.stringify(official));
    assert.equal(official.errorReason, "duplicate_settlement", JSON.stringify(official));
    assert.deepEqual(await balances(), before);
  });

  test("one transaction raced by ten requests, five of them re-spelled, buys exactly one session", async (t) => {
    const accepted = await requirements();
    const signature = await handMadeSvmPayment(solana, accepted, payer());
    const payment = decode(signature);
    const respelled = respellings(payment.payload.transaction).map((transaction) => encode({ ...payment, payload: { ...payment.payload, transaction } }));
    assert.equal(respelled.length, 5);
    const before = await balances();
    const responses = await Promise.all([...Array(5).fill(signature), ...respelled].map((s) => post(s)));
    const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, body: await r.json() })));
    t.diagnostic(`answers (five copies, then five re-spellings): ${answers.map((a) => `${a.status} ${a.body.error?.code ?? "created"}`)}`);
    const [copies, respellingAnswers] = [answers.slice(0, 5), answers.slice(5)];
    // The copies race for one claim: one is served, the others are told it is being settled or already used.
    const served = copies.filter((a) => a.status === 201);
    assert.equal(served.length, 1, JSON.stringify(copies));
    for (const refused of copies.filter((a) => a.status !== 201)) {
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.ok(["payment_in_progress", "payment_already_used"].includes(refused.body.error.code), JSON.stringify(refused.body));
      assert.ok(!JSON.stringify(refused.body).includes("sk_"), "no token for a copy");
    }
    // A re-spelling is refused as malformed before anything is claimed or sent.
    for (const { status, body } of respellingAnswers) {
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.error.code, "invalid_payment_signature");
      assert.match(body.error.message, /canonical standard base64/);
    }
    const [payerBefore, payToBefore] = before;
    const after = await balances();
    const [payerAfter, payToAfter] = after;
    assert.equal(payerBefore - payerAfter, PRICE_15_MIN);
    assert.equal(payToAfter - payToBefore, PRICE_15_MIN);
    // The official facilitator, asked to settle the same transaction again in any spelling, refuses too: a spelling
    // its decoder reads (spare trailing bits) as the settlement it already made, one with whitespace as undecodable.
    for (const copy of [signature, ...respelled]) {
      const payload = decode(copy);
      const official = await askOfficial(facilitator, "settle", payload, accepted);
      assert.equal(official.success, false, JSON.stringify(official));
      const expected = /\s/.test(payload.payload.transaction) ? "invalid_exact_svm_payload_transaction_could_not_be_decoded" : "duplicate_settlement";
      assert.equal(official.errorReason, expected, JSON.stringify(official));
    }
    assert.deepEqual(await balances(), after);
  });

  // [name, how the transaction differs, the gateway's own reason, the official facilitator's reason]
  const attacks = [
    ["amount one atomic unit short", (a) => ({ amount: BigInt(a.amount) - 1n }), "invalid_exact_svm_payload_transaction_amount_mismatch", "invalid_exact_svm_payload_amount_mismatch"],
    ["wrong destination", () => ({ payToOwner: solana.stranger }), "invalid_exact_svm_payload_transaction_recipient_mismatch", "invalid_exact_svm_payload_recipient_mismatch"],
    ["wrong mint", () => ({ mint: solana.otherMint }), "invalid_exact_svm_payload_transaction_mint_mismatch", "invalid_exact_svm_payload_mint_mismatch"],
    ["fee payer as transfer authority", () => ({ authority: solana.feePayer }), "invalid_exact_svm_payload_transaction_fee_payer_included_in_instruction_accounts", "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds"],
    ["an extra instruction", () => ({ extraInstructions: [lamportTo(payer(), solana.stranger)] }), "invalid_exact_svm_payload_transaction_instructions", "invalid_exact_svm_payload_unknown_fifth_instruction"],
    ["compute price over the cap", () => ({ computePrice: 5_000_001n }), "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high", "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high"],
  ];
  for (const [name, change, ours, theirs] of attacks) {
    test(`refused by both without moving money: ${name}`, async () => {
      const accepted = await requirements();
      const signature = await handMadeSvmPayment(solana, accepted, payer(), change(accepted));
      const before = await balances();
      const asked = { ...facilitator.calls };
      await expectRefused(await post(signature), 402, "payment_invalid", ours);
      assert.deepEqual(facilitator.calls, asked, "the gateway's own verifier refused it without asking the facilitator");
      const official = await askOfficial(facilitator, "verify", decode(signature), accepted);
      assert.equal(official.isValid, false, JSON.stringify(official));
      assert.equal(official.invalidReason, theirs, JSON.stringify(official));
      assert.deepEqual(await balances(), before);
    });
  }

  test("refused by both without moving money: an expired blockhash", async () => {
    const accepted = await requirements();
    const signature = await handMadeSvmPayment(solana, accepted, payer());
    solana.svm.expireBlockhash();
    const before = await balances();
    const official = await askOfficial(facilitator, "verify", decode(signature), accepted);
    assert.equal(official.isValid, false, JSON.stringify(official));
    assert.equal(official.invalidReason, "invalid_exact_svm_transaction_simulation_failed", JSON.stringify(official));
    assert.match(official.invalidMessage, /BlockhashNotFound/);
    // The gateway's own rules cannot see a blockhash's age: it asks the facilitator, whose simulation refuses.
    await expectRefused(await post(signature), 402, "payment_invalid", "invalid_exact_svm_transaction_simulation_failed");
    assert.deepEqual(await balances(), before);
  });
});
