import { DoorplateError } from '../../shared/errors.js';
import type { BookingPolicy } from '../../shared/config/schema.js';
import { LONG_MEETING_MS } from '../../shared/model/long-meeting.js';
import type { EngineEvent } from '../../shared/state/engine.js';
import type { Slot } from '../../shared/state/slots.js';
import type { RoomTimeline } from '../../shared/state/timeline.js';
import { snapToMark } from './rules.js';

const MIN = 60_000;

export interface BookNowInput {
  now: number;
  /** Minutes asked for; 'untilNext' runs to the next meeting (at most 8 hours). */
  duration: number | 'untilNext' | undefined;
}

export interface Window {
  start: number;
  end: number;
}

/**
 * Book now: starts now and ends on a granularity mark (15 minutes by default, on the room's
 * wall clock) nearest to the asked length, never shorter than the minimum, never into the next
 * meeting. "Until the next meeting" ends at its start (at most 8 hours, then on a mark). A room
 * that is busy, or whose free gap is shorter than the minimum, is refused with the reason.
 */
export function bookNowWindow(timeline: RoomTimeline, policy: BookingPolicy, input: BookNowInput): Window {
  const { now } = input;
  const timeZone = timeline.policy.timeZone;
  const current = timeline.holding(now);
  if (current) {
    throw new DoorplateError('ROOM_BUSY', 'the room is busy now', { conflicting: describe(current.event) });
  }
  const next = timeline.nextAfter(now);
  const minLen = policy.minMins * MIN;
  let end: number;
  if (input.duration === 'untilNext') {
    const longest = snapToMark(now + LONG_MEETING_MS, policy.granularityMins, timeZone, 'floor');
    end = next ? Math.min(next.start, longest) : longest;
  } else {
    const asked = (input.duration ?? policy.defaultDurationMins) * MIN;
    end = snapToMark(now + asked, policy.granularityMins, timeZone, 'round');
    if (end - now < minLen) end = snapToMark(now + minLen, policy.granularityMins, timeZone, 'ceil');
  }
  if (next && end > next.start) end = next.start;
  if (end - now < minLen) {
    throw new DoorplateError('TOO_SHORT', `only ${Math.floor((end - now) / MIN)} minutes are free before the next meeting`, {
      conflicting: next ? describe(next.event) : null,
    });
  }
  return { start: now, end };
}

/**
 * Extend a meeting by `mins`: the new end lands on the nearest mark (a later one when that is
 * not later than the current end) and stops at the next meeting. A meeting that starts when
 * this one ends, or already runs past its end, leaves nothing to extend into: a conflict.
 */
export function extendEnd(timeline: RoomTimeline, target: Slot, policy: BookingPolicy, mins: number): number {
  const timeZone = timeline.policy.timeZone;
  let end = snapToMark(target.end + mins * MIN, policy.granularityMins, timeZone, 'round');
  if (end <= target.end) end = snapToMark(target.end + mins * MIN, policy.granularityMins, timeZone, 'ceil');
  const blocker = timeline.firstOverlap(target.end, end, target.event.id);
  if (blocker && blocker.start <= target.end) {
    throw new DoorplateError('CONFLICT', `another meeting holds the room from ${new Date(Math.max(blocker.start, target.start)).toISOString()}: nothing to extend into`, {
      conflicting: describe(blocker.event),
    });
  }
  if (blocker) end = blocker.start;
  return end;
}

/**
 * "End early": the meeting ends now, on the whole minute so the agenda stays readable, or at
 * this very instant when the meeting began within the minute.
 */
export function endNowAt(start: number, now: number): number {
  const minute = Math.floor(now / MIN) * MIN;
  return minute > start ? minute : now;
}

export function describe(e: EngineEvent): { id: string; start: string; end: string } {
  return { id: e.id, start: e.start, end: e.end };
}
