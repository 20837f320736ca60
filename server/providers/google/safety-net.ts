import type { CalendarEvent } from '../../../shared/model/event.js';
import { occupiesRoom } from '../../../shared/state/slots.js';

type Busy = ReadonlyArray<{ start: string; end: string }> | null;

/** Merged busy intervals of the stored timed events, clipped to `[from, to)`. */
function localBusy(events: readonly CalendarEvent[], from: number, to: number): Array<[number, number]> {
  const spans = events
    .filter((e) => !e.allDay && occupiesRoom(e))
    .map((e): [number, number] => [Math.max(from, Date.parse(e.start)), Math.min(to, Date.parse(e.end))])
    .filter(([s, t]) => t > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [s, t] of spans) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], t);
    else merged.push([s, t]);
  }
  return merged;
}

/**
 * Rooms whose free/busy at Google differs from what the store holds: the ones a lost
 * notification left behind. A room Google could not answer for counts as differing.
 */
export function roomsThatDiffer(
  rooms: ReadonlyArray<{ id: string; calendar: string }>,
  busy: ReadonlyMap<string, Busy>,
  eventsOf: (roomId: string) => readonly CalendarEvent[],
  from: number,
  to: number,
): string[] {
  return rooms
    .filter((r) => {
      const remote = busy.get(r.calendar);
      if (!remote) return true;
      const theirs = remote.map((b): [number, number] => [Math.max(from, Date.parse(b.start)), Math.min(to, Date.parse(b.end))]).filter(([s, t]) => t > s);
      const ours = localBusy(eventsOf(r.id), from, to);
      return theirs.length !== ours.length || theirs.some(([s, t], i) => ours[i]?.[0] !== s || ours[i]?.[1] !== t);
    })
    .map((r) => r.id);
}
