// Takes the LiveKit publisher's place for the warming test: reads what the worker sends and never joins the
// room, so the session stays warming until the worker's connect timeout fails it.
import { readMessages } from '../../../gpu-worker/livekit-publisher/src/wire.js';

for await (const _ of readMessages(process.stdin)) { /* never joins */ }
