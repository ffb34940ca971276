// The pipe between the worker and this program: messages of [kind: 1 byte][length: u32 LE][payload].
// Worker -> here (stdin):  'C' config JSON, 'F' one frame (I420 pixels, then that frame's s16le PCM),
//                          'P' a playback_finished payload (JSON) to send to the agent, EOF to finish.
// Here -> worker (a FIFO): 'J' an event (JSON), 'A' agent speech (16 kHz mono s16le), 'E' end of an utterance,
//                          'X' the agent asked to clear the buffer.
// The SDK's own logs go to stdout and ours to stderr, never into that FIFO.

export async function* readMessages(stream) {
  let pending = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 5) {
      const length = pending.readUInt32LE(1);
      if (pending.length < 5 + length) break;
      yield { kind: String.fromCharCode(pending[0]), payload: pending.subarray(5, 5 + length) };
      pending = pending.subarray(5 + length);
    }
  }
}

export function writeMessage(stream, kind, payload) {
  const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const head = Buffer.alloc(5);
  head[0] = kind.charCodeAt(0);
  head.writeUInt32LE(body.length, 1);
  stream.write(Buffer.concat([head, body]));
}

export const sendEvent = (stream, event) => writeMessage(stream, 'J', JSON.stringify(event));
