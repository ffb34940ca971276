// Takes the LiveKit publisher's place for the token test: keeps the room config the worker sends (with the
// token the worker minted) in $MS_CAPTURE_FILE, then reports that the room refused us, as no server is here.
import { createWriteStream, writeFileSync } from 'node:fs';
import { readMessages, sendEvent } from '../../../gpu-worker/livekit-publisher/src/wire.js';

const events = createWriteStream(process.argv[2]);
for await (const { kind, payload } of readMessages(process.stdin)) {
  if (kind !== 'C') continue;
  writeFileSync(process.env.MS_CAPTURE_FILE, payload);
  sendEvent(events, { type: 'failed', reason: 'livekit_connect_failed', message: 'captured for the token test' });
  events.end(() => process.exit(0));
}
