import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../google/harness.js';
import { ADA, at, graphHarness, wall } from './harness.js';

const meeting = (id: string, from: string, to: string, extra: object = {}) => ({
  id,
  subject: `M ${id}`,
  start: wall(from),
  end: wall(to),
  organizer: { emailAddress: { address: 'olga@example.com', name: 'Olga' } },
  attendees: [{ emailAddress: { address: ADA }, type: 'resource', status: { response: 'accepted' } }],
  ...extra,
});

test('a fresh delta pages to the delta link over HTTPS with the official client; the link is stored whole', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    for (let i = 0; i < 5; i++) h.fake.put(ADA, meeting(`e${i}`, `${10 + i}:00`, `${10 + i}:30`));
    h.fake.put(ADA, meeting('occ1', '09:00', '09:15', { seriesMasterId: 'master1', sensitivity: 'confidential' }));
    // In a copy the room does not organize Graph reports every attendee as none; the room's answer is responseStatus.
    h.fake.put(ADA, meeting('declined1', '17:00', '18:00', { attendees: [{ emailAddress: { address: ADA }, type: 'resource', status: { response: 'declined' } }], responseStatus: { response: 'declined' } }));
    h.fake.put(ADA, meeting('far', '10:00', '11:00', { start: wall('10:00', '2026-04-20'), end: wall('11:00', '2026-04-20') }));
    h.fake.put(ADA, meeting('allday', '00:00', '00:00', { isAllDay: true, end: wall('00:00', '2026-03-03') }));
    assert.deepEqual(await p.sync('ada'), { changed: true });
    const ids = h.store.events.listForRoom('ada').map((e) => e.id).sort();
    assert.deepEqual(ids, ['allday', 'declined1', 'e0', 'e1', 'e2', 'e3', 'e4', 'occ1']);
    const occ = h.store.events.get('ada', 'occ1');
    assert.equal(occ?.seriesId, 'master1');
    assert.equal(occ?.private, true);
    assert.equal(occ?.organizer, 'Olga');
    assert.equal(occ?.start, at('09:00'));
    assert.equal(h.store.events.get('ada', 'declined1')?.roomResponse, 'declined');
    assert.deepEqual([h.store.events.get('ada', 'allday')?.start, h.store.events.get('ada', 'allday')?.end], ['2026-03-02', '2026-03-03']);
    assert.match(h.store.syncState.get('ada', 'microsoft')?.token ?? '', /^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/.+\/calendarView\/delta\?\$deltatoken=/);
    assert.equal(h.fake.count('GET', '/calendarView/delta'), 3, 'three pages of three');
    assert.ok(h.fake.log.every((l) => l.prefer.includes('outlook.timezone="UTC"')));
  } finally {
    await p.stop();
    await h.close();
  }
});

test('the delta link brings only changes; @removed deletes; 410 and syncStateNotFound start afresh', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    h.fake.put(ADA, meeting('keep', '10:00', '11:00'));
    h.fake.put(ADA, meeting('gone', '12:00', '13:00'));
    await p.sync('ada');
    h.fake.put(ADA, meeting('keep', '10:00', '11:30', { subject: 'Longer' }));
    h.fake.remove(ADA, 'gone');
    h.fake.put(ADA, meeting('new', '14:00', '15:00'));
    const before = h.fake.count('GET', '/calendarView/delta');
    assert.deepEqual(await p.sync('ada'), { changed: true });
    assert.equal(h.fake.count('GET', '/calendarView/delta') - before, 1);
    assert.deepEqual(h.store.events.listForRoom('ada').map((e) => [e.id, e.end, e.title]), [
      ['keep', at('11:30'), 'Longer'],
      ['new', at('15:00'), 'M new'],
    ]);
    assert.deepEqual(await p.sync('ada'), { changed: false });
    for (const how of ['gone', 'syncStateNotFound'] as const) {
      h.fake.remove(ADA, 'new');
      h.fake.expireDeltaLinks(how);
      assert.deepEqual(await p.sync('ada'), { changed: true });
      assert.deepEqual(h.store.events.listForRoom('ada').map((e) => e.id), ['keep']);
      h.fake.put(ADA, meeting('new', '14:00', '15:00'));
      await p.sync('ada');
    }
    assert.ok(h.fake.log.some((l) => l.status === 410));
    assert.ok(h.fake.log.some((l) => l.status === 400));
  } finally {
    await p.stop();
    await h.close();
  }
});

test('429 with Retry-After and 503 are retried after backoff; rooms are listed page by page', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    h.fake.put(ADA, meeting('m1', '10:00', '11:00'));
    h.fake.fail({ status: 429, retryAfter: '30' });
    h.fake.fail({ status: 503 });
    const t0 = h.clock.now();
    await settle(p.sync('ada'), h.clock);
    assert.ok(h.clock.now() - t0 >= 30_000, 'waited at least the Retry-After');
    assert.equal(h.store.events.listForRoom('ada').length, 1);
    assert.ok((p.budget.counts()['sync.full'] ?? 0) >= 3);
    h.fake.rooms.push({ id: 'r1', displayName: 'Ada', emailAddress: ADA, capacity: 6 }, { id: 'r2', displayName: 'Grace', emailAddress: 'grace@rooms.example.com' }, { id: 'r3', displayName: 'Hedy', emailAddress: 'hedy@rooms.example.com', capacity: 12 });
    const rooms = await p.listResources();
    assert.deepEqual(rooms.map((r) => [r.id, r.email, r.capacity]), [['r1', ADA, 6], ['r2', 'grace@rooms.example.com', null], ['r3', 'hedy@rooms.example.com', 12]]);
    assert.equal(h.fake.count('GET', '/places/'), 2);
  } finally {
    await p.stop();
    await h.close();
  }
});
