// Conformance: the official x402 client pays the real gateway on a real local chain (anvil), with both
// settlement modes; attacks are refused with the documented code and move no money.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startChain, KEYS, TOKEN_NAME, TOKEN_VERSION } from "../rig/chain.mjs";
import { startFacilitator } from "../rig/facilitator.mjs";
import { createDatabase, psql, startGateway } from "../rig/gateway.mjs";
import { decode, handMadePayment, officialClient, sessionForm } from "../rig/payments.mjs";
import { ports } from "../rig/ports.mjs";
import { expectRefused, post, requirements } from "../rig/requests.mjs";

const PRICE_15_MIN = 1_000_000n;
let chain, facilitator;
const gateways = {};
const latencies = { facilitator: [], self: [] };

before(async () => {
  createDatabase();
  chain = await startChain();
  facilitator = await startFacilitator(chain);
  const network = { Network: "eip155:31337", Asset: chain.token, PayTo: chain.payTo, AssetName: TOKEN_NAME, AssetVersion: TOKEN_VERSION };
  gateways.facilitator = await startGateway({ port: ports.gatewayFacilitator, network: { ...network, FacilitatorUrl: facilitator.url } });
  gateways.self = await startGateway({ port: ports.gatewaySelf, network: { ...network, Settlement: "self", RpcUrl: chain.rpcUrl, RelayerPrivateKey: KEYS[2] } });
});

after(async () => {
  for (const g of Object.values(gateways)) g.stop();
  await facilitator?.stop();
  chain?.stop();
  for (const [mode, ms] of Object.entries(latencies)) {
    if (!ms.length) continue;
    ms.sort((a, b) => a - b);
    console.log(`paid POST /v1/sessions on anvil, ${mode} settlement: p50 ${ms[Math.floor(ms.length / 2)].toFixed(0)} ms over ${ms.length} (includes validation and face detection)`);
  }
});

async function balances(...addresses) {
  return Promise.all(addresses.map((a) => chain.balanceOf(a)));
}

