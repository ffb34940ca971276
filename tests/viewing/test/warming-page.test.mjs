// The view page opened before its session is active, in Debian's headless Chromium: it says the avatar is
// warming, and keeps polling until the session's fate is known. The session's LiveKit room never answers (a
// publisher that never joins), so it warms for the worker's whole connect timeout and then fails.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { createSession, startUp } from '../rig/up.mjs';

const connectTimeoutSeconds = 8;
let up;
let browser;

before(async () => {
  up = await startUp({
    'Mirrorstage:LiveKit:Url': 'ws://127.0.0.1:9',
    'Mirrorstage:LiveKit:ApiKey': 'APImirrorstageTest',
    'Mirrorstage:LiveKit:ApiSecret': 'a-test-secret-that-is-long-enough-for-hs256-0123456789',
    'Mirrorstage:LiveKit:PublisherScript': join(import.meta.dirname, '../rig/silent-publisher.mjs'),
    'Mirrorstage:LiveKit:ConnectTimeoutSeconds': String(connectTimeoutSeconds),
  }, 'mirrorstage_warming');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
});
after(async () => { await browser?.close(); await up?.stop(); });

test('a page opened while the session warms says so, and keeps polling until the session ends', async () => {
  const created = await createSession(up.url);
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.goto(created.view_url);
  await page.waitForFunction(() => document.body.dataset.state === 'warming', null, { timeout: 10000 });
  assert.match(await page.locator('#state').innerText(), /Warming up…/);

  await page.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: (connectTimeoutSeconds + 20) * 1000 });
  assert.match(await page.locator('#state').innerText(), /It could not be rendered/);
  await page.close();
});
