// The avatar convention between LiveKit Agents' own sender (voice.DataStreamAudioOutput from @livekit/agents)
// and our publisher's receiver (AvatarBridge), joined in memory since no LiveKit server exists here.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame, dispose } from '@livekit/rtc-node';
import { dispose as disposePublisherSdk } from '../../../gpu-worker/livekit-publisher/node_modules/@livekit/rtc-node/dist/index.js';
import { AvatarBridge } from '../../../gpu-worker/livekit-publisher/src/avatar.js';
import { linkedRooms } from '../testing/linked-rooms.mjs';

initializeLogger({ pretty: false, level: 'warn' });
// Both copies of the SDK (the agents' and the publisher's) keep native threads until disposed.
after(async () => { await dispose(); await disposePublisherSdk(); });

function setUp() {
  const { agent, avatar } = linkedRooms('agent-1', 'mirrorstage-avatar');
  const worker = { samples: [], utterances: 0, clears: 0 };
  const bridge = new AvatarBridge(avatar, avatar.localParticipant.attributes['lk.publish_on_behalf'], {
    audio: (pcm) => worker.samples.push(...pcm),
    endUtterance: () => worker.utterances++,
    clear: () => worker.clears++,
  });
  bridge.attach();
  // Agents registers its lk.playback_finished handler once per process (one agent room per job): each test
  // here has a room of its own, so it lets each register again.
  voice.DataStreamAudioOutput._playbackFinishedRpcRegistered = false;
  const output = new voice.DataStreamAudioOutput({ room: agent, destinationIdentity: 'mirrorstage-avatar' });
  return { agent, avatar, worker, bridge, output };
}

const tone = (rate, seconds) => Int16Array.from({ length: rate * seconds }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate)));
const until = async (check) => { for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10)); };

test('an utterance from LiveKit Agents arrives as 16 kHz speech and its stream end ends the utterance', async () => {
  const { worker, output } = setUp();
  const speech = tone(24000, 1);
  for (let at = 0; at < speech.length; at += 480) {
    await output.captureFrame(new AudioFrame(speech.slice(at, at + 480), 24000, 1, 480)); // 20 ms frames, as agents send
  }
  output.flush(); // closes the lk.audio_stream byte stream
  await until(() => worker.utterances === 1);
  assert.equal(worker.utterances, 1);
  assert.ok(Math.abs(worker.samples.length - 16000) <= 160, `1 s at 24 kHz became ${worker.samples.length} samples at 16 kHz`);
  const rms = Math.sqrt(worker.samples.reduce((s, v) => s + v * v, 0) / worker.samples.length);
  assert.ok(rms > 4000, `the speech lost its level: rms ${rms}`);
});

test('lk.clear_buffer reaches the worker, and our lk.playback_finished is read by LiveKit Agents as sent', async () => {
  const { agent, worker, output, bridge } = setUp();
  await output.captureFrame(new AudioFrame(tone(16000, 1), 16000, 1, 16000));
  output.clearBuffer();
  await until(() => worker.clears === 1);
  assert.equal(worker.clears, 1);
  assert.deepEqual(agent.sentRpc.map((r) => r.method), ['lk.clear_buffer']);

  const finished = new Promise((resolve) => output.once(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, resolve));
  // What the worker's AvatarPlayback sends after an interruption 0.48 s into the utterance (its C# test pins this text).
  await bridge.playbackFinished('{"playback_position":0.48,"interrupted":true}');
  assert.deepEqual(await finished, { playbackPosition: 0.48, interrupted: true, synchronizedTranscript: undefined });
});

test('an utterance played to its end reaches LiveKit Agents as finished, not interrupted', async () => {
  const { worker, output, bridge } = setUp();
  await output.captureFrame(new AudioFrame(tone(16000, 1.5), 16000, 1, 24000));
  output.flush();
  await until(() => worker.utterances === 1);

  const finished = new Promise((resolve) => output.once(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, resolve));
  // What AvatarPlayback sends when those 1.5 s played through (its C# test pins this text).
  await bridge.playbackFinished('{"playback_position":1.5,"interrupted":false}');
  assert.deepEqual(await finished, { playbackPosition: 1.5, interrupted: false, synchronizedTranscript: undefined });
});

test('only the agent named by lk.publish_on_behalf is heard or obeyed', async () => {
  const { avatar, worker } = setUp();
  const stranger = { info: { attributes: { sample_rate: '16000', num_channels: '1' } }, async *[Symbol.asyncIterator]() { yield new Uint8Array(3200); } };
  avatar.handlers.get('lk.audio_stream')(stranger, { identity: 'someone-else' });
  assert.equal(await avatar.localParticipant.rpc.get('lk.clear_buffer')({ callerIdentity: 'someone-else', payload: '' }), 'reject');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual([worker.samples.length, worker.utterances, worker.clears], [0, 0, 0]);
});

test('stereo speech is mixed down to mono', async () => {
  const { worker, output } = setUp();
  const left = tone(16000, 1);
  const stereo = new Int16Array(left.length * 2);
  left.forEach((v, i) => { stereo[2 * i] = v; stereo[2 * i + 1] = v; });
  await output.captureFrame(new AudioFrame(stereo, 16000, 2, left.length));
  output.flush();
  await until(() => worker.utterances === 1);
  assert.equal(worker.samples.length, left.length);
  assert.equal(worker.samples[1234], left[1234]);
});

test('a stream that opens while another is still arriving is played after it, as LiveKit Agents queues them', async () => {
  const { avatar, worker } = setUp();
  let more;
  const first = stream([1, 2], new Promise((resolve) => { more = resolve; }));
  avatar.handlers.get('lk.audio_stream')(first, { identity: 'agent-1' });
  avatar.handlers.get('lk.audio_stream')(stream([3]), { identity: 'agent-1' });
  await new Promise((r) => setTimeout(r, 50)); // the second stream has all its bytes; the first still waits for more
  more();
  await until(() => worker.utterances === 2);
  assert.deepEqual(worker.samples, [1, 2, 3]); // interleaved, the second utterance would have cut into the first: 1, 3, 2
});

/** A 16 kHz mono byte stream of one-sample chunks; with `pause`, its last chunk comes only once that resolves. */
function stream(values, pause = Promise.resolve()) {
  const chunk = (v) => new Uint8Array(Int16Array.of(v).buffer);
  return {
    info: { attributes: { sample_rate: '16000', num_channels: '1' } },
    async *[Symbol.asyncIterator]() {
      for (const v of values.slice(0, -1)) yield chunk(v);
      await pause;
      yield chunk(values.at(-1));
    },
  };
}
