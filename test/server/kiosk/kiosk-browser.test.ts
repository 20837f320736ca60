import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { FakeClock } from '../../../shared/clock.js';
import { api, startTestServer } from '../../helpers/server.js';
import { event } from './events.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/**
 * A change must reach the open page live, without a reload. The bound is generous on purpose:
 * on a loaded 2-core CI machine a tight one would fail for the machine, not for the page.
 */
const SHOWN_WITHIN_MS = 15_000;

test('kiosk page in Chromium: a booking and a notify message show live, without a reload', async (t) => {
  // A real browser is the point of this test: without one it fails, it does not skip.
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian package chromium)`);
  // 10:07 in Berlin.
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { base, cleanup } = await startTestServer({
    clock,
    seed: new Map([
      [
        'ada',
        [
          event('ada-1', 'Quarterly planning', '2026-03-02T12:00:00Z', '2026-03-02T13:00:00Z', 'maria@example.com'),
          event('ada-2', 'Hiring sync', '2026-03-02T14:30:00Z', '2026-03-02T15:00:00Z'),
          event('ada-3', 'Design critique', '2026-03-03T08:00:00Z', '2026-03-03T09:00:00Z'),
        ],
      ],
    ]),
  });
  t.after(cleanup);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${base}/display/ada`);
  await page.locator('#status', { hasText: 'FREE' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#room').textContent(), 'Ada Lovelace');
  assert.equal(await page.locator('#until').textContent(), 'Free until 1:00 PM');
  assert.equal(await page.locator('#clock').textContent(), '10:07 AM');
  assert.deepEqual(await page.locator('#next .n').allTextContents(), ['Quarterly planning', 'Hiring sync', 'Design critique']);
  assert.deepEqual(await page.locator('#next .d').allTextContents(), ['Tomorrow']);

  const booked = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', title: 'Design review' });
  assert.equal(booked.status, 201);
  await page.locator('#title', { hasText: 'Design review' }).waitFor({ timeout: SHOWN_WITHIN_MS });
  await page.locator('#status', { hasText: 'BUSY' }).waitFor({ timeout: SHOWN_WITHIN_MS });
  assert.equal(await page.locator('#when').textContent(), '10:07 AM – 10:30 AM');
  assert.equal(await page.locator('#until').textContent(), 'Busy until 10:30 AM');
  assert.equal(await page.locator('body').getAttribute('class'), 'busy');
  // A busy room lists the rooms free now, with how long.
  await page.locator('#free .n', { hasText: 'Grace Hopper' }).waitFor({ timeout: SHOWN_WITHIN_MS });
  assert.equal(await page.locator('#free-h').textContent(), 'Free now');
  assert.deepEqual(await page.locator('#free .u').allTextContents(), ['all day']);

  const sent = await api(base, 'POST', '/api/v1/notify', { name: 'drill', message: 'Fire drill at 11:00 – please leave by the stairs', from: 'Facilities', rooms: ['ada'] });
  assert.equal(sent.status, 201);
  await page.locator('#notice-text', { hasText: 'Fire drill at 11:00' }).waitFor({ timeout: SHOWN_WITHIN_MS });
  assert.equal(await page.locator('#notice-from').textContent(), 'from Facilities');

  if (process.env.KIOSK_SCREENSHOT) await page.screenshot({ path: process.env.KIOSK_SCREENSHOT });
  assert.deepEqual(errors, []);
});

test('kiosk page in Chromium: a private room shows "Private meeting", never the title', async (t) => {
  // A real browser is the point of this test: without one it fails, it does not skip.
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian package chromium)`);
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { base, cleanup } = await startTestServer({ clock, config: { rooms: [{ id: 'hedy', name: 'Hedy Lamarr', privacy: 'private', locale: 'de' }] } });
  t.after(cleanup);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${base}/display/hedy`);
  await page.locator('#status', { hasText: 'FREI' }).waitFor({ timeout: 10_000 });
  assert.equal((await api(base, 'POST', '/api/v1/meetings', { room: 'hedy', title: 'Secret merger talks' })).status, 201);
  await page.locator('#title', { hasText: 'Privater Termin' }).waitFor({ timeout: SHOWN_WITHIN_MS });
  assert.equal(await page.locator('#status').textContent(), 'BELEGT');
  // German time: 24 hours.
  assert.equal(await page.locator('#clock').textContent(), '10:07');
  assert.equal((await page.content()).includes('Secret merger'), false);
});

test('kiosk page in Chromium: someone in the free room (a display\'s presence sensor) is offered to book it, live', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian package chromium)`);
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { server, base, cleanup } = await startTestServer({ clock });
  t.after(cleanup);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/display/ada`);
  await page.locator('#status', { hasText: 'FREE' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#offer').getAttribute('class'), 'empty');

  // A display of the room with a presence sensor, online, says someone is there.
  const devices = server.store.devices;
  devices.getOrCreatePending('door-ada', {}, null);
  devices.approve('door-ada');
  devices.assignRoom('door-ada', 'ada');
  devices.markSeen('door-ada', true, clock.now());
  server.presence.deviceChanged(devices.get('door-ada')!);
  server.presence.report('door-ada', Buffer.from(JSON.stringify({ present: true, since: '2026-03-02T09:07:00Z' })));
  await page.locator('#offer:not(.empty)').waitFor({ timeout: SHOWN_WITHIN_MS });
  assert.equal(await page.locator('#offer-line').textContent(), "Someone's here");
  assert.equal(await page.locator('#offer-prompt').textContent(), 'Press Book to hold this room');

  // Booked: the room is busy, the offer goes.
  assert.equal((await api(base, 'POST', '/api/v1/meetings', { room: 'ada', title: 'Held' })).status, 201);
  await page.locator('#status', { hasText: 'BUSY' }).waitFor({ timeout: SHOWN_WITHIN_MS });
  assert.equal(await page.locator('#offer').getAttribute('class'), 'empty');
  // The public stream does not say whether a meeting's people are in the room.
  const ac = new AbortController();
  const stream = await fetch(`${base}/display/ada/stream`, { signal: ac.signal });
  const reader = stream.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  ac.abort();
  assert.match(text, /event: snapshot/);
  assert.match(text, /"presence":"unknown"/, 'busy room: presence withheld from the public page');
  assert.deepEqual(errors, []);
});
