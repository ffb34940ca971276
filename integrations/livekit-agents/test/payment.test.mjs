// The plugin against a charging gateway: the real gateway binary priced per minute, settling through the official
// x402 facilitator on anvil (the conformance rig), paid by the official x402 client the agent hands the plugin.
// The session is created for the agent's room; the payer's balance drops by exactly its price, and the gateway
// records the transaction anvil mined.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initializeLogger } from '@livekit/agents';
import { dispose } from '@livekit/rtc-node';
import { x402Client } from '@x402/fetch';
import { ExactEvmScheme } from '@x402/evm/exact/client';
import { privateKeyToAccount } from 'viem/accounts';
import { KEYS, TOKEN_NAME, TOKEN_VERSION, startChain } from '../../../tests/conformance/rig/chain.mjs';
import { startFacilitator } from '../../../tests/conformance/rig/facilitator.mjs';
import { createDatabase, psql, startGateway } from '../../../tests/conformance/rig/gateway.mjs';
import { decode, face } from '../../../tests/conformance/rig/payments.mjs';
import { ports } from '../../../tests/conformance/rig/ports.mjs';
import { AvatarSession } from '../src/index.js';
import { linkedRooms } from '../testing/linked-rooms.mjs';

initializeLogger({ pretty: false, level: 'warn' });
const store = 'mirrorstage_plugin_payments';
const PAYER = 4;
let chain, facilitator, gateway;

before(async () => {
  createDatabase(store);
  chain = await startChain();
  facilitator = await startFacilitator(chain);
  gateway = await startGateway({
    port: ports.gatewayAgentPlugin, store,
    network: { Network: 'eip155:31337', Asset: chain.token, PayTo: chain.payTo, AssetName: TOKEN_NAME, AssetVersion: TOKEN_VERSION, FacilitatorUrl: facilitator.url },
  });
});

after(async () => {
  gateway?.stop();
  await facilitator?.stop();
  chain?.stop();
  await dispose();
});

const agentSession = () => ({ output: { audio: null }, _started: false, on() {}, off() {} });

test('start() pays a charging gateway with the x402 client it is given', async () => {
  const { agent } = linkedRooms('agent-9', 'mirrorstage-avatar');
  agent.name = 'paid-call-7';
  const payer = chain.accounts[PAYER].address;
  const client = new x402Client().setSpendControls({ allowedAssets: [{ network: 'eip155:31337', asset: chain.token }] });
  client.register('eip155:*', new ExactEvmScheme(privateKeyToAccount(KEYS[PAYER])));
  const paidFetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.headers.get('PAYMENT-RESPONSE')) paidFetch.settled = decode(response.headers.get('PAYMENT-RESPONSE'));
    return response;
  };
  const [payerBefore, payToBefore] = [await chain.balanceOf(payer), await chain.balanceOf(chain.payTo)];

  const avatar = new AvatarSession({
    gatewayUrl: gateway.url, faceImage: new Blob([face], { type: 'image/png' }), durationMinutes: 15, x402Client: client, fetch: paidFetch,
  });
  const created = await avatar.start(agentSession(), agent, { livekitUrl: 'wss://127.0.0.1', livekitApiKey: 'APIagentsProject', livekitApiSecret: 'the-agents-projects-own-livekit-secret-0123456789' });

  assert.equal(created.output_protocol, 'livekit');
  assert.equal(created.price_usd, 1);
  assert.equal(created.wallet, payer.toLowerCase());
  const price = 1_000_000n; // $1 in the 6-decimal token
  assert.equal(payerBefore - (await chain.balanceOf(payer)), price);
  assert.equal((await chain.balanceOf(chain.payTo)) - payToBefore, price);
  assert.equal(paidFetch.settled?.success, true);
  assert.equal((await chain.publicClient.getTransactionReceipt({ hash: paidFetch.settled.transaction })).status, 'success');
  assert.equal(psql(`select data->>'Transaction' from mirrorstage.mt_events where type = 'payment_settled' and stream_id = '${created.session_id}'`, store),
    paidFetch.settled.transaction);
  await avatar.aclose();
});
