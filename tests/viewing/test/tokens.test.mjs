// Every LiveKit token Mirrorstage mints, read back by the official livekit-server-sdk TokenVerifier: the
// signature must verify with our key and secret, and the grants must be exactly the ones we mean to give.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TokenVerifier } from 'livekit-server-sdk';
import { createSession, shareOf, startUp, waitForStatus } from '../rig/up.mjs';

const apiKey = 'APImirrorstageTest';
const apiSecret = 'a-test-secret-that-is-long-enough-for-hs256-0123456789';
let up;
let capture;

before(async () => {
  capture = join(process.env.TMPDIR ?? '/tmp', `ms-capture-${process.pid}.json`);
  up = await startUp({
    'Mirrorstage:LiveKit:Url': 'ws://127.0.0.1:9', // nothing listens: only the tokens matter here
    'Mirrorstage:LiveKit:ApiKey': apiKey,
    'Mirrorstage:LiveKit:ApiSecret': apiSecret,
    'Mirrorstage:LiveKit:PublisherScript': join(import.meta.dirname, '../rig/capture-publisher.mjs'),
    MS_CAPTURE_FILE: capture,
  }, 'mirrorstage_tokens');
});
after(async () => up?.stop());

const verifier = new TokenVerifier(apiKey, apiSecret);

test('the viewer token is subscribe-only: it may join its room and subscribe, and do nothing else', async () => {
  const created = await createSession(up.url);
  assert.equal(created.output_protocol, 'livekit');
  const view = await (await fetch(`${up.url}/v1/view/${created.session_id}?share=${shareOf(created.view_url)}`)).json();
  const claims = await verifier.verify(view.livekit_access_token);

  assert.equal(claims.iss, apiKey);
  assert.match(claims.sub, /^viewer-[0-9a-f]{12}$/);
  assert.equal(claims.name, 'Viewer');
  assert.deepEqual(claims.video, {
    roomJoin: true, room: `mirrorstage-${created.session_id}`,
    canSubscribe: true, canPublish: false, canPublishData: false, canUpdateOwnMetadata: false,
  });
  assert.equal(claims.attributes, undefined);
  assert.equal(claims.metadata, undefined);
  assert.ok(claims.exp > Date.now() / 1000 && claims.nbf <= Date.now() / 1000 + 1);
  await assert.rejects(new TokenVerifier(apiKey, `${apiSecret}-not`).verify(view.livekit_access_token));
});

test('the worker token publishes the camera and microphone into its session room, subscribes to nothing', async () => {
  const created = await createSession(up.url);
  const failed = await waitForStatus(created, ['failed']);
  assert.equal(failed.failure_reason, 'livekit_connect_failed');
  assert.ok(existsSync(capture), 'the worker never started its publisher');
  const config = JSON.parse(readFileSync(capture, 'utf8'));
  assert.equal(config.url, 'ws://127.0.0.1:9');
  const claims = await verifier.verify(config.token);

  assert.equal(claims.iss, apiKey);
  assert.equal(claims.sub, `mirrorstage-avatar-${created.session_id}`);
  assert.equal(claims.name, 'Mirrorstage');
  assert.deepEqual(claims.video, {
    roomJoin: true, room: `mirrorstage-${created.session_id}`,
    canSubscribe: false, canPublish: true, canPublishData: false, canPublishSources: ['camera', 'microphone'],
  });
  assert.equal(claims.attributes, undefined);
  // The session runs 15 minutes: the token outlives it (reconnects), but not by more than an hour.
  assert.ok(claims.exp - claims.nbf === (15 + 60) * 60);
});
