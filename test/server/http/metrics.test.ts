import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { ADMIN_TOKEN, api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { at, meeting, ms } from '../bookings/world.js';
import { SseReader } from '../stream/sse-reader.js';

/** The samples of a Prometheus text answer: `name{labels}` -> value, plus each metric's TYPE. */
async function scrape(base: string): Promise<{ value: (key: string) => number | undefined; type: (name: string) => string | undefined }> {
  const r = await fetch(`${base}/metrics`);
  assert.equal(r.status, 200);
  const text = await r.text();
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t?.[1] && t[2]) types.set(t[1], t[2]);
    const m = /^([a-z_]+(?:\{[^}]*\})?) (-?\d+(?:\.\d+)?)$/.exec(line);
    if (m?.[1] && m[2]) values.set(m[1], Number(m[2]));
  }
  return { value: (k) => values.get(k), type: (n) => types.get(n) };
}

test('/metrics: released meetings, notices, open streams by kind, changes in the log', async (t) => {
  const clock = new FakeClock(at('08:00'));
  const { server, base, cleanup } = await startTestServer({ clock, seed: new Map([['ada', [meeting('noshow', '09:00', '09:30')]]]) });
  const readers: SseReader[] = [];
  t.after(async () => {
    for (const r of readers) r.close();
    await cleanup();
  });

  const before = await scrape(base);
  assert.equal(before.value('doorplate_meetings_released_total'), 0);
  assert.equal(before.value('doorplate_notices_sent_total'), 0);
  assert.equal(before.value('doorplate_notices_active'), 0);
  assert.equal(before.value('doorplate_stream_clients{kind="admin"}'), 0);
  assert.equal(before.value('doorplate_stream_clients{kind="kiosk"}'), 0);
  assert.equal(before.type('doorplate_meetings_released_total'), 'counter');
  assert.equal(before.type('doorplate_notices_sent_total'), 'counter');
  assert.equal(before.type('doorplate_stream_clients'), 'gauge');
  assert.equal(before.type('doorplate_stream_changes'), 'gauge');
  assert.equal(before.value('doorplate_room_state_published_seconds'), ms('08:00') / 1000, 'the states published at start');

  const admin = await SseReader.open(`${base}/api/v1/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
  const kiosk1 = await SseReader.open(`${base}/display/ada/stream`);
  const kiosk2 = await SseReader.open(`${base}/display/grace/stream`);
  readers.push(admin, kiosk1, kiosk2);
  for (const r of readers) assert.equal((await r.next('the snapshot')).event, 'snapshot');

  for (const message of ['Fire drill at 11', 'Lunch is served']) {
    const sent = await api(base, 'POST', '/api/v1/notify', { name: 'n', message, toAll: true, expiresAt: '2026-03-02T12:00:00Z' });
    assert.equal(sent.status, 201);
  }
  await clock.advanceAsync(ms('09:10') - clock.now());
  assert.equal(server.store.events.get('ada', 'noshow')?.status, 'cancelled');

  const after = await scrape(base);
  assert.equal(after.value('doorplate_meetings_released_total'), 1);
  assert.equal(after.value('doorplate_notices_sent_total'), 2);
  assert.equal(after.value('doorplate_notices_active'), 2);
  assert.equal(after.value('doorplate_notices_resent_total'), 0, 'no display connected');
  assert.equal(after.value('doorplate_room_state_published_seconds'), ms('09:10') / 1000, 'the released room published its state');
  assert.equal(after.value('doorplate_stream_clients{kind="admin"}'), 1);
  assert.equal(after.value('doorplate_stream_clients{kind="kiosk"}'), 2);
  const changes = after.value('doorplate_stream_changes') ?? 0;
  assert.equal(changes, server.store.changes.since(0, 100_000).length);
  assert.ok(changes > (before.value('doorplate_stream_changes') ?? 0), 'the release and the notices were logged');

  // Closed streams leave the count.
  kiosk1.close();
  admin.close();
  await until(async () => {
    const now = await scrape(base);
    return now.value('doorplate_stream_clients{kind="kiosk"}') === 1 && now.value('doorplate_stream_clients{kind="admin"}') === 0;
  }, 'the closed streams to leave the count');
});
