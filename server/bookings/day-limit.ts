import { DoorplateError } from '../../shared/errors.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { EventTimeReader } from '../../shared/state/time.js';

/**
 * The most meetings doorplate itself creates in one room on one local day (cancelled and ended
 * ones included: each is a stored row). A real day has at most 96 quarter-hour meetings; the
 * limit stops a display or a script from filling the store and the agenda (500 events over
 * today and the next 24 hours) while leaving room for the calendar's own meetings.
 */
export const BOOKINGS_PER_ROOM_DAY = 120;

/** Refuses a booking starting at `start` when its local day already has its limit of our bookings. */
export function refuseFullDay(roomId: string, reader: EventTimeReader, all: readonly CalendarEvent[], start: number): void {
  const from = reader.startOfDay(start);
  const to = reader.nextMidnight(start);
  let made = 0;
  for (const [i, e] of all.entries()) {
    if (e.bookedVia === 'provider') continue;
    const at = reader.read(e.start, `events.${i}.start`);
    if (at >= from && at < to) made++;
  }
  if (made >= BOOKINGS_PER_ROOM_DAY) {
    throw new DoorplateError('ROOM_DAY_FULL', `room ${roomId} already has ${made} meetings booked through doorplate that day (at most ${BOOKINGS_PER_ROOM_DAY})`);
  }
}
