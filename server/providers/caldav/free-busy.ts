import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { icalUtc, NS } from './multistatus.js';

export function freeBusyQueryBody(fromMs: number, toMs: number): string {
  return `<?xml version="1.0" encoding="utf-8"?><c:free-busy-query ${NS}><c:time-range start="${icalUtc(fromMs)}" end="${icalUtc(toMs)}"/></c:free-busy-query>`;
}

type Span = [number, number];

/** Sorted, merged, clipped to [from, to): two calendars are busy alike exactly when these are equal. */
function normalise(spans: Span[], fromMs: number, toMs: number): Span[] {
  const clipped = spans.map(([a, b]): Span => [Math.max(a, fromMs), Math.min(b, toMs)]).filter(([a, b]) => b > a);
  clipped.sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const s of clipped) {
    const last = out.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([...s]);
  }
  return out;
}

/** The busy periods of a VFREEBUSY answer (FBTYPE FREE left out); null when the text is not one. */
export function parseFreeBusy(text: string, fromMs: number, toMs: number): Span[] | null {
  let cal: ICAL.Component;
  try {
    cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch {
    return null;
  }
  const fb = cal.getFirstSubcomponent('vfreebusy');
  if (!fb) return null;
  const spans: Span[] = [];
  for (const prop of fb.getAllProperties('freebusy')) {
    if (String(prop.getParameter('fbtype') ?? 'BUSY').toUpperCase() === 'FREE') continue;
    for (const v of prop.getValues()) {
      if (!(v instanceof ICAL.Period)) continue;
      const start = v.start.toUnixTime() * 1000;
      const end = v.end ? v.end.toUnixTime() * 1000 : start + (v.duration?.toSeconds() ?? 0) * 1000;
      spans.push([start, end]);
    }
  }
  return normalise(spans, fromMs, toMs);
}

/** The busy periods the stored events give: what the server's free-busy should say. */
export function busyOfEvents(events: readonly CalendarEvent[], zone: string, fromMs: number, toMs: number, opts: { declined: boolean }): Span[] {
  const at = (v: string): number => (v.length === 10 ? DateTime.fromISO(v, { zone }).toMillis() : Date.parse(v));
  const spans = events.filter((e) => e.status !== 'cancelled' && (opts.declined || e.roomResponse !== 'declined')).map((e): Span => [at(e.start), at(e.end)]);
  return normalise(spans, fromMs, toMs);
}

export function sameBusy(a: readonly Span[], b: readonly Span[]): boolean {
  return a.length === b.length && a.every((s, i) => s[0] === b[i]?.[0] && s[1] === b[i]?.[1]);
}
