import { DateTime } from 'luxon';
import { QUALIFIED_INSTANT } from '../instant.js';

/**
 * Instants leave the engine as UTC ISO strings with milliseconds (`2026-03-29T01:00:00.000Z`):
 * one format whatever the room's zone, so two states compare equal as strings exactly when they
 * mean the same instants, and it satisfies `z.iso.datetime({ offset: true })`.
 */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(s: string): boolean {
  return CALENDAR_DATE.test(s);
}

const knownZones = new Set<string>();

/** Checks the zone so that every later luxon call can trust it; a known zone stays known. */
export function assertTimeZone(zone: string): void {
  if (knownZones.has(zone)) return;
  if (!DateTime.fromMillis(0, { zone }).isValid) {
    throw new RangeError(`policy.timeZone: ${JSON.stringify(zone)} is not a known IANA time zone`);
  }
  if (knownZones.size < LAST_DAY_ZONES) knownZones.add(zone);
}

/**
 * Reads event times for one room. A calendar date is the start of that day in the room's zone
 * (so a DST day lasts 23 or 25 hours; a day whose midnight does not exist starts at the first
 * instant that does). Dates repeat across events, so they are memoised per reader.
 */
export class EventTimeReader {
  private readonly days = new Map<string, number>();

  constructor(private readonly zone: string) {}

  /** Epoch ms of `value`; throws with `where: message` if it is neither an instant nor a date. */
  read(value: string, where: string): number {
    if (QUALIFIED_INSTANT.test(value)) {
      const ms = Date.parse(value);
      if (Number.isFinite(ms)) return ms;
    } else if (CALENDAR_DATE.test(value)) {
      const hit = this.days.get(value);
      if (hit !== undefined) return hit;
      const day = DateTime.fromISO(value, { zone: this.zone });
      if (day.isValid) {
        const ms = day.toMillis();
        this.days.set(value, ms);
        return ms;
      }
    }
    throw new RangeError(`${where}: ${JSON.stringify(value)} is not an ISO instant with offset or a calendar date`);
  }

  /** The start of the local day containing `ms`. */
  startOfDay(ms: number): number {
    return localDay(this.zone, ms).start;
  }

  /** The first local midnight after `ms`: the date a panel shows changes there. */
  nextMidnight(ms: number): number {
    return localDay(this.zone, ms).end;
  }
}

interface LocalDay {
  start: number;
  end: number;
}

/**
 * The bounds of a local day depend only on the zone, so the last day asked for is remembered
 * per zone: a thousand rooms in one zone then cost one time-zone lookup instead of a thousand
 * (the lookups dominate the engine's run time otherwise). Results are the same either way.
 */
const lastDay = new Map<string, LocalDay>();
const LAST_DAY_ZONES = 256;

function localDay(zone: string, ms: number): LocalDay {
  const hit = lastDay.get(zone);
  if (hit !== undefined && hit.start <= ms && ms < hit.end) return hit;
  const local = DateTime.fromMillis(ms, { zone });
  // The next day's start comes from its date rather than `startOf('day').plus({ days: 1 })`,
  // which lands an hour late after a day whose midnight was skipped (America/Santiago).
  const noon = local.set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
  const day = { start: dateStart(local.toISODate(), zone), end: dateStart(noon.plus({ days: 1 }).toISODate(), zone) };
  if (lastDay.size >= LAST_DAY_ZONES) lastDay.clear();
  lastDay.set(zone, day);
  return day;
}

function dateStart(date: string | null, zone: string): number {
  return DateTime.fromISO(date ?? '', { zone }).toMillis();
}
