import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { windowsToIana } from './windows-zones.js';

/**
 * Turns the wall-clock times of one iCalendar object into instants. The object's own
 * VTIMEZONEs come first (they are what its author meant, whatever the name); then the TZID
 * as an IANA name or a Windows name; a time without a known zone (floating, or a TZID nobody
 * defines) is read in the room's zone.
 */
export class ZoneResolver {
  private readonly own = new Map<string, ICAL.Timezone>();

  constructor(
    calendar: ICAL.Component,
    private readonly roomZone: string,
  ) {
    for (const vtz of calendar.getAllSubcomponents('vtimezone')) {
      const tzid = vtz.getFirstPropertyValue('tzid');
      if (typeof tzid === 'string' && tzid) this.own.set(tzid, new ICAL.Timezone(vtz));
    }
  }

  /** The IANA zone a TZID names, if any: for all-day events and for logging. */
  ianaOf(tzid: string | null): string {
    if (!tzid) return this.roomZone;
    const iana = ianaZone(tzid);
    return iana ?? this.roomZone;
  }

  /** Epoch ms of a DATE-TIME value; `tzid` is the property's TZID parameter. */
  instant(t: ICAL.Time, tzid: string | null): number {
    if (t.zone === ICAL.Timezone.utcTimezone || t.zone?.tzid === 'UTC') return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
    const own = tzid ? this.own.get(tzid) : undefined;
    if (own) {
      const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
      return wall - own.utcOffset(t) * 1000;
    }
    const zone = this.ianaOf(tzid);
    const dt = DateTime.fromObject({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second }, { zone });
    return dt.toMillis();
  }
}

/** An IANA zone for a TZID: the name itself when it is one, a Windows name mapped, else null. */
export function ianaZone(tzid: string): string | null {
  const cleaned = tzid.replace(/^\/+/, '').trim();
  if (DateTime.fromMillis(0, { zone: cleaned }).isValid && cleaned.includes('/')) return cleaned;
  const windows = windowsToIana(cleaned);
  if (windows) return windows;
  // Some servers prefix the IANA name with their own path (`/mozilla.org/20050126_1/Europe/Berlin`).
  const tail = cleaned.split('/').slice(-2).join('/');
  return DateTime.fromMillis(0, { zone: tail }).isValid && tail.includes('/') ? tail : null;
}
