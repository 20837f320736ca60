import type { RoomPolicy, RoomState, RoomStatus } from '../model/room-state.js';
import type { Agenda } from '../api/payloads.js';
import { applyPrivacy } from '../model/privacy.js';
import { compareIds, compareSlots, toSlots, type EngineEvent, type Slot } from './slots.js';
import { assertTimeZone, EventTimeReader, isoUtc } from './time.js';

export type { EngineEvent } from './slots.js';

/**
 * The room-state engine: pure functions of (events, now, policy), with no clock reads and no IO,
 * so the server, a device that lost its server, and a simulated day in a test all agree.
 *
 * Decisions (see also slots.ts and time.ts):
 * - An event covers `[start, end)`. `current` is the covering event that started last (ties: the
 *   later end, then the smaller id), because the meeting that just began is the one people at
 *   the door are looking for.
 * - `busyUntil` is the end of the busy block containing now: overlapping and back-to-back
 *   (`end == start`) meetings chain, so the panel never shows "free for 0 minutes".
 * - `next` is the earliest event starting after now (ties: the earlier end, then the smaller id),
 *   even while busy, so it may overlap or follow the current one.
 * - The engine never releases a room: past its check-in window an unchecked meeting is still
 *   `busy`; releasing no-shows is the server's decision.
 * - `nextChangeAt` is never null: the local midnight always changes the date on the panel.
 * - `stale` is always false here; the server sets it when a provider is down.
 */
export function computeRoomState(events: readonly EngineEvent[], now: number, policy: RoomPolicy): RoomState {
  assertNow(now);
  assertTimeZone(policy.timeZone);
  const reader = new EventTimeReader(policy.timeZone);
  const slots = toSlots(events, reader, policy.checkIn);

  let current: Slot | null = null;
  let next: Slot | null = null;
  let blockEnd = -Infinity;
  let nextChange = reader.nextMidnight(now);
  const consider = (t: number): void => {
    if (t > now && t < nextChange) nextChange = t;
  };

  for (const s of slots) {
    consider(s.start);
    consider(s.end);
    if (s.checkIn) {
      consider(s.checkIn.opensAt);
      consider(s.checkIn.closesAt);
    }
    if (s.start <= now && now < s.end) {
      if (current === null || startedLater(s, current)) current = s;
      if (s.end > blockEnd) blockEnd = s.end;
    } else if (s.start > now && (next === null || compareSlots(s, next) < 0)) {
      next = s;
    }
  }

  if (current !== null) blockEnd = chainBusyBlock(slots, now, blockEnd);

  let status: RoomStatus = current === null ? 'free' : 'busy';
  let checkInSlot: Slot | null = null;
  if (current !== null && inCheckInWindow(current, now)) {
    status = 'awaiting-checkin';
    checkInSlot = current;
  } else if (next !== null && inCheckInWindow(next, now)) {
    // Before the start the room stays free (or busy with the meeting before); the window is
    // reported so the panel can already offer "check in".
    checkInSlot = next;
  }

  return {
    room: policy.room,
    status,
    current: current === null ? null : applyPrivacy(current.event, policy.privacy),
    next: next === null ? null : applyPrivacy(next.event, policy.privacy),
    freeUntil: current === null && next !== null ? isoUtc(next.start) : null,
    busyUntil: current === null ? null : isoUtc(blockEnd),
    checkIn:
      checkInSlot === null || checkInSlot.checkIn === null
        ? null
        : { eventId: checkInSlot.event.id, opensAt: isoUtc(checkInSlot.checkIn.opensAt), closesAt: isoUtc(checkInSlot.checkIn.closesAt) },
    nextChangeAt: isoUtc(nextChange),
    stale: false,
  };
}

/** The agenda payload holds at most this many events (AgendaSchema); the earliest are kept. */
export const AGENDA_MAX_EVENTS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The events a panel lists: those overlapping `[start of today in the room's zone, now + 24 h)`,
 * in start, end, id order, privacy applied. The window starts at local midnight so the morning's
 * finished meetings stay visible, and reaches a full day ahead so the evening shows tomorrow.
 */
export function buildAgenda(events: readonly EngineEvent[], now: number, policy: RoomPolicy): Agenda {
  assertNow(now);
  assertTimeZone(policy.timeZone);
  const reader = new EventTimeReader(policy.timeZone);
  const from = reader.startOfDay(now);
  const to = now + DAY_MS;
  const shown = toSlots(events, reader, policy.checkIn)
    .filter((s) => s.start < to && s.end > from)
    .sort(compareSlots)
    .slice(0, AGENDA_MAX_EVENTS);
  return {
    room: policy.room,
    timeZone: policy.timeZone,
    from: isoUtc(from),
    to: isoUtc(to),
    events: shown.map((s) => applyPrivacy(s.event, policy.privacy)),
  };
}

function assertNow(now: number): void {
  if (!Number.isFinite(now)) throw new RangeError(`now: ${String(now)} is not a time in epoch milliseconds`);
}

function startedLater(a: Slot, b: Slot): boolean {
  return a.start > b.start || (a.start === b.start && (a.end > b.end || (a.end === b.end && compareIds(a.event.id, b.event.id) < 0)));
}

function inCheckInWindow(s: Slot, now: number): boolean {
  return s.checkIn !== null && s.checkIn.opensAt <= now && now < s.checkIn.closesAt;
}

/** Extends the block's end through every later meeting that starts before (or as) it ends. */
function chainBusyBlock(slots: readonly Slot[], now: number, blockEnd: number): number {
  // Most rooms have nothing adjoining the current meeting: skip the sort then.
  if (!slots.some((s) => s.start > now && s.start <= blockEnd)) return blockEnd;
  const rest = slots.filter((s) => s.start > now).sort((a, b) => a.start - b.start);
  let end = blockEnd;
  for (const s of rest) {
    if (s.start > end) break;
    if (s.end > end) end = s.end;
  }
  return end;
}
