import { DateTime } from 'luxon';
import type { EngineEvent } from '../../shared/state/engine.js';

/**
 * An event's [start, end) in epoch ms, or null for events that do not hold the room
 * (cancelled, declined by the room, empty).
 */
export function eventInterval(e: EngineEvent, timeZone: string): { start: number; end: number } | null {
  if (e.status === 'cancelled') return null;
  if ('roomResponse' in e && e.roomResponse === 'declined') return null;
  const start = toMs(e.start, e.allDay, timeZone);
  const end = toMs(e.end, e.allDay, timeZone);
  return end > start ? { start, end } : null;
}

export function toMs(value: string, allDay: boolean, timeZone: string): number {
  return allDay ? DateTime.fromISO(value, { zone: timeZone }).startOf('day').toMillis() : Date.parse(value);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
