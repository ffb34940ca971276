// Render -> presentation delay: for each frame the page presents, the worker's wall-clock time when it rendered
// that frame (frame n has media time n / fps) against the time the frame was shown. The figures are kept in
// window.mirrorstagePreviewDelays for tests and tools.
export class DelayProbe {
  constructor(video) {
    this.video = video;
    this.fps = 25;
    this.renderedAt = new Map();
    this.delays = window.mirrorstagePreviewDelays = [];
    this.stopped = false;
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(this.onFrame);
  }

  rendered(first, unixMs) {
    unixMs.forEach((t, i) => this.renderedAt.set(first + i, t));
    if (this.renderedAt.size > 3000) {
      const oldest = [...this.renderedAt.keys()].slice(0, 1000);
      oldest.forEach((k) => this.renderedAt.delete(k));
    }
  }

  onFrame = (_now, meta) => {
    if (this.stopped) return;
    const frame = Math.round(meta.mediaTime * this.fps);
    const rendered = this.renderedAt.get(frame);
    if (rendered !== undefined) this.delays.push(performance.timeOrigin + meta.presentationTime - rendered);
    if (this.delays.length > 10000) this.delays.splice(0, 5000);
    this.video.requestVideoFrameCallback(this.onFrame);
  };

  stop() { this.stopped = true; }
}
