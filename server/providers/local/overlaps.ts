import type { CalendarEvent } from '../../../shared/model/event.js';
import { occupiesRoom } from '../../../shared/state/slots.js';
import { EventTimeReader } from '../../../shared/state/time.js';

/**
 * The first event among `candidates` that takes the room somewhere in `[startMs, endMs)`,
 * using the same rule as the room-state engine (cancelled and declined events leave the room
 * free). All-day dates are read in the room's zone.
 */
export function firstOverlap(
  candidates: readonly CalendarEvent[],
  startMs: number,
  endMs: number,
  zone: string,
  exceptId?: string,
): CalendarEvent | null {
  const reader = new EventTimeReader(zone);
  let first: { event: CalendarEvent; start: number } | null = null;
  candidates.forEach((e, i) => {
    if (e.id === exceptId || !occupiesRoom(e)) return;
    const s = reader.read(e.start, `events.${i}.start`);
    const t = reader.read(e.end, `events.${i}.end`);
    if (t <= s || s >= endMs || t <= startMs) return;
    if (!first || s < first.start) first = { event: e, start: s };
  });
  return (first as { event: CalendarEvent } | null)?.event ?? null;
}
