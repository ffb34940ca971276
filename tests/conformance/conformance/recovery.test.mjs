// Conformance: money safety on a real chain (anvil) with the official x402 client and facilitator, in both
// settlement modes. A replay rebuilt from public calldata gets no token; a client that aborts mid-settlement
// gets its session on retry and pays once; PostgreSQL stopped between settlement and record loses nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { decodeFunctionData, parseAbi, parseAbiItem } from "viem";
import { startChain, KEYS, TOKEN_NAME, TOKEN_VERSION } from "../rig/chain.mjs";
import { startFacilitator } from "../rig/facilitator.mjs";
import { createDatabase, gatewayPorts, postgres, psql, startGateway } from "../rig/gateway.mjs";
import { decode, encode, handMadePayment, officialClient, sessionForm } from "../rig/payments.mjs";

const PRICE = 1_000_000n;
const PAYER = 6;
let chain, facilitator;
const gateways = {};

before(async () => {
  createDatabase();
  chain = await startChain();
  facilitator = await startFacilitator(chain);
  const network = { Network: "eip155:31337", Asset: chain.token, PayTo: chain.payTo, AssetName: TOKEN_NAME, AssetVersion: TOKEN_VERSION, RpcUrl: chain.rpcUrl };
  gateways.facilitator = await startGateway({ port: gatewayPorts[0], network: { ...network, FacilitatorUrl: facilitator.url } });
  gateways.self = await startGateway({ port: gatewayPorts[1], network: { ...network, Settlement: "self", RelayerPrivateKey: KEYS[2] } });
  // A relayer that gives up waiting for receipts after 2 s, and a reconciler that asks the chain every second.
  gateways.impatient = await startGateway({
    port: gatewayPorts[2], network: { ...network, Settlement: "self", RelayerPrivateKey: KEYS[2], ReceiptTimeoutSeconds: 2 },
    settings: { Mirrorstage__Payments__Reconciler__IntervalSeconds: "1" },
  });
});

after(async () => {
  for (const g of Object.values(gateways)) g.stop();
  await facilitator?.stop();
  chain?.stop();
});

const transferAbi = parseAbi([
  "function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, uint8 v, bytes32 r, bytes32 s)",
  "function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, bytes signature)",
]);
const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

async function requirement(url) {
  const r = await fetch(url + "/v1/sessions", { method: "POST", body: sessionForm() });
  assert.equal(r.status, 402);
  return decode(r.headers.get("PAYMENT-REQUIRED")).accepts[0];
}

function post(url, signature, { key, signal } = {}) {
  const headers = { "PAYMENT-SIGNATURE": signature };
  if (key) headers["Idempotency-Key"] = key;
  return fetch(url + "/v1/sessions", { method: "POST", body: sessionForm(), headers, signal });
}

