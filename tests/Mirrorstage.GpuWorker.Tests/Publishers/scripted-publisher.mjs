// Takes the LiveKit publisher's place where no LiveKit server exists. It speaks the publisher's side of the pipes
// (wire.js): plays the room events of the scenario named in the room URL (?scenario=...), takes the frames, and
// reports its counts and the lk.playback_finished payloads the worker sent in its final stats, at EOF.
import { createWriteStream } from 'node:fs';
import { readMessages, sendEvent, writeMessage } from '../../../gpu-worker/livekit-publisher/src/wire.js';

const out = createWriteStream(process.argv[2]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const connected = (agent = null) => ({ type: 'connected', room: 'scripted', identity: 'mirrorstage-avatar', publish_on_behalf: agent });

const scenarios = {
  // The connection drops a second in and comes back half a second later.
  'drop-and-return': async () => {
    sendEvent(out, connected());
    await sleep(1000);
    sendEvent(out, { type: 'reconnecting' });
    await sleep(500);
    sendEvent(out, { type: 'reconnected' });
  },
  // The connection drops a second in and never comes back.
  'drop': async () => {
    sendEvent(out, connected());
    await sleep(1000);
    sendEvent(out, { type: 'reconnecting' });
  },
  // The agent's first utterance (0.2 s at 16 kHz) arrives at once, before the join is even reported.
  'agent-speaks-at-once': async () => {
    writeMessage(out, 'A', new Int16Array(3200).fill(1000));
    writeMessage(out, 'E', '');
    sendEvent(out, connected('agent-1'));
  },
};

const stats = { video_frames: 0, playback_finished: [] };
for await (const { kind, payload } of readMessages(process.stdin)) {
  if (kind === 'C') scenarios[new URL(JSON.parse(payload.toString()).url).searchParams.get('scenario')]();
  else if (kind === 'F') stats.video_frames++;
  else if (kind === 'P') stats.playback_finished.push(payload.toString());
}
sendEvent(out, { type: 'stats', ...stats, final: true });
out.end(() => process.exit(0));
