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
  /** Meetings released because nobody checked in. */
  releasedNoShows: number;
  /** Meetings released because the room's presence sensors saw nobody for the room's `presence.releaseAfterMins`. */
  releasedNoPresence: number;
  /** Meetings booked at the door (a panel's book button). */
  adHocBookings: number;
  /** Minutes someone was present (any display's sensor), whole minutes; null where no sensor reported by that day. */
  presenceMinutes: number | null;
}

export interface UsageSources {
  rooms: ReadonlyArray<{ id: string; timeZone: string }>;
  /** Every stored event of a room overlapping [fromMs, toMs), cancelled ones included. */
  events(roomId: string, fromMs: number, toMs: number): readonly CalendarEvent[];
  /** The change log's release records: which meeting of which room was released, and why. */
  releases: ReadonlyArray<{ roomId: string | null; payload: unknown }>;
  /**
   * The room's presence changes in [fromMs, toMs), led by the last one before fromMs; empty
   * when no sensor of the room ever reported. Absent: no presence column.
   */
  presence?: (roomId: string, fromMs: number, toMs: number) => ReadonlyArray<{ at: number; state: 'present' | 'absent' | 'unknown' }>;
  /** Now (epoch ms): presence is counted up to here, never into the future. */
  now?: number;
}

/** A report spans at most this many days. */
export const MAX_REPORT_DAYS = 92;

const HOUR = 3_600_000;

/**
 * Booked against used, per room and day, from the store: the events (bookings, check-ins, door
 * bookings), the change log's release records (a released meeting is cancelled in the
 * calendar; the record says it was a no-show or an empty room, not a cancellation) and the
 * rooms' presence changes. All-day events block a day rather than hold a meeting, so they are
 * left out. Days are `from`..`to` inclusive (ISO dates), each read in its room's zone. A
 * meeting released for want of presence after a check-in counts its checked-in time up to the
 * release.
 */
export function usageReport(src: UsageSources, from: string, to: string): UsageRow[] {
  const released = new Map<string, { start: string; end: string; cause: 'no-show' | 'no-presence'; releasedAt: number | null }>();
  for (const r of src.releases) {
    const p = r.payload as { eventId?: unknown; start?: unknown; end?: unknown; cause?: unknown; releasedAt?: unknown } | null;
    if (r.roomId && p && typeof p.eventId === 'string' && typeof p.start === 'string' && typeof p.end === 'string') {
      const releasedAt = typeof p.releasedAt === 'string' ? Date.parse(p.releasedAt) : NaN;
      released.set(`${r.roomId}\u0000${p.eventId}`, { start: p.start, end: p.end, cause: p.cause === 'no-presence' ? 'no-presence' : 'no-show', releasedAt: Number.isFinite(releasedAt) ? releasedAt : null });
    }
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
      byDay.set(day, { room: room.id, day, bookedHours: 0, checkedInHours: 0, releasedNoShows: 0, releasedNoPresence: 0, adHocBookings: 0, presenceMinutes: null });
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
      if (rel?.cause === 'no-show') row.releasedNoShows++;
      if (rel?.cause === 'no-presence') row.releasedNoPresence++;
      // Released for want of presence: it was used (checked in) until the room emptied.
      const usedUntil = rel === undefined ? end : rel.cause === 'no-presence' && rel.releasedAt !== null ? Math.min(end, rel.releasedAt) : start;
      if (e.checkedInAt !== null) row.checkedInHours += Math.max(0, usedUntil - Math.max(start, Date.parse(e.checkedInAt))) / HOUR;
      if (!rel && e.bookedVia === 'panel') row.adHocBookings++;
    }
    if (src.presence) addPresence(byDay, src.presence(room.id, fromMs, toMs), room.timeZone, src.now ?? toMs);
    for (const row of byDay.values()) rows.push({ ...row, bookedHours: round(row.bookedHours), checkedInHours: round(row.checkedInHours) });
  }
  return rows;
}

/**
 * Present time per day from a room's presence changes: each `present` stretch up to the next
 * change (or now), cut at the room's midnights. A day ending before the first change has no
 * sensor (null); `unknown` stretches count as nobody seen.
 */
function addPresence(byDay: Map<string, UsageRow>, changes: ReadonlyArray<{ at: number; state: string }>, timeZone: string, now: number): void {
  const first = changes[0];
  if (first === undefined) return;
  const ms = new Map<string, number>();
  for (const row of byDay.values()) {
    const dayStart = DateTime.fromISO(row.day, { zone: timeZone }).startOf('day');
    const a = dayStart.toMillis();
    const b = dayStart.plus({ days: 1 }).toMillis();
    // Before the first report there was no sensor; a day not begun yet has no figure either.
    if (b <= first.at || a >= now) continue;
    let total = 0;
    changes.forEach((c, i) => {
      if (c.state !== 'present') return;
      const until = Math.min(changes[i + 1]?.at ?? now, now);
      total += Math.max(0, Math.min(until, b) - Math.max(c.at, a));
    });
    ms.set(row.day, total);
  }
  for (const [day, total] of ms) {
    const row = byDay.get(day);
    if (row) row.presenceMinutes = Math.round(total / 60_000);
  }
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
  const head = ['room', 'day', 'booked_hours', 'checked_in_hours', 'released_no_shows', 'released_no_presence', 'ad_hoc_bookings', 'presence_minutes'];
  // No sensor: an empty cell, not 0 (nobody present is a measurement).
  const lines = rows.map((r) => [r.room, r.day, r.bookedHours, r.checkedInHours, r.releasedNoShows, r.releasedNoPresence, r.adHocBookings, r.presenceMinutes ?? ''].map(cell).join(','));
  return [head.join(','), ...lines].join('\r\n') + '\r\n';
}
