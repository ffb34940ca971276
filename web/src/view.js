// The view page: asks the gateway for the session's state and viewing credentials with the share token, then
// plays it: LiveKit (subscribe-only token) for a gateway-owned room, else the worker's low-latency preview.
import { playLiveKit } from './livekit-player.js';
import { playPreview } from './preview-player.js';

const video = document.getElementById('video');
const stateBox = document.getElementById('state');
const [, , id] = location.pathname.split('/');
const share = new URLSearchParams(location.search).get('share') ?? '';
const api = `/v1/view/${encodeURIComponent(id)}?share=${encodeURIComponent(share)}`;

function show(state, title, text = '') {
  document.body.dataset.state = state;
  stateBox.replaceChildren();
  if (!title && !text) return;
  const b = document.createElement('b');
  b.textContent = title;
  stateBox.append(b, text);
}

async function readView() {
  const response = await fetch(api, { cache: 'no-store' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body?.error?.message ?? response.statusText), { status: response.status, code: body?.error?.code });
  return body;
}

/** The player for this session's output; null when it publishes into a room the page cannot join. */
async function startPlayer(view) {
  if (view.livekit_access_token) return playLiveKit(video, view.livekit_url, view.livekit_access_token);
  if (view.preview_url) return playPreview(video, view.preview_url);
  return null;
}

let player = null;
async function tick() {
  let view;
  try {
    view = await readView();
  } catch (e) {
    if (e.status === 401 || e.status === 404) {
      show('invalid', 'This view link is not valid', 'Ask the session\'s owner for a new view link.');
      player?.stop();
      return false;
    }
    show(document.body.dataset.state, 'Reconnecting…', '');
    return true;
  }
  if (view.status === 'ended' || view.status === 'failed') {
    player?.stop();
    player = null;
    video.removeAttribute('src');
    show('ended', 'This session has ended', view.status === 'failed' ? 'It could not be rendered.' : '');
    return false;
  }
  if (view.status === 'warming') {
    show('warming', 'Warming up…', 'The avatar is getting ready.');
    return true;
  }
  if (!player) {
    try {
      player = await startPlayer(view);
    } catch (e) {
      // A room that refuses the connection now (LiveKit restarting, a network blip): the next poll tries again.
      console.warn('the player did not start', e);
      show('reconnecting', 'Reconnecting…', '');
      return true;
    }
    if (!player) {
      show('live', 'Live in another room', 'This session publishes into its caller\'s own LiveKit room.');
      return true;
    }
  }
  show('live', '');
  return true;
}

(async function loop() {
  // Poll gently: the gateway's fair-use limit counts these per viewer address.
  while (await tick()) await new Promise((r) => setTimeout(r, document.body.dataset.state === 'live' ? 10000 : 3000));
})();
