import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, startTestServer } from '../../../helpers/server.js';
import { icalFixture } from '../ical/fixtures.js';

test('a room on a published feed: the API answers a booking with 405 READ_ONLY', async (t) => {
  const feed = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/calendar' }).end(icalFixture('outlook-windows-zones.ics')));
  await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => feed.close(() => r())));
  const url = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/calendar.ics`;
  const { base, cleanup } = await startTestServer({ config: { provider: { kind: 'ics' }, rooms: [{ id: 'oslo', name: 'Oslo', calendar: url }] } });
  t.after(cleanup);
  const r = await api(base, 'POST', '/api/v1/meetings', { room: 'oslo', durationMins: 30 }, { 'idempotency-key': 'k-readonly-1' });
  assert.equal(r.status, 405);
  assert.deepEqual((r.json as { error: { code: string } }).error.code, 'READ_ONLY');
  assert.match((r.json as { error: { message: string } }).error.message, /read-only/);
});