/** Retries the same request with the same payment and key until it is answered for good. */
async function retryUntilServed(url, signature, key, seconds = 90) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const r = await post(url, signature, { key });
    if (r.status !== 409 && r.status !== 503) return r;
    const body = await r.json();
    assert.ok(["payment_in_progress", "settlement_unknown", "settled_not_yet_recorded"].includes(body.error.code), JSON.stringify(body));
    assert.ok(r.headers.get("retry-after"), "an answer to come back later says when");
    if (Date.now() > deadline) throw new Error(`still ${r.status} ${body.error.code} after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function transfersFrom(address, fromBlock) {
  return chain.publicClient.getLogs({ address: chain.token, event: transferEvent, args: { from: address, to: chain.payTo }, fromBlock });
}

/** Holds mining: the next transactions wait in the mempool until `release`. */
async function holdBlocks() {
  await chain.rpc("evm_setAutomine", [false]);
  return {
    broadcast: async () => {
      for (let i = 0; i < 600; i++) {
        if (Number((await chain.rpc("txpool_status")).pending) > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error("no transaction was broadcast within 30 s");
    },
    release: async () => { await chain.rpc("evm_mine"); await chain.rpc("evm_setAutomine", [true]); },
  };
}

for (const mode of ["facilitator", "self"]) {
  describe(`${mode} settlement: money safety`, () => {
    const payer = () => chain.accounts[PAYER];

    test("a replay rebuilt from the mined transaction's calldata gets no token", async () => {
      const url = gateways[mode].url;
      const { pay } = officialClient(KEYS[PAYER], chain.token);
      const paid = await pay(url + "/v1/sessions", { method: "POST", body: sessionForm(), headers: { "Idempotency-Key": randomUUID() } });
      const victim = await paid.json();
      assert.equal(paid.status, 201, JSON.stringify(victim));
      const hash = decode(paid.headers.get("PAYMENT-RESPONSE")).transaction;

      // Everything a stranger can see: the mined call, and the photo.
      const tx = await chain.publicClient.getTransaction({ hash });
      const { args } = decodeFunctionData({ abi: transferAbi, data: tx.input });
      const [from, to, value, validAfter, validBefore, nonce] = args;
      const signature = args.length === 9 ? `${args[7]}${args[8].slice(2)}${args[6].toString(16).padStart(2, "0")}` : args[6];
      const rebuilt = encode({
        x402Version: 2, accepted: await requirement(url),
        payload: { signature, authorization: { from, to, value: String(value), validAfter: String(validAfter), validBefore: String(validBefore), nonce } },
      });
      const before = await chain.balanceOf(payer().address);

      for (const key of [undefined, randomUUID()]) {
        const replay = await post(url, rebuilt, { key });
        const text = await replay.text();
        assert.equal(replay.status, 409, text);
        const body = JSON.parse(text);
        assert.equal(body.error.code, "payment_already_used");
        assert.equal(body.error.session_id, victim.session_id);
        assert.ok(!text.includes(victim.token) && !text.includes("sk_"), "no token in the answer");
      }
      assert.equal(await chain.balanceOf(payer().address), before);
    });

    test("a client that aborts during settlement gets its session on retry and one transfer moves", async () => {
      const url = gateways[mode].url;
      const signature = await handMadePayment(await requirement(url), KEYS[PAYER]);
      const key = randomUUID();
      // viem caches the block number for 4 s: a stale one would count the last tests' transfers from this payer too.
      const [balance, fromBlock] = [await chain.balanceOf(payer().address), await chain.publicClient.getBlockNumber({ cacheTime: 0 })];
      const blocks = await holdBlocks();
      const abort = new AbortController();
      const first = post(url, signature, { key, signal: abort.signal }).catch((e) => e);
      try {
        await blocks.broadcast();
        abort.abort(); // gone while the transfer waits to be mined
        assert.equal((await first).name, "AbortError");
      } finally {
        await blocks.release();
      }

      const served = await retryUntilServed(url, signature, key);
      const session = await served.json();
      assert.equal(served.status, 201, JSON.stringify(session));
      assert.match(session.token, /^sk_/);
      assert.equal((await transfersFrom(payer().address, fromBlock + 1n)).length, 1);
      assert.equal(balance - (await chain.balanceOf(payer().address)), PRICE);
      assert.equal(psql(`select count(*) from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${session.session_id}'`), "1");
    });

    test("PostgreSQL stopped between settlement and record leaves the session for exactly the amount settled", async () => {
      const url = gateways[mode].url;
      const signature = await handMadePayment(await requirement(url), KEYS[PAYER]);
      const key = randomUUID();
      const balance = await chain.balanceOf(payer().address);
      const blocks = await holdBlocks();
      const first = post(url, signature, { key });
      let answer;
      try {
        await blocks.broadcast();
        postgres("stop");
        await blocks.release(); // the money moves while the store is down
        answer = await first;
      } finally {
        postgres("start");
      }
      const body = await answer.json();
      assert.equal(answer.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, "settled_not_yet_recorded");

      const served = await retryUntilServed(url, signature, key);
      const session = await served.json();
      assert.equal(served.status, 201, JSON.stringify(session));
      const moved = balance - (await chain.balanceOf(payer().address));
      assert.equal(moved, PRICE);
      const recorded = psql(`select coalesce(sum((data->>'AmountAtomic')::bigint), 0) from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${session.session_id}'`);
      assert.equal(BigInt(recorded), moved);
    });
  });
}

describe("self settlement: an unconfirmed broadcast", () => {
  test("is unknown, not 'nothing charged', and becomes the session once the chain shows it mined", async () => {
    const url = gateways.impatient.url;
    const payer = chain.accounts[PAYER];
    const signature = await handMadePayment(await requirement(url), KEYS[PAYER]);
    const key = randomUUID();
    const balance = await chain.balanceOf(payer.address);
    const blocks = await holdBlocks();
    let answer;
    try {
      answer = await post(url, signature, { key }); // the receipt does not come within 2 s
      const body = await answer.json();
      assert.equal(answer.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, "settlement_unknown");
      assert.ok(answer.headers.get("retry-after"));
      const held = await post(url, signature, { key });
      assert.equal(held.status, 409);
      assert.equal((await held.json()).error.code, "payment_in_progress");
    } finally {
      await blocks.release();
    }

    // The reconciler reads authorizationState and the receipt (Nethereum) and records the session.
    const served = await retryUntilServed(url, signature, key, 60);
    const session = await served.json();
    assert.equal(served.status, 201, JSON.stringify(session));
    assert.equal(balance - (await chain.balanceOf(payer.address)), PRICE);
    assert.equal(psql(`select count(*) from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${session.session_id}'`), "1");
  });
});
