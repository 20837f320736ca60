import { DateTime } from 'luxon';
import type { AutoReleasePolicy } from '../../shared/config/schema.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { Slot } from '../../shared/state/slots.js';

const MIN = 60_000;

/**
 * The nearest granularity mark to `t` on the room's wall clock, so that a 60-minute mark lands
 * on the hour even in a zone that is 30 or 45 minutes off UTC. `direction` picks the mark at or
 * before (floor), at or after (ceil) or the nearest one (round).
 */
export function snapToMark(t: number, granularityMins: number, timeZone: string, direction: 'floor' | 'ceil' | 'round'): number {
  const mark = granularityMins * MIN;
  const offset = DateTime.fromMillis(t, { zone: timeZone }).offset * MIN;
  const local = t + offset;
  const snapped = direction === 'floor' ? Math.floor(local / mark) * mark : direction === 'ceil' ? Math.ceil(local / mark) * mark : Math.round(local / mark) * mark;
  return snapped - offset;
}

export type ReleaseExemption = 'all-day' | 'long' | 'booked-at-panel' | 'booked-late';

/**
 * Why a meeting that was not checked in is kept anyway, or null when it is released at the
 * close of its window:
 * - all-day and long meetings (8 hours by default) block the room on purpose;
 * - a meeting booked at the panel had its people standing at the door;
 * - a meeting booked just before it starts (10 minutes by default) has its people still on
 *   their way.
 */
export function releaseExemption(s: Slot<CalendarEvent>, policy: AutoReleasePolicy): ReleaseExemption | null {
  const e = s.event;
  if (s.allDay) return 'all-day';
  if (s.end - s.start >= policy.exemptLongerThanMins * MIN) return 'long';
  if (e.bookedVia === 'panel') return 'booked-at-panel';
  if (e.bookedAt !== null) {
    const bookedAt = Date.parse(e.bookedAt);
    if (Number.isFinite(bookedAt) && s.start - bookedAt < policy.exemptBookedWithinMins * MIN) return 'booked-late';
  }
  return null;
}
