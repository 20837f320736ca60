import { DoorplateError } from '../../shared/errors.js';
import type { BookingPolicy } from '../../shared/config/schema.js';
import type { EngineEvent } from '../../shared/state/engine.js';
import { eventInterval } from './intervals.js';
import { snapToMark } from './rules.js';

const MIN = 60_000;
/** "Until the next meeting" with nothing following still ends: a booking is not a room closure. */
export const UNTIL_NEXT_MAX_MS = 8 * 60 * MIN;

export interface BookNowInput {
  now: number;
  /** Minutes asked for; 'untilNext' runs to the next meeting (at most 8 hours). */
  duration: number | 'untilNext' | undefined;
  timeZone: string;
}

export interface Window {
  start: number;
  end: number;
}

/** The meeting that holds the room at `t`, if any (the one that started last). */
export function occupying(events: readonly EngineEvent[], t: number, timeZone: string): EngineEvent | undefined {
  let best: { e: EngineEvent; start: number } | undefined;
  for (const e of events) {
    const iv = eventInterval(e, timeZone);
    if (!iv || iv.start > t || iv.end <= t) continue;
    if (!best || iv.start > best.start) best = { e, start: iv.start };
  }
  return best?.e;
}

/** The first meeting starting after `t`. */
export function following(events: readonly EngineEvent[], t: number, timeZone: string): { e: EngineEvent; start: number } | undefined {
  let best: { e: EngineEvent; start: number } | undefined;
  for (const e of events) {
    const iv = eventInterval(e, timeZone);
    if (!iv || iv.start <= t) continue;
    if (!best || iv.start < best.start) best = { e, start: iv.start };
  }
  return best;
}

/**
 * Book now: starts now and ends on a granularity mark (15 minutes by default, on the room's
 * wall clock) nearest to the asked length, never shorter than the minimum, never into the next
 * meeting. "Until the next meeting" ends at its start (at most 8 hours, then on a mark). A room
 * that is busy, or whose free gap is shorter than the minimum, is refused with the reason.
 */
export function bookNowWindow(events: readonly EngineEvent[], policy: BookingPolicy, input: BookNowInput): Window {
  const { now, timeZone } = input;
  const current = occupying(events, now, timeZone);
  if (current) {
    throw new DoorplateError('ROOM_BUSY', 'the room is busy now', { conflicting: describe(current) });
  }
  const next = following(events, now, timeZone);
  const minLen = policy.minMins * MIN;
  let end: number;
  if (input.duration === 'untilNext') {
    const longest = snapToMark(now + UNTIL_NEXT_MAX_MS, policy.granularityMins, timeZone, 'floor');
    end = next ? Math.min(next.start, longest) : longest;
  } else {
    const asked = (input.duration ?? policy.defaultDurationMins) * MIN;
    end = snapToMark(now + asked, policy.granularityMins, timeZone, 'round');
    if (end - now < minLen) end = snapToMark(now + minLen, policy.granularityMins, timeZone, 'ceil');
  }
  if (next && end > next.start) end = next.start;
  if (end - now < minLen) {
    throw new DoorplateError('TOO_SHORT', `only ${Math.floor((end - now) / MIN)} minutes are free before the next meeting`, {
      conflicting: next ? describe(next.e) : null,
    });
  }
  return { start: now, end };
}

/**
 * Extend a meeting by `mins`: the new end lands on the nearest mark (a later one when that is
 * not later than the current end) and stops at the next meeting. A meeting that starts when
 * this one ends, or already runs past its end, leaves nothing to extend into: a conflict.
 */
export function extendEnd(events: readonly EngineEvent[], target: EngineEvent, policy: BookingPolicy, mins: number, timeZone: string): number {
  const iv = eventInterval(target, timeZone);
  if (!iv) throw new DoorplateError('NOTHING_TO_DO', 'the meeting has no time range');
  let end = snapToMark(iv.end + mins * MIN, policy.granularityMins, timeZone, 'round');
  if (end <= iv.end) end = snapToMark(iv.end + mins * MIN, policy.granularityMins, timeZone, 'ceil');
  let blocker: { e: EngineEvent; start: number } | undefined;
  for (const e of events) {
    if (e.id === target.id) continue;
    const other = eventInterval(e, timeZone);
    if (!other || other.end <= iv.end || other.start >= end) continue;
    if (!blocker || other.start < blocker.start) blocker = { e, start: other.start };
  }
  if (blocker && blocker.start <= iv.end) {
    throw new DoorplateError('CONFLICT', `another meeting holds the room from ${new Date(Math.max(blocker.start, iv.start)).toISOString()}: nothing to extend into`, {
      conflicting: describe(blocker.e),
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
