import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { AutoRelease, RELEASE_RETRY_MS, type ReleaseRecord } from '../../../server/bookings/auto-release.js';
import { at, meeting, ms, world, type World } from './world.js';

function releases(w: World): Array<{ at: number; roomId: string | null; payload: ReleaseRecord }> {
  return w.store.changes
    .since(0)
    .filter((c) => c.kind === 'release')
    .map((c) => ({ at: c.at, roomId: c.roomId, payload: c.payload as ReleaseRecord }));
}

test('a simulated day: no-shows are released exactly at the window close, by the timer alone', async () => {
  const w = world({ start: '08:00' });
  try {
    w.add('ada', meeting('standup', '09:00', '09:30'));
    w.add('ada', meeting('review', '10:00', '11:00'));
    w.add('ada', meeting('lunch', '12:00', '13:00', { checkInRequired: false }));
    w.add('grace', meeting('sync', '09:30', '10:00'));
    w.release.start();
    // One timer per room, at the earliest close among its meetings.
    assert.equal(w.clock.pending(), 2);
    assert.equal(w.release.nextReleaseAt('ada'), ms('09:10'));
    assert.equal(w.release.nextReleaseAt('grace'), ms('09:40'));

    await w.clock.advanceAsync(ms('09:10') - w.clock.now() - 1);
    assert.equal(w.event('ada', 'standup')?.status, 'confirmed', 'still held one millisecond before the close');

    await w.clock.advanceAsync(1);
    assert.equal(w.event('ada', 'standup')?.status, 'cancelled');
    const first = releases(w);
    assert.equal(first.length, 1);
    assert.equal(first[0]?.at, ms('09:10'));
    assert.equal(first[0]?.roomId, 'ada');
    assert.equal(first[0]?.payload.eventId, 'standup');
    assert.equal(first[0]?.payload.checkInClosedAt, at('09:10'));
    assert.equal(first[0]?.payload.releasedAt, at('09:10'));
    assert.equal(first[0]?.payload.action, 'cancelled');
    assert.match(first[0]?.payload.reason ?? '', /nobody checked in by 09:10 \(the window closed 10 min after the start\)/);
    assert.equal(JSON.stringify(first[0]?.payload).includes('Meeting standup'), false, 'no title in the change log');
    // Re-armed for the next meeting of the room.
    assert.equal(w.release.nextReleaseAt('ada'), ms('10:10'));

    // Someone checks in to the review in time: it is kept.
    await w.clock.advanceAsync(ms('09:58') - w.clock.now());
    assert.equal(w.event('grace', 'sync')?.status, 'cancelled');
    await w.bookings.checkIn('ada', { scope: 'device:door' });
    assert.equal(w.release.nextReleaseAt('ada'), null);

    await w.clock.advanceAsync(ms('18:00') - w.clock.now());
    assert.equal(w.event('ada', 'review')?.status, 'confirmed');
    assert.equal(w.event('ada', 'lunch')?.status, 'confirmed');
    assert.deepEqual(
      releases(w).map((r) => [r.roomId, r.payload.eventId, new Date(r.at).toISOString()]),
      [
        ['ada', 'standup', at('09:10')],
        ['grace', 'sync', at('09:40')],
      ],
    );
    assert.equal(w.release.releasedCount(), 2);
    assert.equal(w.clock.pending(), 0);
  } finally {
    w.close();
  }
});

test('the timer moves when the room\'s events change', async () => {
  const w = world({ start: '08:00' });
  try {
    w.release.start();
    assert.equal(w.clock.pending(), 0);
    const { event } = await w.bookings.bookLater('ada', { start: at('11:00'), end: at('11:30'), title: 'Planning', scope: 'api' });
    assert.equal(w.release.nextReleaseAt('ada'), ms('11:10'));
    await w.bookings.bookLater('ada', { start: at('09:00'), end: at('09:30'), title: 'Earlier', scope: 'api' });
    assert.equal(w.release.nextReleaseAt('ada'), ms('09:10'));
    assert.equal(w.clock.pending(), 1);
    await w.bookings.cancel('ada', event.id, { scope: 'api' });
    await w.clock.advanceAsync(ms('12:00') - w.clock.now());
    assert.deepEqual(
      releases(w).map((r) => r.at),
      [ms('09:10')],
    );
  } finally {
    w.close();
  }
});

interface ExemptCase {
  name: string;
  event: CalendarEvent;
  config?: Parameters<typeof world>[0];
  released: boolean;
}

