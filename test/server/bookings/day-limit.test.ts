import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOKINGS_PER_ROOM_DAY } from '../../../server/bookings/day-limit.js';
import { at, codeOf, meeting, world } from './world.js';

test('day limit: a room takes a bounded number of bookings made through doorplate per local day', async () => {
  const w = world({ start: '08:00' });
  // The calendar's own meetings do not count.
  for (let i = 0; i < 10; i++) w.add('ada', meeting(`cal-${i}`, '07:00', '07:05', { start: at(`0${i % 7}:00`), end: at(`0${i % 7}:05`), checkInRequired: false }));
  // Book at the door and end at once, again and again (what a stuck or hostile display does).
  for (let i = 0; i < BOOKINGS_PER_ROOM_DAY; i++) {
    await w.bookings.bookNow('ada', { via: 'panel', scope: 'device:door', key: `book-${i}` });
    w.clock.advance(30_000);
    await w.bookings.end('ada', { scope: 'device:door', key: `end-${i}` });
  }
  assert.equal(await codeOf(w.bookings.bookNow('ada', { via: 'panel', scope: 'device:door', key: 'one-more' })), 'ROOM_DAY_FULL');
  assert.equal(await codeOf(w.bookings.bookLater('ada', { start: at('20:00'), end: at('21:00'), title: 'Late', scope: 'api', key: 'late' })), 'ROOM_DAY_FULL');
  // Another day, and another room, still take bookings.
  const tomorrow = await w.bookings.bookLater('ada', { start: at('09:00', '2026-03-03'), end: at('10:00', '2026-03-03'), title: 'Tomorrow', scope: 'api', key: 'tomorrow' });
  assert.equal(tomorrow.event.start, at('09:00', '2026-03-03'));
  await w.bookings.bookNow('grace', { via: 'panel', scope: 'device:other', key: 'grace-1' });
  // A retry of a booking made before the limit still gets its own meeting back.
  assert.equal((await w.bookings.bookNow('ada', { via: 'panel', scope: 'device:door', key: 'book-0' })).replayed, true);
  w.close();
});
