// LiveKit Agents' avatar convention, for a worker that joined a caller's room as the avatar of an agent:
//  - the token's `lk.publish_on_behalf` attribute names the agent this avatar speaks for;
//  - the agent's speech arrives as `lk.audio_stream` byte streams (int16 PCM with `sample_rate` and
//    `num_channels` attributes), one stream per utterance: closing it ends the utterance;
//  - the agent calls the `lk.clear_buffer` RPC to interrupt; the avatar then stops speaking at once;
//  - the avatar calls the agent's `lk.playback_finished` RPC with {"playback_position": s, "interrupted": b}
//    after each interruption and at each natural end (the worker measures the position and sends the payload).
import { AudioFrame, AudioResampler, AudioResamplerQuality } from '@livekit/rtc-node';

export const PUBLISH_ON_BEHALF = 'lk.publish_on_behalf';
export const AUDIO_STREAM_TOPIC = 'lk.audio_stream';
export const RPC_CLEAR_BUFFER = 'lk.clear_buffer';
export const RPC_PLAYBACK_FINISHED = 'lk.playback_finished';

export class AvatarBridge {
  /** @param worker {{ audio(pcm: Int16Array): void, endUtterance(): void, clear(): void }} */
  constructor(room, agentIdentity, worker, outputRate = 16000, log = () => {}) {
    Object.assign(this, { room, agentIdentity, worker, outputRate, log });
    this.streams = Promise.resolve(); // the last stream taken: the next one starts when it is done
  }

  attach() {
    // LiveKit Agents' own receiver queues its streams and plays them one after the other; a stream that opens
    // while another is still arriving waits its turn here too, so two utterances never interleave.
    this.room.registerByteStreamHandler(AUDIO_STREAM_TOPIC, (reader, from) => {
      this.streams = this.streams.then(() => this.onAudioStream(reader, from).catch((e) => this.log(`audio stream failed: ${e.message}`)));
    });
    this.room.localParticipant.registerRpcMethod(RPC_CLEAR_BUFFER, async (data) => this.onClearBuffer(data));
  }

  async onAudioStream(reader, { identity }) {
    if (identity !== this.agentIdentity) {
      this.log(`ignoring an audio stream from ${identity}, not the agent ${this.agentIdentity}`);
      return;
    }
    const attributes = reader.info.attributes ?? {};
    const rate = Number.parseInt(attributes.sample_rate ?? '', 10);
    const channels = Number.parseInt(attributes.num_channels ?? '', 10);
    if (!(rate > 0) || !(channels > 0)) throw new Error(`audio stream without sample_rate/num_channels: ${JSON.stringify(attributes)}`);
    const resampler = rate === this.outputRate ? null : new AudioResampler(rate, this.outputRate, 1, AudioResamplerQuality.MEDIUM);
    let carry = new Uint8Array(0); // a chunk may split a sample frame
    for await (const chunk of reader) {
      const bytes = carry.length ? concat(carry, chunk) : chunk;
      const frameBytes = 2 * channels;
      const whole = bytes.length - (bytes.length % frameBytes);
      carry = bytes.slice(whole);
      if (whole > 0) this.emit(downmix(bytes.subarray(0, whole), channels), resampler);
    }
    if (resampler) {
      for (const frame of resampler.flush()) this.worker.audio(frame.data);
      resampler.close();
    }
    this.worker.endUtterance();
  }

  emit(mono, resampler) {
    if (!resampler) return this.worker.audio(mono);
    for (const frame of resampler.push(new AudioFrame(mono, resampler.inputRate, 1, mono.length))) this.worker.audio(frame.data);
  }

  onClearBuffer(data) {
    if (data.callerIdentity !== this.agentIdentity) return 'reject';
    this.worker.clear();
    return 'ok';
  }

  /** The worker's payload, passed on as it is: {"playback_position": s, "interrupted": b}. */
  async playbackFinished(payload) {
    await this.room.localParticipant.performRpc({ destinationIdentity: this.agentIdentity, method: RPC_PLAYBACK_FINISHED, payload });
  }
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Interleaved little-endian int16 with `channels` channels -> mono int16 (the mean of the channels). */
export function downmix(bytes, channels) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.length / 2 / channels);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += view.getInt16((i * channels + c) * 2, true);
    out[i] = Math.round(sum / channels);
  }
  return out;
}
