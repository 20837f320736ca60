import type { CalendarEvent } from '../../shared/model/event.js';
import { occupiesRoom } from '../../shared/state/slots.js';
import { EventTimeReader } from '../../shared/state/time.js';

/** Busy intervals as a provider's free/busy answer gives them; null when it could not answer for the calendar. */
export type Busy = ReadonlyArray<{ start: string; end: string }> | null;

/** Sorted, merged spans clipped to `[from, to)`. */
function merge(spans: Array<[number, number]>, from: number, to: number): Array<[number, number]> {
  const clipped = spans
    .map(([s, t]): [number, number] => [Math.max(from, s), Math.min(to, t)])
    .filter(([s, t]) => t > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [s, t] of clipped) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], t);
    else merged.push([s, t]);
  }
  return merged;
}

/**
 * The stored events that hold the room, as free/busy would show them. All-day events count:
 * providers report an opaque all-day event as busy from midnight to midnight in the calendar's
 * zone, which is the room's. Events that do not hold the room (declined, free/transparent) do not.
 */
function localBusy(events: readonly CalendarEvent[], zone: string, from: number, to: number): Array<[number, number]> {
  const reader = new EventTimeReader(zone);
  return merge(
    events.filter(occupiesRoom).map((e, i): [number, number] => [reader.read(e.start, `events.${i}.start`), reader.read(e.end, `events.${i}.end`)]),
    from,
    to,
  );
}

/**
 * Rooms whose free/busy at the provider differs from what the store holds: the ones a lost
 * notification left behind. A room the provider could not answer for counts as differing.
 */
export function roomsThatDiffer(
  rooms: ReadonlyArray<{ id: string; calendar: string; timeZone: string }>,
  busy: ReadonlyMap<string, Busy>,
  eventsOf: (roomId: string) => readonly CalendarEvent[],
  from: number,
  to: number,
): string[] {
  return rooms
    .filter((r) => {
      const remote = busy.get(r.calendar);
      if (!remote) return true;
      const theirs = merge(
        remote.map((b): [number, number] => [Date.parse(b.start), Date.parse(b.end)]),
        from,
        to,
      );
      const ours = localBusy(eventsOf(r.id), r.timeZone, from, to);
      return theirs.length !== ours.length || theirs.some(([s, t], i) => ours[i]?.[0] !== s || ours[i]?.[1] !== t);
    })
    .map((r) => r.id);
}
