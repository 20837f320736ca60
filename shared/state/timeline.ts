import type { CheckInPolicy } from '../model/room-state.js';
import { checkInWindowUnder, compareIds, compareSlots, toSlots, type CheckInWindow, type EngineEvent, type Slot } from './slots.js';
import { assertTimeZone, EventTimeReader } from './time.js';

export interface TimelinePolicy {
  timeZone: string;
  checkIn: CheckInPolicy;
}

/**
 * One room's events as the room sees them: the only place that decides what holds the room at
 * an instant, where its busy block ends, which meeting comes next and when check-in is open.
 * The room-state engine, the booking rules (book, extend, end, check in, release) and a display
 * computing offline all ask it, so the panel and the server never disagree about a meeting.
 *
 * Decisions:
 * - An event covers `[start, end)`; cancelled, room-declined and empty events are not on it.
 *   All-day dates are read in the room's zone (see time.ts).
 * - What holds the room is the covering event that started last (ties: the later end, then the
 *   smaller id), because the meeting that just began is the one people at the door look for.
 * - The next meeting is the earliest one starting after the instant (ties: the earlier end, then
 *   the smaller id), even while busy, so it may overlap or follow the current one.
 * - The busy block chains overlapping and back-to-back (`end == start`) meetings.
 */
export class RoomTimeline<E extends EngineEvent = EngineEvent> {
  /** In agenda order (start, end, id). */
  readonly slots: readonly Slot<E>[];
  readonly reader: EventTimeReader;

  constructor(
    events: readonly E[],
    readonly policy: TimelinePolicy,
  ) {
    assertTimeZone(policy.timeZone);
    this.reader = new EventTimeReader(policy.timeZone);
    const slots = toSlots(events, this.reader, policy.checkIn);
    // Stored events come in start order already: check before paying for a sort.
    if (!slots.every((s, i) => i === 0 || compareSlots(slots[i - 1] as Slot<E>, s) <= 0)) slots.sort(compareSlots);
    this.slots = slots;
  }

  /** The slot that holds the room at `t`, or null when it is free. */
  holding(t: number): Slot<E> | null {
    let best: Slot<E> | null = null;
    for (const s of this.slots) {
      if (s.start > t) break;
      if (t < s.end && (best === null || startedLater(s, best))) best = s;
    }
    return best;
  }

  /** The first slot starting after `t`, or null. */
  nextAfter(t: number): Slot<E> | null {
    // Agenda order is start, end, id: the first slot past `t` is the one with every tie-break.
    for (const s of this.slots) if (s.start > t) return s;
    return null;
  }

  /** The end of the busy block containing `t`, or null when the room is free at `t`. */
  blockEnd(t: number): number | null {
    let end: number | null = null;
    for (const s of this.slots) {
      if (s.start > t && (end === null || s.start > end)) break;
      if (s.end <= t) continue;
      if (end === null || s.end > end) end = s.end;
    }
    return end;
  }

  /** The slot of one event (null when it does not hold the room at any time). */
  slot(eventId: string): Slot<E> | null {
    return this.slots.find((s) => s.event.id === eventId) ?? null;
  }

  /** The earliest-starting slot that takes the room somewhere in `[start, end)`, other than `exceptId`. */
  firstOverlap(start: number, end: number, exceptId?: string): Slot<E> | null {
    for (const s of this.slots) {
      if (s.start >= end) break;
      if (s.end > start && s.event.id !== exceptId) return s;
    }
    return null;
  }

  /** A slot's check-in window under another policy (a display's override); the room's is on the slot. */
  checkInWindow(s: Slot<E>, policy: CheckInPolicy = this.policy.checkIn): CheckInWindow | null {
    return policy === this.policy.checkIn ? s.checkIn : checkInWindowUnder(s, policy);
  }

  /** The meeting whose check-in is open at `t`: the one holding the room first, else the next. */
  checkInOpen(t: number, current = this.holding(t), next = this.nextAfter(t)): Slot<E> | null {
    const open = (s: Slot<E> | null): boolean => s !== null && s.checkIn !== null && s.checkIn.opensAt <= t && t < s.checkIn.closesAt;
    if (open(current)) return current;
    return open(next) ? next : null;
  }

  /** The first instant after `t` where anything above can change (the local midnight at the latest). */
  nextChange(t: number): number {
    let at = this.reader.nextMidnight(t);
    const consider = (x: number): void => {
      if (x > t && x < at) at = x;
    };
    for (const s of this.slots) {
      consider(s.start);
      consider(s.end);
      if (s.checkIn) {
        consider(s.checkIn.opensAt);
        consider(s.checkIn.closesAt);
      }
    }
    return at;
  }

  /**
   * At most `max` slots overlapping `[from, to)`, in agenda order. When more overlap, those
   * nearest to `now` are kept (the meeting holding the room and the next one always), so a
   * crowded day never drops what the panel shows now for what happened in the morning.
   */
  window(from: number, to: number, now: number, max: number): Slot<E>[] {
    const inside = this.slots.filter((s) => s.start < to && s.end > from);
    if (inside.length <= max) return inside;
    const must = new Set<Slot<E>>();
    for (const s of [this.holding(now), this.nextAfter(now)]) if (s !== null && s.start < to && s.end > from) must.add(s);
    const distance = (s: Slot<E>): number => (s.start > now ? s.start - now : s.end <= now ? now - s.end + 1 : 0);
    const rest = inside.filter((s) => !must.has(s)).sort((a, b) => distance(a) - distance(b) || compareSlots(a, b));
    const kept = new Set([...must, ...rest.slice(0, Math.max(0, max - must.size))]);
    return inside.filter((s) => kept.has(s));
  }
}

function startedLater(a: Slot, b: Slot): boolean {
  return a.start > b.start || (a.start === b.start && (a.end > b.end || (a.end === b.end && compareIds(a.event.id, b.event.id) < 0)));
}
