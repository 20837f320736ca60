import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';

const DAY = 86_400_000;

/** The span a calendar server's events are expanded and kept for: yesterday to `windowDays` ahead. */
export function syncWindow(nowMs: number, windowDays: number): { fromMs: number; toMs: number; day: number } {
  return { fromMs: nowMs - DAY, toMs: nowMs + windowDays * DAY, day: Math.floor(nowMs / DAY) };
}

/** Check-in lives only here (calendars have no field for it): a re-read event keeps the stored one's. */
export function keepCheckIns(store: Store, roomId: string, events: readonly CalendarEvent[]): CalendarEvent[] {
  return events.map((e) => {
    const stored = store.events.get(roomId, e.id);
    return stored?.checkedInAt ? { ...e, checkedInAt: stored.checkedInAt } : e;
  });
}
