import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeClock } from '../../../shared/clock.js';
import { backoffDelay } from '../../../shared/backoff.js';
import { RECONNECT_BACKOFF } from '../../../edge/agent/mqtt-transport.js';
import { parseConfig } from '../../../shared/config/load.js';
import { FileCredentialsStore } from '../../../edge/agent/credentials.js';
import { LedFeedback } from '../../../edge/agent/led-feedback.js';
import { DEFAULT_NOTICE_MS, NoticeBoard } from '../../../edge/agent/notice-board.js';
import { newTransaction } from '../../../edge/agent/transaction.js';
import { fakeRender, PANEL, RecordingLight, RecordingSink, readPicture, tmpDir } from './harness.js';
import { serverView } from './harness.js';

test('backoff: full jitter under a doubling ceiling capped at 8 s, the config default', () => {
  const top = () => 0.999999;
  const p = RECONNECT_BACKOFF;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 49].map((n) => backoffDelay(n, p, top)), [999, 1999, 3999, 7999, 7999, 7999, 7999, 7999, 7999]);
  assert.equal(parseConfig({ edge: {} }).edge?.server.reconnectMaxSecs, 8, 'the config default is the same cap');
  assert.equal(backoffDelay(2, p, () => 0), 0);
  assert.equal(backoffDelay(2, p, () => 0.25), 1000);
  assert.equal(backoffDelay(0, p, () => 0.25, 30_000), 30_000, 'a floor (Retry-After) wins over a shorter jitter');
  assert.throws(() => backoffDelay(-1, p, top), /retry: -1/);
});

test('credentials: saved atomically with mode 0600, read back, malformed files named', async () => {
  const dir = await tmpDir();
  const file = join(dir, 'sub', 'credentials.json');
  const store = new FileCredentialsStore(file);
  assert.equal(await store.load(), null);
  const creds = { deviceId: 'dev-1', secret: 'x'.repeat(40), enrolledAt: '2026-03-02T08:00:00.000Z' };
  await store.save(creds);
  await store.save({ ...creds, secret: 'y'.repeat(40) });
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(await store.load(), { ...creds, secret: 'y'.repeat(40) });
  assert.deepEqual(await readdir(join(dir, 'sub')), ['credentials.json'], 'no temporary file left');
  assert.ok((await readFile(file, 'utf8')).endsWith('\n'));

  await writeFile(file, '{"deviceId": "dev-1",');
  await assert.rejects(store.load(), (e: Error) => e.message.startsWith(`${file}: the credentials file is not JSON`));
  await writeFile(file, JSON.stringify({ deviceId: 'dev/1', secret: 'short', enrolledAt: 'x' }));
  await assert.rejects(store.load(), /malformed \(deviceId: .*; secret: /);
  await assert.rejects(store.save({ ...creds, secret: 'short' }));
});

test('transaction ids are URL-safe, long enough and distinct', () => {
  const ids = new Set(Array.from({ length: 200 }, newTransaction));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
});

test('LED: state colour, pending blink, flashes outrank, and nothing redundant is written', () => {
  const clock = new FakeClock();
  const light = new RecordingLight();
  const led = new LedFeedback(light, clock);
  led.setStatus(null);
  assert.deepEqual(light.history, []);
  led.setPending(true);
  assert.deepEqual([light.color, light.pattern], ['amber', 'blink']);
  led.setPending(false);
  led.setStatus('awaiting-checkin');
  assert.deepEqual([light.color, light.pattern], ['amber', 'steady']);
  led.setPending(true);
  led.error();
  assert.deepEqual([light.color, light.pattern], ['red', 'fast-blink']);
  led.setStatus('busy');
  assert.deepEqual([light.color, light.pattern], ['red', 'fast-blink'], 'the flash holds');
  clock.advance(3000);
  assert.deepEqual([light.color, light.pattern], ['red', 'blink'], 'still pending');
  led.setPending(false);
  led.ok();
  led.setStatus('free');
  assert.deepEqual([light.color, light.pattern], ['green', 'steady']);
  const writes = light.history.length;
  clock.advance(1500);
  assert.equal(light.history.length, writes, 'green steady already shown');
  assert.equal(clock.pending(), 0);
});

test('notices: latest wins, each until its expiry, one hour by default, expired ones refused', () => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  let changes = 0;
  const board = new NoticeBoard(clock, () => changes++);
  assert.equal(board.show({ name: 'a', message: 'old news', from: 'x', expiresAt: '2026-03-02T07:59:59Z' }), false);
  assert.equal(board.notice, null);
  board.show({ name: 'a', message: 'Lunch at noon', from: 'office', expiresAt: '2026-03-02T08:10:00+00:00' });
  board.show({ name: 'b', message: 'Fire drill', from: 'facilities', expiresAt: null });
  assert.deepEqual(board.notice, { message: 'Fire drill', from: 'facilities' });
  clock.advance(10 * 60_000);
  assert.deepEqual(board.notice, { message: 'Fire drill', from: 'facilities' }, "the replaced notice's expiry does not clear the new one");
  clock.advance(DEFAULT_NOTICE_MS - 10 * 60_000);
  assert.equal(board.notice, null);
  assert.equal(changes, 3);
  assert.equal(clock.pending(), 0);
});

test('the fake sink keeps the refresh policy\'s rules: started, the panel\'s size, nothing after stop', async () => {
  const sink = new RecordingSink();
  const view = { roomName: 'A', state: serverView('a', [], Date.parse('2026-03-02T08:00:00Z')).state, agenda: [], now: 0, timeZone: 'UTC', locale: 'en', offline: false, notice: null, pending: null, error: null };
  const picture = await fakeRender(view);
  assert.deepEqual([picture.width, picture.height, picture.data.length], [PANEL.width, PANEL.height, PANEL.width * PANEL.height * 3]);
  assert.equal(readPicture(picture)?.room, 'A');
  await assert.rejects(sink.submit(picture, { urgent: false }), /not started/);
  sink.start();
  await sink.submit(picture, { urgent: false });
  await assert.rejects(sink.submit({ width: 10, height: 1, data: Buffer.alloc(30) }, { urgent: false }), /the panel is 250x122, the picture is 10x1/);
  await assert.rejects(sink.submit({ ...picture, data: picture.data.subarray(1) }, { urgent: false }), /bytes/);
  sink.stop();
  await assert.rejects(sink.submit(picture, { urgent: true }), /not started/);
  assert.equal(sink.pictures.length, 1);
  assert.equal(sink.refused.length, 4);
});
