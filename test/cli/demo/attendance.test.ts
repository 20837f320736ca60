import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { DemoAttendance } from '../../../cli/demo/attendance.js';
import { demoArrival, demoSchedule } from '../../../server/demo/seed.js';
import { silentLogger } from '../../../shared/logger.js';
import { at, DAY, world } from '../../server/bookings/world.js';

const SEED = 2026;

test('a demo day: most meetings are checked in on the clock, the few no-shows are released', async () => {
  const w = world({ start: '11:00' });
  try {
    const schedule = demoSchedule([{ id: 'ada' }, { id: 'grace' }], DateTime.fromISO(`${DAY}T11:00`, { zone: 'Europe/Berlin' }), SEED);
    for (const [room, events] of schedule) for (const e of events) w.add(room, e);
    const attempts: Array<{ id: string; ok: boolean }> = [];
    const people = new DemoAttendance({ clock: w.clock, schedule, seed: SEED, door: w.bookings, log: silentLogger(), onAttempt: (id, ok) => attempts.push({ id, ok }) });
    w.release.start();
    people.start();
    assert.ok(people.pending > 0, 'arrivals after 11:00 wait on the clock');
    await w.clock.advanceAsync(Date.parse(at('20:00')) - w.clock.now());

    const today = [...schedule.entries()].flatMap(([room, events]) => events.filter((e) => e.start.startsWith(DAY) && e.checkInRequired && !e.allDay).map((e) => ({ room, e })));
    let checkedIn = 0;
    let released = 0;
    for (const { room, e } of today) {
      const stored = w.event(room, e.id);
      const arrival = demoArrival(e, SEED);
      if (arrival === null) {
        assert.equal(stored?.status, 'cancelled', `${e.id}: a no-show is released`);
        released++;
      } else {
        assert.notEqual(stored?.checkedInAt ?? null, null, `${e.id}: its people checked in`);
        assert.notEqual(stored?.status, 'cancelled', `${e.id}: kept`);
        checkedIn++;
      }
    }
    assert.ok(released >= 1, `some no-shows stay (${released})`);
    assert.ok(checkedIn >= 3 * released, `most meetings are checked in (${checkedIn} against ${released} released)`);
    assert.ok(attempts.length > 0 && attempts.every((a) => a.ok), JSON.stringify(attempts.filter((a) => !a.ok)));
    people.stop();
  } finally {
    w.close();
  }
});

test('arrivals fall inside the default window and are the same for a seed', () => {
  const e = { id: 'x', start: '2026-03-02T09:00:00Z', allDay: false, checkInRequired: true };
  const offsets = Array.from({ length: 200 }, (_v, i) => demoArrival({ ...e, id: `m${i}` }, SEED));
  const shows = offsets.filter((o): o is number => o !== null).map((o) => (o - Date.parse(e.start)) / 60_000);
  assert.ok(shows.every((m) => m >= -3 && m <= 7));
  assert.ok(shows.length > 140 && shows.length < 200, `no-shows are a few: ${200 - shows.length}`);
  assert.deepEqual(offsets, Array.from({ length: 200 }, (_v, i) => demoArrival({ ...e, id: `m${i}` }, SEED)));
  assert.equal(demoArrival({ ...e, checkInRequired: false }, SEED), null);
});
