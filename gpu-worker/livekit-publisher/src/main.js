// Mirrorstage's LiveKit publisher: joins a room with LiveKit's official client SDK (@livekit/rtc-node), publishes
// the avatar's camera and microphone tracks, and feeds them the frames and PCM the worker writes to stdin, one
// frame at a time on the worker's clock. Sources take frames from the first one on (idle video before any
// speech); the tracks go out as soon as the room is joined. See wire.js for the pipes.
import { AudioSource, ConnectionState, LocalAudioTrack, LocalVideoTrack, Room, RoomEvent, TrackPublishOptions, TrackSource, VideoSource, dispose } from '@livekit/rtc-node';
import { AvatarBridge, PUBLISH_ON_BEHALF, RPC_PLAYBACK_FINISHED } from './avatar.js';
import { FrameFeeder } from './frames.js';
import { createWriteStream } from 'node:fs';
import { readMessages, sendEvent, writeMessage } from './wire.js';

// The SDK logs to stdout, so messages for the worker go to the FIFO it names (argv[2]); stdout is only logs.
const out = process.argv[2] ? createWriteStream(process.argv[2]) : process.stdout;
const log = (text) => process.stderr.write(`livekit-publisher: ${text}\n`);
let config = null;
let feeder = null;
let room = null;
let bridge = null;
let statsTimer = null;

async function connect() {
  room = new Room();
  room.on(RoomEvent.ConnectionStateChanged, (state) => {
    if (state === ConnectionState.CONN_RECONNECTING) sendEvent(out, { type: 'reconnecting' });
    if (state === ConnectionState.CONN_CONNECTED && bridge !== null) sendEvent(out, { type: 'reconnected' });
  });
  room.on(RoomEvent.Disconnected, (reason) => sendEvent(out, { type: 'disconnected', reason: String(reason) }));
  try {
    await room.connect(config.url, config.token, { autoSubscribe: false, dynacast: false });
    const video = LocalVideoTrack.createVideoTrack('avatar-camera', feeder.video);
    const audio = LocalAudioTrack.createAudioTrack('avatar-microphone', feeder.audio);
    await room.localParticipant.publishTrack(video, new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA }));
    await room.localParticipant.publishTrack(audio, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
  } catch (e) {
    sendEvent(out, { type: 'failed', reason: 'livekit_connect_failed', message: String(e?.message ?? e) });
    return;
  }
  const agent = room.localParticipant.attributes?.[PUBLISH_ON_BEHALF] || null;
  bridge = new AvatarBridge(room, agent, {
    audio: (pcm) => writeMessage(out, 'A', pcm),
    endUtterance: () => writeMessage(out, 'E', ''),
    clear: () => writeMessage(out, 'X', ''),
  }, config.sample_rate, log);
  if (agent) bridge.attach();
  sendEvent(out, { type: 'connected', room: room.name, identity: room.localParticipant.identity, publish_on_behalf: agent });
}

async function finish(code) {
  clearInterval(statsTimer);
  if (feeder) sendEvent(out, { type: 'stats', ...feeder.stats, final: true });
  try { await room?.disconnect(); } catch { /* already gone */ }
  await dispose();
  out.end(() => process.exit(code));
}

for await (const { kind, payload } of readMessages(process.stdin)) {
  if (kind === 'C') {
    config = JSON.parse(payload.toString());
    feeder = new FrameFeeder(new VideoSource(config.width, config.height), new AudioSource(config.sample_rate, 1), config);
    statsTimer = setInterval(() => sendEvent(out, { type: 'stats', ...feeder.stats }), 1000);
    connect();
  } else if (kind === 'F' && feeder) {
    await feeder.feed(payload);
  } else if (kind === 'P' && bridge?.agentIdentity) {
    bridge.playbackFinished(payload.toString()).catch((e) => log(`${RPC_PLAYBACK_FINISHED} failed: ${e.message}`));
  }
}
await finish(0);
