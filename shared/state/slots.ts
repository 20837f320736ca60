import type { AgendaEvent, CalendarEvent } from '../model/event.js';
import type { CheckInPolicy } from '../model/room-state.js';
import { isCalendarDate, type EventTimeReader } from './time.js';

/** The engine reads stored events on the server and privacy-applied agenda events on a device. */
export type EngineEvent = CalendarEvent | AgendaEvent;

/** Meetings this long or longer are blocks of the day (workshops, "room closed"), not check-in meetings. */
export const CHECK_IN_MAX_MS = 8 * 60 * 60 * 1000;

/** An event reduced to what the engine decides on, with its times as epoch ms. */
export interface Slot {
  event: EngineEvent;
  start: number;
  end: number;
  /** The check-in window `[opensAt, closesAt)`, or null when the event needs no check-in. */
  checkIn: { opensAt: number; closesAt: number } | null;
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

function checkInWindow(e: EngineEvent, start: number, end: number, allDay: boolean, policy: CheckInPolicy): Slot['checkIn'] {
  if (!policy.enabled || !e.checkInRequired || e.checkedInAt !== null) return null;
  if (allDay || end - start >= CHECK_IN_MAX_MS) return null;
  return { opensAt: start - policy.opensBeforeMins * 60_000, closesAt: start + policy.closesAfterMins * 60_000 };
}

/**
 * The events that occupy the room, as slots. Zero-length and negative events are dropped: they
 * cover no instant, so they could never be current and would only add noise. An event counts
 * as all-day when it says so or when either bound is a date.
 */
export function toSlots(events: readonly EngineEvent[], reader: EventTimeReader, policy: CheckInPolicy): Slot[] {
  const slots: Slot[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as EngineEvent;
    if (!occupiesRoom(event)) continue;
    const start = reader.read(event.start, `events.${i}.start`);
    const end = reader.read(event.end, `events.${i}.end`);
    if (end <= start) continue;
    const allDay = event.allDay || isCalendarDate(event.start) || isCalendarDate(event.end);
    slots.push({ event, start, end, checkIn: checkInWindow(event, start, end, allDay, policy) });
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
