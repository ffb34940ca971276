// The plugin against a live `mirrorstage up`: it creates the session for the agent's room with a token it
// mints (publishing on behalf of the agent), the gateway hands that token to the worker, and the agent's
// audio output becomes LiveKit's own DataStreamAudioOutput towards the avatar. No LiveKit server exists
// here, so the worker's publisher is one that keeps the room config it gets and reports a refused join.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initializeLogger, voice } from '@livekit/agents';
import { dispose } from '@livekit/rtc-node';
import { TokenVerifier } from 'livekit-server-sdk';
import { fixtures, startUp, waitForStatus } from '../../../tests/viewing/rig/up.mjs';
import { AvatarSession, MirrorstageException } from '../src/index.js';
import { linkedRooms } from '../testing/linked-rooms.mjs';

initializeLogger({ pretty: false, level: 'warn' });
const apiKey = 'APIagentsProject';
const apiSecret = 'the-agents-projects-own-livekit-secret-0123456789';
const capture = join(process.env.TMPDIR ?? '/tmp', `ms-plugin-capture-${process.pid}.json`);
let up;

before(async () => {
  up = await startUp({
    'Mirrorstage:LiveKit:PublisherScript': join(import.meta.dirname, '../../../tests/viewing/rig/capture-publisher.mjs'),
    MS_CAPTURE_FILE: capture,
  }, 'mirrorstage_plugin');
});
after(async () => { await up?.stop(); await dispose(); });

const agentSession = () => ({ output: { audio: null }, _started: false, on() {}, off() {} });

test('start() creates a session in the agent\'s room whose worker joins as the avatar of that agent', async () => {
  const { agent } = linkedRooms('agent-7', 'mirrorstage-avatar');
  agent.name = 'support-call-42';
  const session = agentSession();
  const avatar = new AvatarSession({ gatewayUrl: up.url, faceImage: join(fixtures, 'faces/astronaut.png'), durationMinutes: 10 });
  const created = await avatar.start(session, agent, { livekitUrl: 'wss://127.0.0.1', livekitApiKey: apiKey, livekitApiSecret: apiSecret });

  assert.equal(created.output_protocol, 'livekit');
  assert.equal(created.livekit_url, 'wss://127.0.0.1/');
  assert.ok(session.output.audio instanceof voice.DataStreamAudioOutput);

  const failed = await waitForStatus(created, ['failed']); // the worker tried to join: nothing listens there
  assert.equal(failed.failure_reason, 'livekit_connect_failed');
  assert.ok(existsSync(capture), 'the worker never started its publisher');
  const config = JSON.parse(readFileSync(capture, 'utf8'));
  assert.equal(config.url, 'wss://127.0.0.1/');
  const claims = await new TokenVerifier(apiKey, apiSecret).verify(config.token);
  assert.equal(claims.sub, 'mirrorstage-avatar');
  assert.equal(claims.kind, 'agent');
  assert.deepEqual(claims.attributes, { 'lk.publish_on_behalf': 'agent-7' });
  assert.deepEqual(claims.video, { roomJoin: true, room: 'support-call-42' });
  await avatar.aclose();
});

test('a gateway refusal surfaces as a MirrorstageException with its code', async () => {
  const { agent } = linkedRooms('agent-8', 'mirrorstage-avatar');
  const avatar = new AvatarSession({ gatewayUrl: up.url, faceImage: new Uint8Array([1, 2, 3]) });
  await assert.rejects(avatar.start(agentSession(), agent, { livekitUrl: 'wss://127.0.0.1', livekitApiKey: apiKey, livekitApiSecret: apiSecret }),
    (e) => e instanceof MirrorstageException && /400 invalid_image|415 unsupported_image_type/.test(e.message));
});
