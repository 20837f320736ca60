import type { AgendaEvent, CalendarEvent } from '../model/event.js';
import type { CheckInPolicy } from '../model/room-state.js';
import { LONG_MEETING_MS } from '../model/long-meeting.js';
import { isCalendarDate, type EventTimeReader } from './time.js';

/** The engine reads stored events on the server and privacy-applied agenda events on a device. */
export type EngineEvent = CalendarEvent | AgendaEvent;

/** An event reduced to what the timeline decides on, with its times as epoch ms. */
export interface Slot<E extends EngineEvent = EngineEvent> {
  event: E;
  start: number;
  end: number;
  /** It says so, or either bound is a calendar date. */
  allDay: boolean;
  /** The check-in window `[opensAt, closesAt)` under the room's policy, or null when it needs none. */
  checkIn: CheckInWindow | null;
}

export interface CheckInWindow {
  opensAt: number;
  closesAt: number;
}

/**
 * Whether the room is taken by `e` at all. Decisions: cancelled events and events the room
 * declined leave the room free; tentative ones (event or room response) keep it busy, because a
 * room shown free and then taken is worse than one shown busy and then freed.
 */
export function occupiesRoom(e: EngineEvent): boolean {
  if (e.status === 'cancelled') return false;
  if ('roomResponse' in e && e.roomResponse === 'declined') return false;
  return true;
}

/**
 * The check-in window of a slot under `policy` (the room's, or one display's override), or null
 * when it needs none: check-in off, not asked for, done already, all-day or long meetings.
 */
export function checkInWindowUnder(s: Pick<Slot, 'event' | 'start' | 'end' | 'allDay'>, policy: CheckInPolicy): CheckInWindow | null {
  if (!policy.enabled || !s.event.checkInRequired || s.event.checkedInAt !== null) return null;
  if (s.allDay || s.end - s.start >= LONG_MEETING_MS) return null;
  return { opensAt: s.start - policy.opensBeforeMins * 60_000, closesAt: s.start + policy.closesAfterMins * 60_000 };
}

/**
 * The events that occupy the room, as slots. Zero-length and negative events are dropped: they
 * cover no instant, so they could never be current and would only add noise.
 */
export function toSlots<E extends EngineEvent>(events: readonly E[], reader: EventTimeReader, policy: CheckInPolicy): Slot<E>[] {
  const slots: Slot<E>[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as E;
    if (!occupiesRoom(event)) continue;
    const start = reader.read(event.start, `events.${i}.start`);
    const end = reader.read(event.end, `events.${i}.end`);
    if (end <= start) continue;
    const allDay = event.allDay || isCalendarDate(event.start) || isCalendarDate(event.end);
    const slot: Slot<E> = { event, start, end, allDay, checkIn: null };
    slot.checkIn = checkInWindowUnder(slot, policy);
    slots.push(slot);
  }
  return slots;
}

/** Agenda order: start, then end, then id (code-unit order, so it does not depend on a locale). */
export function compareSlots(a: Slot, b: Slot): number {
  return a.start - b.start || a.end - b.end || compareIds(a.event.id, b.event.id);
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
