import { DateTime, IANAZone } from 'luxon';

/**
 * A VTIMEZONE built from the zone data of the running system (ICU through luxon), for the
 * years a meeting touches: each offset change becomes its own STANDARD or DAYLIGHT part, so
 * the rules are exactly what the system knows today, not a copy that ages.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

export interface ZoneTransition {
  /** The UTC instant the new offset starts. */
  at: number;
  fromMins: number;
  toMins: number;
  daylight: boolean;
  name: string;
}

/** Zones written as plain UTC (`...Z`) with no VTIMEZONE. */
export function isUtcZone(zone: string): boolean {
  return ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Zulu', 'Zulu', 'Etc/UCT', 'UCT', 'Universal', 'Etc/Universal'].includes(zone);
}

function offsetAt(zone: string, ms: number): number {
  return IANAZone.create(zone).offset(ms);
}

const namers = new Map<string, Intl.DateTimeFormat>();

function namer(locale: string, zone: string): Intl.DateTimeFormat {
  const key = `${locale} ${zone}`;
  let f = namers.get(key);
  if (!f) namers.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })));
  return f;
}

/** The zone's abbreviation (CEST, EDT); each English locale knows only some, so the first that is not `GMT+n` wins. */
function shortName(zone: string, ms: number): string {
  let fallback = '';
  for (const locale of ['en-US', 'en-GB']) {
    const part = namer(locale, zone).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName');
    const name = part?.value ?? '';
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

/** Whether an offset is the zone's summer time in that year: above the smaller of its January and July offsets. */
function isDaylight(zone: string, ms: number, offset: number): boolean {
  const year = DateTime.fromMillis(ms, { zone }).year;
  const jan = offsetAt(zone, Date.UTC(year, 0, 1));
  const jul = offsetAt(zone, Date.UTC(year, 6, 1));
  return offset > Math.min(jan, jul);
}

/** Every offset change in `[fromMs, toMs)`, found day by day and then narrowed to the minute. */
export function zoneTransitions(zone: string, fromMs: number, toMs: number): ZoneTransition[] {
  const out: ZoneTransition[] = [];
  let prev = offsetAt(zone, fromMs);
  for (let t = fromMs; t < toMs; t += DAY) {
    const next = Math.min(t + DAY, toMs);
    const off = offsetAt(zone, next);
    if (off === prev) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.max(1, Math.floor((hi - lo) / 2 / MINUTE)) * MINUTE;
      if (offsetAt(zone, mid) === prev) lo = mid;
      else hi = mid;
    }
    out.push({ at: hi, fromMins: prev, toMins: off, daylight: isDaylight(zone, hi, off), name: shortName(zone, hi) });
    prev = off;
  }
  return out;
}

export function formatOffset(mins: number): string {
  const sign = mins < 0 ? '-' : '+';
  const abs = Math.abs(mins);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** A local date-time in iCalendar's form (`20260329T020000`) for a UTC instant seen at an offset. */
export function localStamp(ms: number, offsetMins: number): string {
  return new Date(ms + offsetMins * MINUTE).toISOString().replace(/[-:]/g, '').slice(0, 15);
}

/**
 * The VTIMEZONE lines for `zone` covering `[fromMs, toMs]` widened to whole years (one year
 * before, so a client sees the offset in force when the range begins).
 */
export function vtimezoneLines(zone: string, fromMs: number, toMs: number): string[] {
  const startYear = new Date(fromMs).getUTCFullYear() - 1;
  const endYear = new Date(toMs).getUTCFullYear() + 1;
  // The zone data does not change while the process runs; one scan per zone and years is enough.
  const key = `${zone} ${startYear} ${endYear}`;
  const cached = built.get(key);
  if (cached) return [...cached];
  const lines = buildLines(zone, startYear, endYear);
  built.set(key, lines);
  return [...lines];
}

const built = new Map<string, readonly string[]>();

function buildLines(zone: string, startYear: number, endYear: number): string[] {
  const from = Date.UTC(startYear, 0, 1);
  const to = Date.UTC(endYear + 1, 0, 1);
  const first = offsetAt(zone, from);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const part = (kind: 'STANDARD' | 'DAYLIGHT', at: number, fromMins: number, toMins: number, name: string): void => {
    lines.push(`BEGIN:${kind}`, `DTSTART:${localStamp(at, fromMins)}`, `TZOFFSETFROM:${formatOffset(fromMins)}`, `TZOFFSETTO:${formatOffset(toMins)}`);
    if (name) lines.push(`TZNAME:${name}`);
    lines.push(`END:${kind}`);
  };
  // The offset in force at the start of the range, as a part of its own with no change.
  part(isDaylight(zone, from, first) ? 'DAYLIGHT' : 'STANDARD', from, first, first, shortName(zone, from));
  for (const t of zoneTransitions(zone, from, to)) part(t.daylight ? 'DAYLIGHT' : 'STANDARD', t.at, t.fromMins, t.toMins, t.name);
  lines.push('END:VTIMEZONE');
  return lines;
}
