import { DateTime } from 'luxon';
import type { CalendarEvent } from '../../shared/model/event.js';
import { DoorplateError } from '../../shared/errors.js';

/** One room on one day (the room's own calendar day). */
export interface UsageRow {
  room: string;
  day: string;
  /** Hours of meetings booked to start that day, released no-shows included. */
  bookedHours: number;
  /** Hours from check-in (or the start, when checked in earlier) to the end of checked-in meetings. */
  checkedInHours: number;
  releasedNoShows: number;
  /** Meetings booked at the door (a panel's book button). */
  adHocBookings: number;
}

export interface UsageSources {
  rooms: ReadonlyArray<{ id: string; timeZone: string }>;
  /** Every stored event of a room overlapping [fromMs, toMs), cancelled ones included. */
  events(roomId: string, fromMs: number, toMs: number): readonly CalendarEvent[];
  /** The change log's release records: which meeting of which room was released. */
  releases: ReadonlyArray<{ roomId: string | null; payload: unknown }>;
}

/** A report spans at most this many days. */
export const MAX_REPORT_DAYS = 92;

const HOUR = 3_600_000;

/**
 * Booked against used, per room and day, from the store: the events (bookings, check-ins, door
 * bookings) and the change log's release records (a released meeting is cancelled in the
 * calendar; the record says it was a no-show, not a cancellation). All-day events block a day
 * rather than hold a meeting, so they are left out. Days are `from`..`to` inclusive (ISO
 * dates), each read in its room's zone.
 */
export function usageReport(src: UsageSources, from: string, to: string): UsageRow[] {
  const released = new Map<string, { start: string; end: string }>();
  for (const r of src.releases) {
    const p = r.payload as { eventId?: unknown; start?: unknown; end?: unknown } | null;
    if (r.roomId && p && typeof p.eventId === 'string' && typeof p.start === 'string' && typeof p.end === 'string') released.set(`${r.roomId}\u0000${p.eventId}`, { start: p.start, end: p.end });
  }
  const rows: UsageRow[] = [];
  for (const room of src.rooms) {
    const first = DateTime.fromISO(from, { zone: room.timeZone });
    const last = DateTime.fromISO(to, { zone: room.timeZone });
    if (!first.isValid) throw new DoorplateError('VALIDATION', `from: '${from}' is not a date (YYYY-MM-DD)`);
    if (!last.isValid) throw new DoorplateError('VALIDATION', `to: '${to}' is not a date (YYYY-MM-DD)`);
    const days = Math.round(last.diff(first, 'days').days) + 1;
    if (days < 1) throw new DoorplateError('VALIDATION', 'to: must not be before from');
    if (days > MAX_REPORT_DAYS) throw new DoorplateError('VALIDATION', `to: a report spans at most ${MAX_REPORT_DAYS} days`);
    const byDay = new Map<string, UsageRow>();
    for (let d = first; d <= last; d = d.plus({ days: 1 })) {
      const day = d.toISODate() as string;
      byDay.set(day, { room: room.id, day, bookedHours: 0, checkedInHours: 0, releasedNoShows: 0, adHocBookings: 0 });
    }
    const fromMs = first.startOf('day').toMillis();
    const toMs = last.plus({ days: 1 }).startOf('day').toMillis();
    for (const e of src.events(room.id, fromMs, toMs)) {
      if (e.allDay) continue;
      const rel = released.get(`${room.id}\u0000${e.id}`);
      if (!rel && e.status === 'cancelled') continue;
      const start = Date.parse(rel?.start ?? e.start);
      const end = Date.parse(rel?.end ?? e.end);
      const row = byDay.get(DateTime.fromMillis(start, { zone: room.timeZone }).toISODate() ?? '');
      if (!row || !(end > start)) continue;
      row.bookedHours += (end - start) / HOUR;
      if (rel) row.releasedNoShows++;
      else if (e.checkedInAt !== null) row.checkedInHours += Math.max(0, end - Math.max(start, Date.parse(e.checkedInAt))) / HOUR;
      if (!rel && e.bookedVia === 'panel') row.adHocBookings++;
    }
    for (const row of byDay.values()) rows.push({ ...row, bookedHours: round(row.bookedHours), checkedInHours: round(row.checkedInHours) });
  }
  return rows;
}

function round(h: number): number {
  return Math.round(h * 100) / 100;
}

/** RFC 4180 CSV with a header line; cells that could start a spreadsheet formula are quoted with a leading apostrophe. */
export function usageCsv(rows: readonly UsageRow[]): string {
  const cell = (v: string | number): string => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = ['room', 'day', 'booked_hours', 'checked_in_hours', 'released_no_shows', 'ad_hoc_bookings'];
  return [head.join(','), ...rows.map((r) => [r.room, r.day, r.bookedHours, r.checkedInHours, r.releasedNoShows, r.adHocBookings].map(cell).join(','))].join('\r\n') + '\r\n';
}