const EXEMPTIONS: ExemptCase[] = [
  { name: 'an ordinary meeting is released (control)', event: meeting('m', '09:00', '10:00'), released: true },
  { name: 'all-day', event: meeting('m', '09:00', '10:00', { allDay: true, start: '2026-03-02', end: '2026-03-03' }), released: false },
  { name: '8 hours', event: meeting('m', '09:00', '17:00'), released: false },
  { name: 'just under 8 hours is released', event: meeting('m', '09:00', '16:59'), released: true },
  { name: 'booked at the panel', event: meeting('m', '09:00', '10:00', { bookedVia: 'panel' }), released: false },
  { name: 'booked 5 minutes before its start', event: meeting('m', '09:00', '10:00', { bookedAt: at('08:55') }), released: false },
  { name: 'booked exactly 10 minutes before its start is released', event: meeting('m', '09:00', '10:00', { bookedAt: at('08:50') }), released: true },
  {
    name: 'booked 20 minutes before, with the threshold at 30',
    event: meeting('m', '09:00', '10:00', { bookedAt: at('08:40') }),
    config: { config: { site: { timeZone: 'Europe/Berlin', autoRelease: { exemptBookedWithinMins: 30 } }, rooms: [{ id: 'ada', name: 'Ada' }] } },
    released: false,
  },
  {
    name: 'a room that exempts meetings of 2 hours',
    event: meeting('m', '09:00', '11:00'),
    config: { config: { site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada', autoRelease: { exemptLongerThanMins: 120 } }] } },
    released: false,
  },
  {
    name: 'auto-release off in the room',
    event: meeting('m', '09:00', '10:00'),
    config: { config: { site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada', autoRelease: { enabled: false } }] } },
    released: false,
  },
  {
    name: 'check-in off on the site',
    event: meeting('m', '09:00', '10:00'),
    config: { config: { site: { timeZone: 'Europe/Berlin', checkIn: { enabled: false } }, rooms: [{ id: 'ada', name: 'Ada' }] } },
    released: false,
  },
  { name: 'already checked in', event: meeting('m', '09:00', '10:00', { checkedInAt: at('08:58') }), released: false },
  { name: 'a meeting that needs no check-in', event: meeting('m', '09:00', '10:00', { checkInRequired: false }), released: false },
  { name: 'a meeting shorter than the window ends before it closes', event: meeting('m', '09:00', '09:08'), released: false },
];

test('exemptions hold', async (t) => {
  for (const c of EXEMPTIONS) {
    await t.test(c.name, async () => {
      const w = world({ start: '08:00', ...c.config });
      try {
        w.add('ada', c.event);
        w.release.start();
        await w.clock.advanceAsync(ms('18:00') - w.clock.now());
        assert.equal(w.event('ada', 'm')?.status, c.released ? 'cancelled' : 'confirmed');
        assert.deepEqual(
          releases(w).map((r) => r.at),
          c.released ? [ms('09:10')] : [],
        );
      } finally {
        w.close();
      }
    });
  }
});

test('a server that was down at the close releases the no-show at start, not one that has ended', async () => {
  const w = world({ start: '09:20' });
  try {
    w.add('ada', meeting('running', '09:00', '10:00'));
    w.add('ada', meeting('over', '08:00', '09:00'));
    w.release.start();
    assert.equal(w.release.nextReleaseAt('ada'), ms('09:20'));
    await w.clock.advanceAsync(0);
    assert.equal(w.event('ada', 'running')?.status, 'cancelled');
    assert.equal(w.event('ada', 'over')?.status, 'confirmed');
    assert.equal(releases(w)[0]?.payload.checkInClosedAt, at('09:10'));
    assert.equal(releases(w)[0]?.payload.releasedAt, at('09:20'));
  } finally {
    w.close();
  }
});

test('a display in the room with a later window delays the release to its close', async () => {
  const w = world({
    start: '08:00',
    config: { site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada' }], devices: [{ id: 'lobby', checkIn: { closesAfterMins: 20 } }] },
  });
  try {
    w.add('ada', meeting('m', '09:00', '10:00'));
    w.devicesIn.set('ada', ['door', 'lobby']);
    w.release.start();
    assert.equal(w.release.nextReleaseAt('ada'), ms('09:20'));
    await w.clock.advanceAsync(ms('09:15') - w.clock.now());
    assert.equal(w.event('ada', 'm')?.status, 'confirmed');
    await w.clock.advanceAsync(ms('09:20') - w.clock.now());
    assert.equal(w.event('ada', 'm')?.status, 'cancelled');
  } finally {
    w.close();
  }
});

test('a recurring series is flagged after K released occurrences, once', async () => {
  const w = world({ start: '08:00' });
  try {
    const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
    for (const day of days) {
      // Someone came on Tuesday: that occurrence does not count.
      const checkedInAt = day === days[1] ? at('08:59', day) : null;
      w.add('ada', meeting(`standup-${day}`, '09:00', '09:15', { seriesId: 'standup', start: at('09:00', day), end: at('09:15', day), checkedInAt }));
    }
    w.release.start();
    const flagged = () => w.store.changes.since(0).filter((c) => c.kind === 'series-flagged');

    await w.clock.advanceAsync(ms('12:00', days[2]) - w.clock.now());
    assert.equal(releases(w).length, 2);
    assert.equal(w.store.seriesFlags.get('ada', 'standup'), undefined);

    await w.clock.advanceAsync(ms('12:00', days[3]) - w.clock.now());
    assert.equal(releases(w).length, 3);
    const flag = w.store.seriesFlags.get('ada', 'standup');
    assert.deepEqual(flag, { roomId: 'ada', seriesId: 'standup', releases: 3, flaggedAt: ms('09:10', days[3]) });
    assert.equal(flagged().length, 1);
    assert.deepEqual(flagged()[0]?.payload, { seriesId: 'standup', releases: 3, threshold: 3 });

    await w.clock.advanceAsync(ms('12:00', days[4]) - w.clock.now());
    assert.equal(releases(w).length, 4);
    assert.equal(flagged().length, 1, 'flagged once');
    assert.equal(w.store.seriesFlags.get('ada', 'standup')?.releases, 4);
    assert.deepEqual(w.store.seriesFlags.list().map((f) => f.seriesId), ['standup']);

    // The admin clears it: the count starts again.
    assert.equal(w.store.seriesFlags.clear('ada', 'standup'), true);
    assert.deepEqual(w.store.seriesFlags.list(), []);
  } finally {
    w.close();
  }
});

test('the series threshold K is a setting', async () => {
  const w = world({ start: '08:00', config: { site: { timeZone: 'Europe/Berlin', autoRelease: { flagSeriesAfter: 1 } }, rooms: [{ id: 'ada', name: 'Ada' }] } });
  try {
    w.add('ada', meeting('s1', '09:00', '09:30', { seriesId: 'weekly' }));
    w.release.start();
    await w.clock.advanceAsync(ms('10:00') - w.clock.now());
    assert.equal(w.store.seriesFlags.get('ada', 'weekly')?.releases, 1);
  } finally {
    w.close();
  }
});

test('a release the calendar refuses is tried again a minute later, not in a loop', async () => {
  const w = world({ start: '08:00' });
  let calls = 0;
  const release = new AutoRelease({
    clock: w.clock,
    rooms: w.rooms,
    events: w.store.events,
    calendar: {
      readOnly: false,
      cancel: async (roomId, eventId) => {
        calls++;
        if (calls === 1) throw new Error('provider unavailable');
        await w.provider.cancel(roomId, eventId);
      },
    },
    changes: w.store.changes,
    flags: w.store.seriesFlags,
    log: silentLogger(),
  });
  try {
    w.add('ada', meeting('m', '09:00', '10:00'));
    release.start();
    await w.clock.advanceAsync(ms('09:10') - w.clock.now());
    assert.equal(calls, 1);
    assert.equal(w.event('ada', 'm')?.status, 'confirmed');
    assert.equal(release.nextReleaseAt('ada'), ms('09:10') + RELEASE_RETRY_MS);
    await w.clock.advanceAsync(RELEASE_RETRY_MS);
    assert.equal(calls, 2);
    assert.equal(w.event('ada', 'm')?.status, 'cancelled');
    assert.equal(releases(w)[0]?.at, ms('09:11'));
  } finally {
    release.stop();
    w.close();
  }
});

test('a read-only calendar releases nothing; stop() clears every timer', async () => {
  const w = world({ start: '08:00' });
  const readOnly = new AutoRelease({
    clock: w.clock,
    rooms: w.rooms,
    events: w.store.events,
    calendar: { readOnly: true, cancel: () => Promise.reject(new Error('read-only')) },
    changes: w.store.changes,
    flags: w.store.seriesFlags,
    log: silentLogger(),
  });
  try {
    w.add('ada', meeting('m', '09:00', '10:00'));
    readOnly.start();
    assert.equal(w.clock.pending(), 0);
    w.release.start();
    assert.equal(w.clock.pending(), 1);
    w.release.stop();
    assert.equal(w.clock.pending(), 0);
    w.release.refresh('ada');
    assert.equal(w.clock.pending(), 0, 'a stopped part arms nothing');
  } finally {
    w.close();
  }
});
