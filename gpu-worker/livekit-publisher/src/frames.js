// One frame from the worker into the SDK's sources: BGR24 pixels become a BGRA VideoFrame, the PCM under it an
// AudioFrame. Both are captured with the same frame number, so picture and sound stay on the worker's clock.
import { AudioFrame, VideoBufferType, VideoFrame } from '@livekit/rtc-node';

export class FrameFeeder {
  constructor(video, audio, { width, height, fps, sample_rate: sampleRate }) {
    Object.assign(this, { video, audio, width, height, fps, sampleRate });
    this.bgra = new Uint8Array(width * height * 4);
    this.bgra.fill(255);
    this.stats = { video_frames: 0, audio_frames: 0, audio_samples: 0, first_capture_ms: 0, last_capture_ms: 0 };
  }

  async feed(payload) {
    const pixels = this.width * this.height;
    if (payload.length < pixels * 3) throw new Error(`frame of ${payload.length} bytes is shorter than ${pixels * 3}`);
    for (let i = 0, j = 0; i < pixels * 3; i += 3, j += 4) {
      this.bgra[j] = payload[i];
      this.bgra[j + 1] = payload[i + 1];
      this.bgra[j + 2] = payload[i + 2];
    }
    const n = this.stats.video_frames;
    this.video.captureFrame(new VideoFrame(this.bgra, this.width, this.height, VideoBufferType.BGRA), BigInt(Math.round((n * 1e6) / this.fps)));
    this.stats.video_frames++;

    const pcm = payload.subarray(pixels * 3);
    const samples = new Int16Array(pcm.length / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2);
    await this.audio.captureFrame(new AudioFrame(samples, this.sampleRate, 1, samples.length));
    this.stats.audio_frames++;
    this.stats.audio_samples += samples.length;
    const now = Date.now();
    if (n === 0) this.stats.first_capture_ms = now;
    this.stats.last_capture_ms = now;
  }
}
