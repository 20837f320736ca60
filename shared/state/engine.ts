import type { RoomPolicy, RoomState, RoomStatus } from '../model/room-state.js';
import type { Agenda } from '../api/payloads.js';
import { applyPrivacy } from '../model/privacy.js';
import type { EngineEvent } from './slots.js';
import { isoUtc } from './time.js';
import { RoomTimeline } from './timeline.js';

export type { EngineEvent } from './slots.js';

/**
 * The room-state engine: pure functions of (events, now, policy), with no clock reads and no IO,
 * so the server, a device that lost its server, and a simulated day in a test all agree.
 *
 * What holds the room, the busy block, the next meeting and the check-in windows are decided in
 * one place, the room timeline (timeline.ts), which the booking rules ask too. Here:
 * - The engine never releases a room: past its check-in window an unchecked meeting is still
 *   `busy`; releasing no-shows is the server's decision.
 * - `nextChangeAt` is never null: the local midnight always changes the date on the panel.
 * - `stale` is always false here; the server sets it when a provider is down.
 */
export function computeRoomState(events: readonly EngineEvent[], now: number, policy: RoomPolicy): RoomState {
  assertNow(now);
  return roomStateOf(new RoomTimeline(events, policy), now, policy);
}

/** The state from a timeline already built (the bookings build one per request and reuse it). */
export function roomStateOf(timeline: RoomTimeline, now: number, policy: RoomPolicy): RoomState {
  const current = timeline.holding(now);
  const next = timeline.nextAfter(now);
  const checkInSlot = timeline.checkInOpen(now, current, next);
  // Before the start the room stays free (or busy with the meeting before); the window is
  // reported so the panel can already offer "check in".
  const status: RoomStatus = current === null ? 'free' : checkInSlot === current ? 'awaiting-checkin' : 'busy';
  const blockEnd = timeline.blockEnd(now);
  return {
    room: policy.room,
    status,
    current: current === null ? null : applyPrivacy(current.event, policy.privacy),
    next: next === null ? null : applyPrivacy(next.event, policy.privacy),
    freeUntil: current === null && next !== null ? isoUtc(next.start) : null,
    busyUntil: blockEnd === null ? null : isoUtc(blockEnd),
    checkIn:
      checkInSlot === null || checkInSlot.checkIn === null
        ? null
        : { eventId: checkInSlot.event.id, opensAt: isoUtc(checkInSlot.checkIn.opensAt), closesAt: isoUtc(checkInSlot.checkIn.closesAt) },
    nextChangeAt: isoUtc(timeline.nextChange(now)),
    stale: false,
  };
}

/**
 * The agenda payload holds at most this many events (AgendaSchema). When a day holds more, the
 * events nearest to now are kept, the running and the next meeting always.
 */
export const AGENDA_MAX_EVENTS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The events a panel lists: those overlapping `[start of today in the room's zone, now + 24 h)`,
 * in start, end, id order, privacy applied. The window starts at local midnight so the morning's
 * finished meetings stay visible, and reaches a full day ahead so the evening shows tomorrow.
 */
export function buildAgenda(events: readonly EngineEvent[], now: number, policy: RoomPolicy): Agenda {
  assertNow(now);
  const timeline = new RoomTimeline(events, policy);
  const from = timeline.reader.startOfDay(now);
  const to = now + DAY_MS;
  const shown = timeline.window(from, to, now, AGENDA_MAX_EVENTS);
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
