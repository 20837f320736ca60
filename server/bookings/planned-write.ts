import type { CalendarEvent } from '../../shared/model/event.js';
import type { Answer } from './idempotent.js';

/**
 * A calendar write a request is about to make, kept with its idempotency key: which meeting,
 * what will be true of its row once the write is committed, and how the request answers then.
 */
export interface PlannedWrite {
  roomId: string;
  eventId: string;
  statusCode: number;
  effect: 'booked' | 'cancelled' | 'checked-in' | { end: string };
  /** The meeting's row, or no body (a cancel). */
  answer: 'event' | 'none';
}

/**
 * The answer a planned write gave, read from the committed row; null when the row does not
 * show it (the server stopped before the write), so the request may run again.
 */
export function settleWrite(events: { get(roomId: string, eventId: string): CalendarEvent | null }, plan: PlannedWrite): Answer<unknown> | null {
  const row = events.get(plan.roomId, plan.eventId);
  if (!row || !shows(row, plan.effect)) return null;
  return { statusCode: plan.statusCode, response: plan.answer === 'event' ? row : null };
}

function shows(row: CalendarEvent, effect: PlannedWrite['effect']): boolean {
  if (effect === 'booked') return true;
  if (effect === 'cancelled') return row.status === 'cancelled';
  if (effect === 'checked-in') return row.checkedInAt !== null;
  return Date.parse(row.end) === Date.parse(effect.end);
}
