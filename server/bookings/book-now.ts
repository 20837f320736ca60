import { DoorplateError } from '../../shared/errors.js';
import type { BookingPolicy } from '../../shared/config/schema.js';
import type { EngineEvent } from '../../shared/state/engine.js';
import { eventInterval } from './intervals.js';

const MIN = 60_000;

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
 * Book now: starts now and ends on a granularity mark (15 minutes by default) nearest to the
 * asked length, never shorter than the minimum, never into the next meeting. A room that is
 * busy, or whose free gap is shorter than the minimum, is refused with the reason.
 */
export function bookNowWindow(events: readonly EngineEvent[], policy: BookingPolicy, input: BookNowInput): Window {
  const { now, timeZone } = input;
  const current = occupying(events, now, timeZone);
  if (current) {
    throw new DoorplateError('ROOM_BUSY', 'the room is busy now', { conflicting: describe(current) });
  }
  const next = following(events, now, timeZone);
  const mark = policy.granularityMins * MIN;
  const minLen = policy.minMins * MIN;
  let end: number;
  if (input.duration === 'untilNext') {
    end = next ? next.start : now + 8 * 60 * MIN;
  } else {
    const asked = (input.duration ?? policy.defaultDurationMins) * MIN;
    end = Math.round((now + asked) / mark) * mark;
    while (end - now < minLen) end += mark;
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
 * Extend the current meeting by `mins`: the new end lands on a mark and stops at the next
 * meeting; nothing to extend into is a conflict.
 */
export function extendEnd(events: readonly EngineEvent[], target: EngineEvent, policy: BookingPolicy, mins: number, timeZone: string): number {
  const iv = eventInterval(target, timeZone);
  if (!iv) throw new DoorplateError('NOTHING_TO_DO', 'the meeting has no time range');
  const mark = policy.granularityMins * MIN;
  let end = Math.round((iv.end + mins * MIN) / mark) * mark;
  if (end <= iv.end) end += mark;
  const others = events.filter((e) => e.id !== target.id);
  const next = following(others, iv.end - 1, timeZone);
  if (next && next.start <= iv.end) {
    throw new DoorplateError('CONFLICT', 'the next meeting starts when this one ends', { conflicting: describe(next.e) });
  }
  if (next && end > next.start) end = next.start;
  return end;
}

export function describe(e: EngineEvent): { id: string; start: string; end: string } {
  return { id: e.id, start: e.start, end: e.end };
}
