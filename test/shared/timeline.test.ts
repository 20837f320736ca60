import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomTimeline } from '../../shared/state/timeline.js';
import { ev, ms } from './calendar-fixtures.js';
import { B } from './room-state-table.js';

const policy = { timeZone: 'Europe/Berlin', checkIn: { enabled: true, opensBeforeMins: 5, closesAfterMins: 10 } };

test('timeline: the first overlap is by start, ends are exclusive, and the named event is left out', () => {
  const t = new RoomTimeline([ev('b', B('10:00'), B('11:00')), ev('a', B('09:00'), B('10:00')), ev('gone', B('09:30'), B('10:30'), { status: 'cancelled' })], policy);
  assert.equal(t.firstOverlap(ms(B('09:30')), ms(B('10:30')))?.event.id, 'a');
  assert.equal(t.firstOverlap(ms(B('09:30')), ms(B('10:30')), 'a')?.event.id, 'b');
  assert.equal(t.firstOverlap(ms(B('11:00')), ms(B('12:00'))), null, 'a meeting ending at the start does not overlap');
  assert.equal(t.firstOverlap(ms(B('08:00')), ms(B('09:00'))), null, 'nor one starting at the end');
  assert.deepEqual(t.slots.map((s) => s.event.id), ['a', 'b'], 'agenda order, cancelled left out');
});

test('timeline: holding, next and the block end at and around shared boundaries', () => {
  const t = new RoomTimeline([ev('a', B('09:00'), B('10:00')), ev('b', B('10:00'), B('11:00')), ev('c', B('11:05'), B('12:00'))], policy);
  assert.equal(t.holding(ms(B('10:00')))?.event.id, 'b');
  assert.equal(t.nextAfter(ms(B('10:00')))?.event.id, 'c');
  assert.equal(t.blockEnd(ms(B('09:10'))), ms(B('11:00')));
  assert.equal(t.blockEnd(ms(B('11:02'))), null);
  assert.equal(t.holding(ms(B('11:02'))), null);
});

test('timeline: a display’s own check-in rules give its own window; all-day and 8-hour meetings have none', () => {
  const t = new RoomTimeline(
    [ev('m', B('10:00'), B('11:00'), { checkInRequired: true }), ev('long', B('12:00'), B('20:00'), { checkInRequired: true }), ev('d', '2026-03-03', '2026-03-04', { checkInRequired: true })],
    policy,
  );
  const m = t.slot('m');
  assert.ok(m);
  assert.deepEqual(m.checkIn, { opensAt: ms(B('09:55')), closesAt: ms(B('10:10')) });
  assert.deepEqual(t.checkInWindow(m, { enabled: true, opensBeforeMins: 0, closesAfterMins: 30 }), { opensAt: ms(B('10:00')), closesAt: ms(B('10:30')) });
  assert.equal(t.checkInWindow(m, { enabled: false, opensBeforeMins: 0, closesAfterMins: 30 }), null);
  assert.equal(t.slot('long')?.checkIn, null);
  assert.equal(t.slot('d')?.checkIn, null);
  assert.equal(t.slot('d')?.allDay, true);
});
