import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { SimDevice } from '../../../cli/demo/sim-device.js';
import { demoRoutes } from '../../../cli/demo/demo-routes.js';
import { ADMIN_TOKEN, ENROLL_TOKEN, api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function meetingNow(id: string, title: string, fromMin: number, toMin: number): CalendarEvent {
  const t = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
  return { id, title, organizer: 'ana@example.com', start: t(fromMin), end: t(toMin), allDay: false, status: 'confirmed', roomResponse: 'accepted', private: false, checkInRequired: false, checkedInAt: null, seriesId: null, bookedAt: t(-600), bookedVia: 'provider' };
}

test('admin page in Chromium: sign in, approve and place a new display, live rooms, a notice, a hostile title shown as text', async (t) => {
  // A real browser is the point of this test: without one it fails, it does not skip.
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian package chromium)`);
  const devices: SimDevice[] = [];
  const { server, base, cleanup } = await startTestServer({
    seed: new Map([['ada', [meetingNow('hostile', HOSTILE, -10, 50)]]]),
    extraRoutes: (app, ctx) => demoRoutes(app, () => devices, ctx.tokens),
  });
  const credentials = mkdtempSync(join(tmpdir(), 'doorplate-admin-dev-'));
  t.after(async () => {
    for (const d of devices) await d.stop();
    await cleanup();
    rmSync(credentials, { recursive: true, force: true });
  });
  // A new display: enrolls with the site token and waits for an administrator.
  const edgeConfig = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    edge: { deviceId: 'door-new', server: { host: '127.0.0.1', port: server.mqttPort }, credentialsFile: join(credentials, 'door-new.json'), enrollmentToken: ENROLL_TOKEN },
  });
  const sim = new SimDevice({ config: edgeConfig, model: 'hdmi-800x480', roomId: 'ada', clock: server.clock, logger: silentLogger() });
  devices.push(sim);
  await sim.start();
  await until(() => server.store.devices.get('door-new')?.status === 'pending', 'the new display to be pending');

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));

  // Sign in: a wrong token is refused, the right one is kept for the tab and never put in a URL.
  await page.goto(`${base}/`);
  await page.fill('#token', 'not-the-token');
  await page.click('#signin button[type=submit]');
  await page.locator('#signin-msg', { hasText: 'not the admin token' }).waitFor({ timeout: 10_000 });
  await page.fill('#token', ADMIN_TOKEN);
  await page.click('#signin button[type=submit]');
  await page.locator('#live.on').waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('doorplate-admin-token')), ADMIN_TOKEN);
  await page.reload();
  await page.locator('#live.on').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#signin').isHidden(), true, 'still signed in after a reload');

  // The hostile title is text, and nothing of it ran.
  const title = page.locator('.room[data-room=ada] .title');
  await title.waitFor({ timeout: 10_000 });
  assert.equal(await title.textContent(), HOSTILE);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);

  // The new display: its hello, then approve and place it in one step; its panel turns to the room.
  const pending = page.locator('#pending tr[data-device=door-new]');
  await pending.waitFor({ timeout: 10_000 });
  assert.match((await pending.textContent()) ?? '', /hdmi-800x480/);
  const before = await (await fetch(`${base}/demo/devices/door-new/panel.png`)).arrayBuffer();
  await pending.locator('select').selectOption('ada');
  await pending.locator('button', { hasText: 'Approve' }).click();
  await until(() => sim.edge.lastView?.roomName === 'Ada Lovelace', "the display's panel to show its room", 20_000);
  const row = page.locator('#devices tr[data-device=door-new]');
  await row.locator('.pill.approved').waitFor({ timeout: 10_000 });
  await row.locator('.pill.online').waitFor({ timeout: 10_000 });
  assert.equal(await row.locator('select').inputValue(), 'ada');
  assert.equal(await page.locator('#pending tr[data-device=door-new]').count(), 0);
  const after = await (await fetch(`${base}/demo/devices/door-new/panel.png`)).arrayBuffer();
  assert.notDeepEqual(Buffer.from(after), Buffer.from(before), 'the panel was drawn again');
  await until(async () => row.locator('img.panelpic').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0), "the display's picture on the page");
  await page.locator('.room[data-room=ada]', { hasText: '1 display, 1 online' }).waitFor({ timeout: 10_000 });

  // Live state: a booking made elsewhere shows without a reload.
  const booked = await api(base, 'POST', '/api/v1/meetings', { room: 'grace', title: 'Budget', durationMins: 30 });
  assert.equal(booked.status, 201);
  await page.locator('.room[data-room=grace] .pill.busy').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.room[data-room=grace] .title').textContent(), 'Budget');

  // A notice to every display: listed on the page, shown on the room's panel and on the display.
  await page.fill('#n-message', 'Coffee in the kitchen');
  await page.click('#notify button[type=submit]');
  await page.locator('#notify-msg', { hasText: 'Sent.' }).waitFor({ timeout: 10_000 });
  await page.locator('#notices .notice-text', { hasText: 'Coffee in the kitchen' }).waitFor({ timeout: 10_000 });
  await page.frameLocator('.room[data-room=ada] iframe').locator('#notice-text', { hasText: 'Coffee in the kitchen' }).waitFor({ timeout: 10_000 });
  await until(() => sim.edge.lastView?.notice?.message === 'Coffee in the kitchen', 'the notice on the display');

  // The panel thumbnails hold no stream open (a browser has few connections per server): only the page's own.
  await until(() => server.streams.counts().kiosk === 0 && server.streams.counts().admin === 1, 'only the admin stream to stay open');

  // Revoke asks first; declining keeps the display.
  page.once('dialog', (d) => void d.dismiss());
  await row.locator('button', { hasText: 'Revoke' }).click();
  assert.equal(server.store.devices.get('door-new')?.status, 'approved');
  page.once('dialog', (d) => void d.accept());
  await row.locator('button', { hasText: 'Revoke' }).click();
  await page.locator('#devices tr[data-device=door-new] .pill.revoked').waitFor({ timeout: 10_000 });
  assert.equal(server.store.devices.get('door-new')?.status, 'revoked');

  // The token never travelled in a URL; the mail outbox has its section (every server keeps one).
  assert.ok(requested.every((u) => !u.includes(ADMIN_TOKEN)), 'no URL carries the token');
  await page.locator('#mail-section').waitFor({ state: 'visible', timeout: 10_000 });
  if (process.env.ADMIN_SCREENSHOT) await page.screenshot({ path: process.env.ADMIN_SCREENSHOT, fullPage: true });
  assert.deepEqual(errors, []);
});

test('admin page in Chromium: the usage page and its CSV open from the admin page, the token in a header only', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian package chromium)`);
  const { base, cleanup } = await startTestServer({ seed: new Map([['ada', [meetingNow('m1', 'Planning', -30, 30)]]]) });
  t.after(cleanup);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requested: string[] = [];
  context.on('request', (r) => requested.push(r.url()));
  await page.goto(`${base}/`);
  await page.fill('#token', ADMIN_TOKEN);
  await page.click('#signin button[type=submit]');
  await page.locator('#live.on').waitFor({ timeout: 10_000 });

  // The last seven days by default.
  const [from, to] = [await page.locator('#u-from').inputValue(), await page.locator('#u-to').inputValue()];
  assert.equal(Date.parse(to) - Date.parse(from), 6 * 86_400_000, `${from} to ${to}`);
  const [tab] = await Promise.all([context.waitForEvent('page'), page.click('#usage button[type=submit]')]);
  await tab.waitForURL(/^blob:/, { timeout: 10_000 });
  await tab.locator('h1', { hasText: 'Room usage' }).waitFor({ timeout: 10_000 });
  assert.equal(await tab.locator('section h2').count(), 2, 'a section per room');
  assert.equal(await tab.locator('svg').count(), 2, 'a chart per room');
  assert.match((await tab.locator('section', { hasText: 'Ada Lovelace' }).locator('.key').textContent()) ?? '', /1 h booked/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#u-csv')]);
  assert.match(download.suggestedFilename(), /^usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  assert.match(readFileSync(path, 'utf8'), /^room,day,booked_hours,/);

  // A range the server refuses is said on the page; no tab is left open for it.
  await page.fill('#u-from', '2026-01-01');
  await page.fill('#u-to', '2026-12-31');
  await page.click('#usage button[type=submit]');
  await page.locator('#usage-msg', { hasText: 'at most 92 days' }).waitFor({ timeout: 10_000 });
  await until(() => context.pages().length === 2, 'the tab opened for the refused range to close');

  assert.ok(requested.every((u) => !u.includes(ADMIN_TOKEN)), 'no URL carries the token');
  assert.deepEqual(errors, []);
});
