// One frame from the worker into the SDK's sources: its I420 pixels are captured as an I420 VideoFrame (WebRTC's
// own format: no conversion on either side), the PCM under it as an AudioFrame. Both are captured with the same
// frame number, so picture and sound stay on the worker's clock.
import { AudioFrame, VideoBufferType, VideoFrame } from '@livekit/rtc-node';

export class FrameFeeder {
  constructor(video, audio, { width, height, fps, sample_rate: sampleRate }) {
    Object.assign(this, { video, audio, width, height, fps, sampleRate });
    this.frameBytes = (width * height * 3) / 2;
    this.stats = { video_frames: 0, audio_frames: 0, audio_samples: 0, first_capture_ms: 0, last_capture_ms: 0 };
  }

  async feed(payload) {
    if (payload.length < this.frameBytes) throw new Error(`frame of ${payload.length} bytes is shorter than ${this.frameBytes}`);
    const pixels = new Uint8Array(payload.buffer, payload.byteOffset, this.frameBytes);
    const n = this.stats.video_frames;
    this.video.captureFrame(new VideoFrame(pixels, this.width, this.height, VideoBufferType.I420), BigInt(Math.round((n * 1e6) / this.fps)));
    this.stats.video_frames++;

    const pcm = payload.subarray(this.frameBytes);
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