for (const mode of ["facilitator", "self"]) {
  describe(`${mode} settlement`, () => {
    const payer = () => chain.accounts[mode === "self" ? 5 : 4];
    const payerKey = () => KEYS[mode === "self" ? 5 : 4];

    test("the official client creates a session and exactly the price moves", async () => {
      const url = gateways[mode].url;
      const [payerBefore, payToBefore] = await balances(payer().address, chain.payTo);
      const { pay } = officialClient(payerKey(), chain.token);
      const started = performance.now();
      const response = await pay(url + "/v1/sessions", { method: "POST", body: sessionForm() });
      latencies[mode].push(performance.now() - started);
      const body = await response.json();
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.equal(body.price_usd, 1);
      assert.equal(body.wallet, payer().address.toLowerCase());

      const settle = decode(response.headers.get("PAYMENT-RESPONSE"));
      assert.equal(settle.success, true);
      const receipt = await chain.publicClient.getTransactionReceipt({ hash: settle.transaction });
      assert.equal(receipt.status, "success");

      const [payerAfter, payToAfter] = await balances(payer().address, chain.payTo);
      assert.equal(payerBefore - payerAfter, PRICE_15_MIN);
      assert.equal(payToAfter - payToBefore, PRICE_15_MIN);

      const recorded = psql(`select data->>'Transaction' from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${body.session_id}'`);
      assert.equal(recorded, settle.transaction);

      // A few more, for the latency figure.
      for (let i = 0; i < 4; i++) {
        const t = performance.now();
        assert.equal((await pay(url + "/v1/sessions", { method: "POST", body: sessionForm() })).status, 201);
        latencies[mode].push(performance.now() - t);
      }
    });

    test("the official client extends a session from the same wallet", async () => {
      const url = gateways[mode].url;
      const { pay } = officialClient(payerKey(), chain.token);
      const created = await (await pay(url + "/v1/sessions", { method: "POST", body: sessionForm() })).json();
      const [before] = await balances(payer().address);
      const extend = await pay(`${url}/v1/sessions/${created.session_id}/extend`, {
        method: "POST", body: JSON.stringify({ duration_minutes: 10 }),
        headers: { "content-type": "application/json", authorization: `Bearer ${created.token}` },
      });
      const body = await extend.json();
      assert.equal(extend.status, 200, JSON.stringify(body));
      assert.equal(body.added_minutes, 10);
      assert.equal(body.total_remaining_seconds, 25 * 60);
      const [afterExtend] = await balances(payer().address);
      assert.equal(before - afterExtend, 1_000_000n);

      // Another wallet may not pay for this session's extension.
      const stranger = officialClient(KEYS[6], chain.token);
      const refused = await stranger.pay(`${url}/v1/sessions/${created.session_id}/extend`, {
        method: "POST", body: JSON.stringify({ duration_minutes: 10 }),
        headers: { "content-type": "application/json", authorization: `Bearer ${created.token}` },
      });
      await expectRefused(refused, 403, "wallet_mismatch");
    });

    test("a used payment replayed on a new request is refused and moves nothing", async () => {
      const url = gateways[mode].url;
      const { pay, sent } = officialClient(payerKey(), chain.token);
      assert.equal((await pay(url + "/v1/sessions", { method: "POST", body: sessionForm() })).status, 201);
      const used = sent.at(-1);
      const before = await balances(payer().address, chain.payTo);
      // Same price, different request (another output): the payment already bought a session.
      await expectRefused(await post(url, used, sessionForm(15, "rtmp://127.0.0.1:1935/live/other")), 409, "payment_already_used");
      assert.deepEqual(await balances(payer().address, chain.payTo), before);
    });

    test("one authorization raced by ten requests buys exactly one session", async () => {
      const url = gateways[mode].url;
      const accepted = await requirements(url);
      const signature = await handMadePayment(accepted, payerKey());
      const [payerBefore] = await balances(payer().address);
      const responses = await Promise.all(Array.from({ length: 10 }, () => post(url, signature)));
      const statuses = responses.map((r) => r.status);
      const ids = new Set(await Promise.all(responses.filter((r) => r.status === 201).map(async (r) => (await r.json()).session_id)));
      assert.equal(ids.size, 1, `statuses ${statuses}`);
      assert.ok(statuses.every((s) => s === 201 || s === 409), `statuses ${statuses}`);
      const [payerAfter] = await balances(payer().address);
      assert.equal(payerBefore - payerAfter, PRICE_15_MIN);
    });

    const attacks = [
      ["amount one atomic unit short", (a) => ({ overrides: { value: String(BigInt(a.amount) - 1n) } }), 402, "payment_invalid"],
      ["wrong payTo", () => ({ overrides: { to: "0x000000000000000000000000000000000000bEEF" } }), 402, "payment_invalid"],
      ["expired validBefore", () => ({ overrides: { validBefore: String(Math.floor(Date.now() / 1000) - 10) } }), 402, "payment_invalid"],
      ["future validAfter", () => ({ overrides: { validAfter: String(Math.floor(Date.now() / 1000) + 3600) } }), 402, "payment_invalid"],
      ["signature by another key", () => ({ signer: KEYS[6] }), 402, "payment_invalid"],
      ["payer without balance", () => ({ from: KEYS[7] }), 402, "payment_invalid"],
      ["wrong network", (a) => ({ accepted: { ...a, network: "eip155:8453" } }), 402, "payment_requirements_mismatch"],
      ["wrong asset", (a) => ({ accepted: { ...a, asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e" } }), 402, "payment_requirements_mismatch"],
    ];
    for (const [name, make, status, code] of attacks) {
      test(`refused without moving money: ${name}`, async () => {
        const url = gateways[mode].url;
        const accepted = await requirements(url);
        const spec = make(accepted);
        const from = spec.from ?? payerKey();
        const signature = await handMadePayment(spec.accepted ?? accepted, from, spec.overrides ?? {}, spec.signer ?? from);
        const watched = [chain.accounts[KEYS.indexOf(from)].address, chain.payTo];
        const before = await balances(...watched);
        await expectRefused(await post(url, signature), status, code);
        assert.deepEqual(await balances(...watched), before);
      });
    }
  });
}
