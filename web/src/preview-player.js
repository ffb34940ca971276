// The worker's low-latency preview: fragmented MP4 (H.264 + AAC) over a WebSocket, appended to a Media Source.
// Playback chases the live edge. Each fragment comes with the worker's wall-clock render time of its frames,
// so the page can measure render -> presentation delay with requestVideoFrameCallback.
import { DelayProbe } from './delay-probe.js';

export function playPreview(video, url) {
  const media = new MediaSource();
  const probe = new DelayProbe(video);
  const queue = [];
  let buffer = null;
  let socket = null;
  video.src = URL.createObjectURL(media);
  // Autoplay with sound where the browser allows it (OBS does), else muted.
  video.muted = false;
  video.play().catch(() => { video.muted = true; video.play().catch(() => {}); });

  const pump = () => {
    if (!buffer || buffer.updating || queue.length === 0 || media.readyState !== 'open') return;
    buffer.appendBuffer(queue.shift());
  };
  const chase = () => {
    const ranges = video.buffered;
    if (ranges.length === 0) return;
    const start = ranges.start(ranges.length - 1);
    const end = ranges.end(ranges.length - 1);
    if (video.currentTime < start || end - video.currentTime > 0.2) video.currentTime = Math.max(start, end - 0.05);
    if (video.paused) video.play().catch(() => {});
    if (!buffer.updating && ranges.start(0) < end - 20) buffer.remove(0, end - 10);
  };

  media.addEventListener('sourceopen', () => {
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') {
        const message = JSON.parse(event.data);
        if (message.type === 'init') {
          buffer = media.addSourceBuffer(message.mime);
          buffer.addEventListener('updateend', () => { chase(); pump(); });
          probe.fps = message.fps;
        } else if (message.type === 'frames') probe.rendered(message.first, message.unix_ms);
        return;
      }
      queue.push(event.data);
      pump();
    };
  });
  return { stop: () => { socket?.close(); probe.stop(); } };
}
