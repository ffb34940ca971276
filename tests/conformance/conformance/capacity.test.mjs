// Conformance: capacity is real. A gateway with a fixed fleet (no scale-out headroom) whose one worker lease, planted
// in the store, offers two free slots; more concurrent creates than that, each paid by the official client through
// the official facilitator on anvil: the ones beyond the slots get 503 no_capacity, never a settlement, and the
// chain shows exactly as many transfers as sessions.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { parseAbiItem } from "viem";
import { startChain, KEYS, TOKEN_NAME, TOKEN_VERSION, tokenAbi } from "../rig/chain.mjs";
import { startFacilitator } from "../rig/facilitator.mjs";
import { createDatabase, psql, startGateway } from "../rig/gateway.mjs";
import { decode, officialClient, sessionForm } from "../rig/payments.mjs";
import { ports } from "../rig/ports.mjs";

const PRICE = 1_000_000n;
const FREE_SLOTS = 2;
const BEYOND = 3;
const PAYER = 4;
let chain, facilitator, gateway;

before(async () => {
  createDatabase();
  chain = await startChain();
  facilitator = await startFacilitator(chain);
  gateway = await startGateway({
    port: ports.gatewayCapacity,
    network: { Network: "eip155:31337", Asset: chain.token, PayTo: chain.payTo, AssetName: TOKEN_NAME, AssetVersion: TOKEN_VERSION, FacilitatorUrl: facilitator.url },
    settings: { Mirrorstage__Capacity__ScaleOutHeadroom: "0" },
  });
});

after(async () => {
  gateway?.stop();
  await facilitator?.stop();
  chain?.stop();
});

/** A live worker lease, as a worker writes it at renewal: `free` of its `slots` render slots free for the next hour. */
function plantLease(id, slots, free) {
  const lease = { Id: id, InternalUrl: null, RenewedAt: new Date().toISOString(), ExpiresAt: new Date(Date.now() + 3_600_000).toISOString(), RenderSlots: slots, FreeSlots: free };
  psql(`insert into mirrorstage.mt_doc_workerlease (id, data) values ('${id}', '${JSON.stringify(lease)}'::jsonb)`);
}

const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

test("concurrent creates beyond the free slots get 503 before any 402 or settlement", async () => {
  plantLease("conformance-worker", FREE_SLOTS, FREE_SLOTS);
  const health = await (await fetch(gateway.url + "/health")).json();
  assert.equal(health.free_slots, FREE_SLOTS, JSON.stringify(health));
  assert.equal(health.scale_out_slots, 0, JSON.stringify(health));

  const payer = chain.accounts[PAYER].address;
  const [payerBefore, payToBefore] = [await chain.balanceOf(payer), await chain.balanceOf(chain.payTo)];
  const fromBlock = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
  const calls = { ...facilitator.calls };

  const clients = Array.from({ length: FREE_SLOTS + BEYOND }, () => officialClient(KEYS[PAYER], chain.token));
  const responses = await Promise.all(clients.map(({ pay }) => pay(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() })));
  const statuses = responses.map((r) => r.status);
  assert.deepEqual([...statuses].sort(), [...Array(FREE_SLOTS).fill(201), ...Array(BEYOND).fill(503)], `statuses ${statuses}`);

  for (const [i, response] of responses.entries()) {
    const body = await response.json();
    if (response.status === 201) {
      assert.equal(decode(response.headers.get("PAYMENT-RESPONSE")).success, true);
      continue;
    }
    assert.equal(body.error.code, "no_capacity", JSON.stringify(body));
    assert.equal(response.headers.get("PAYMENT-REQUIRED"), null, "a refusal for capacity asks for no payment");
    assert.equal(response.headers.get("PAYMENT-RESPONSE"), null);
    assert.ok(response.headers.get("retry-after"));
    // Whatever the refused client signed (it signs when its probe got a 402 before the slots were held) never moved.
    for (const sent of clients[i].sent) {
      const { from, nonce } = decode(sent).payload.authorization;
      assert.equal(await chain.publicClient.readContract({ address: chain.token, abi: tokenAbi, functionName: "authorizationState", args: [from, nonce] }), false);
    }
  }

  assert.deepEqual({ verify: facilitator.calls.verify - calls.verify, settle: facilitator.calls.settle - calls.settle }, { verify: FREE_SLOTS, settle: FREE_SLOTS });
  const transfers = await chain.publicClient.getLogs({ address: chain.token, event: transferEvent, args: { from: payer, to: chain.payTo }, fromBlock: fromBlock + 1n });
  assert.equal(transfers.length, FREE_SLOTS);
  assert.equal(payerBefore - (await chain.balanceOf(payer)), PRICE * BigInt(FREE_SLOTS));
  assert.equal((await chain.balanceOf(chain.payTo)) - payToBefore, PRICE * BigInt(FREE_SLOTS));
  assert.equal(psql("select count(*) from mirrorstage.mt_doc_sessionview"), String(FREE_SLOTS));
  assert.equal(psql("select count(*) from mirrorstage.mt_events where type = 'payment_settled'"), String(FREE_SLOTS));

  // The two sessions now wait for the two slots: the next create is refused before it is asked to pay.
  const late = officialClient(KEYS[PAYER], chain.token);
  const refused = await late.pay(gateway.url + "/v1/sessions", { method: "POST", body: sessionForm() });
  assert.equal(refused.status, 503);
  assert.equal((await refused.json()).error.code, "no_capacity");
  assert.equal(refused.headers.get("PAYMENT-REQUIRED"), null);
  assert.deepEqual(late.sent, [], "the client was never asked to pay");
});
