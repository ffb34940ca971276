// The view page of a live local session in Debian's headless Chromium: it keeps polling through a player that
// fails to start, the face moves its mouth while it speaks, a bad share token gets a plain message, and the
// low-latency preview's render -> presentation delay is printed (p50/p95; timing figures on a shared machine
// are inflated by its load).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import WebSocket from 'ws';
import { createSession, fixtures, startUp, waitForStatus } from '../rig/up.mjs';

const chromiumArgs = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];
const mouth = { x: 190, y: 300, width: 132, height: 80 }; // the procedural engine's mouth, in a 512x512 frame
let up;
let browser;

before(async () => {
  up = await startUp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
});
after(async () => { await browser?.close(); await up?.stop(); });

const shot = async (page) => PNG.sync.read(await page.screenshot({ clip: mouth }));
function meanDifference(a, b) {
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c] - b.data[i + c]);
  return sum / (a.data.length / 4 * 3);
}
const percentile = (values, p) => [...values].sort((x, y) => x - y)[Math.min(values.length - 1, Math.floor(values.length * p))];

test('a player that fails to start shows Reconnecting… and the page keeps polling until it plays', async () => {
  const created = await createSession(up.url);
  await waitForStatus(created, ['active']);
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  // The view credentials name a LiveKit room nobody serves, until the test lets the real answer through.
  let refused = true;
  await page.route('**/v1/view/**', async (route) => {
    if (!refused) return route.continue();
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), livekit_url: 'ws://127.0.0.1:9', livekit_access_token: 'unserved' } });
  });
  await page.goto(created.view_url);
  await page.waitForFunction(() => document.body.dataset.state === 'reconnecting', null, { timeout: 20000 });
  assert.match(await page.locator('#state').innerText(), /Reconnecting…/);
  refused = false;
  await page.waitForFunction(() => document.body.dataset.state === 'live', null, { timeout: 30000 });
  await page.close();
  await fetch(created.status_url, { method: 'DELETE', headers: { Authorization: `Bearer ${created.token}` } }); // frees its render slot
});

test('the view page shows the live face, whose mouth moves while it speaks', async () => {
  const created = await createSession(up.url);
  await waitForStatus(created, ['active'], 90); // the first face's landmarks and mesh take a while on a loaded machine
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.goto(created.view_url);
  // Playing means frames are being decoded and shown. (readyState is no measure here: the player keeps a few
  // tens of milliseconds ahead of the live edge, which Chromium reports as HAVE_METADATA while it plays.)
  await page.waitForFunction(() => {
    const video = document.getElementById('video');
    return document.body.dataset.state === 'live' && !video.paused && video.getVideoPlaybackQuality().totalVideoFrames > 10;
  }, null, { timeout: 30000 });
  assert.equal(await page.locator('video[controls]').count(), 0);

  await page.waitForTimeout(1500);
  const quietA = await shot(page);
  await page.waitForTimeout(1000);
  const quietB = await shot(page);

  const socket = new WebSocket(created.websocket_url);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  // About 14 s of speech, sent as one MP3 (the worker decodes it as it streams).
  socket.send(readFileSync(join(fixtures, 'audio/welcome.mp3')));
  socket.send(JSON.stringify({ type: 'speak_done' }));
  await page.waitForTimeout(2500);
  const speakingA = await shot(page);
  await page.waitForTimeout(1000);
  const speakingB = await shot(page);
  await page.screenshot({ path: join(up.dir, 'view-speaking.png') });
  // The delay is measured over a stretch with no screenshot: capturing the page stalls its compositor, which no
  // viewer's player sees.
  await page.evaluate(() => { window.mirrorstagePreviewDelays.length = 0; });
  await page.waitForTimeout(8000);
  const delays = await page.evaluate(() => window.mirrorstagePreviewDelays.slice());
  socket.close();

  const quiet = meanDifference(quietA, quietB);
  const speaking = meanDifference(speakingA, speakingB);
  console.log(`mouth region, mean change over one second: silent ${quiet.toFixed(2)}, speaking ${speaking.toFixed(2)} (screenshot ${join(up.dir, 'view-speaking.png')})`);
  // In silence the head still drifts and blinks (the face is alive), so the quiet region changes too; speech
  // must move it clearly more.
  assert.ok(speaking > 1.5 && speaking > 1.5 * quiet, `the mouth barely moved: ${speaking} vs ${quiet} in silence`);

  assert.ok(delays.length > 25, `only ${delays.length} frames were measured`);
  console.log(`preview delay, worker render -> browser presentation, ${delays.length} frames over 8 s of speech: p50 ${percentile(delays, 0.5).toFixed(0)} ms, p95 ${percentile(delays, 0.95).toFixed(0)} ms`);
  await page.close();
});

test('a bad share token shows a plain message and no player', async () => {
  const created = await createSession(up.url);
  await waitForStatus(created, ['active']);
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  const url = new URL(created.view_url);
  url.searchParams.set('share', 'sh_this-is-not-the-token');
  const response = await page.goto(url.href);
  assert.equal(response.status(), 401);
  assert.match(await page.locator('#state').innerText(), /This view link is not valid/);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => document.getElementById('video').readyState), 0);
  await page.close();
});

test('an ended session says so', async () => {
  const created = await createSession(up.url);
  await waitForStatus(created, ['active']);
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.goto(created.view_url);
  await page.waitForFunction(() => document.body.dataset.state === 'live', null, { timeout: 30000 });
  await fetch(created.status_url, { method: 'DELETE', headers: { Authorization: `Bearer ${created.token}` } });
  await page.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 10000 });
  assert.match(await page.locator('#state').innerText(), /This session has ended/);
  await page.close();
});
