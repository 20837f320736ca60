import type { Clock } from '../../../shared/clock.js';
import { formatIssues } from '../../../shared/config/load.js';
import { DoorplateError } from '../../../shared/errors.js';
import { CalendarEventSchema, type CalendarEvent } from '../../../shared/model/event.js';
import type { Database } from '../database.js';
import { bit } from './json.js';
import { Statements } from './statements.js';

/** Provider bookkeeping kept beside an event; it never reaches a display. */
export interface EventMeta {
  etag?: string | null;
  sequence?: number;
}

export interface ReplaceResult {
  changed: boolean;
  added: number;
  updated: number;
  removed: number;
}

interface EventRow {
  room_id: string;
  id: string;
  title: string;
  organizer: string | null;
  start_value: string;
  end_value: string;
  start_ms: number;
  end_ms: number;
  all_day: number;
  status: CalendarEvent['status'];
  room_response: CalendarEvent['roomResponse'];
  private: number;
  check_in_required: number;
  checked_in_at: string | null;
  series_id: string | null;
  booked_at: string | null;
  booked_via: CalendarEvent['bookedVia'];
  etag: string | null;
  sequence: number;
  updated_at: number;
}

function toEvent(r: EventRow): CalendarEvent {
  return {
    id: r.id,
    title: r.title,
    organizer: r.organizer,
    start: r.start_value,
    end: r.end_value,
    allDay: r.all_day === 1,
    status: r.status,
    roomResponse: r.room_response,
    private: r.private === 1,
    checkInRequired: r.check_in_required === 1,
    checkedInAt: r.checked_in_at,
    seriesId: r.series_id,
    bookedAt: r.booked_at,
    bookedVia: r.booked_via,
  };
}

const HOUR = 3_600_000;
/** UTC offsets run from -12:00 to +14:00: a date's day lies inside this widened UTC day in every zone. */
const EARLIEST_OFFSET_MS = 14 * HOUR;
const LATEST_OFFSET_MS = 12 * HOUR;

/** The search range of an event: exact for instants, widened for dates (see the column comment). */
function searchRange(e: CalendarEvent): { startMs: number; endMs: number } {
  const read = (v: string, earliest: boolean): number => {
    if (v.length === 10) return Date.parse(`${v}T00:00:00Z`) + (earliest ? -EARLIEST_OFFSET_MS : LATEST_OFFSET_MS);
    return Date.parse(v);
  };
  return { startMs: read(e.start, true), endMs: read(e.end, false) };
}

const FIELDS = [
  'title',
  'organizer',
  'start',
  'end',
  'allDay',
  'status',
  'roomResponse',
  'private',
  'checkInRequired',
  'checkedInAt',
  'seriesId',
  'bookedAt',
  'bookedVia',
] as const satisfies readonly (keyof CalendarEvent)[];

function sameEvent(a: CalendarEvent, b: CalendarEvent): boolean {
  return FIELDS.every((f) => a[f] === b[f]);
}

/** Validates an event from any source; the message names the room, the event and the field. */
export function parseEvent(roomId: string, event: unknown): CalendarEvent {
  const res = CalendarEventSchema.safeParse(event);
  if (!res.success) {
    const id = typeof event === 'object' && event !== null && 'id' in event ? String((event as { id: unknown }).id) : '?';
    throw new DoorplateError('VALIDATION', `room ${roomId}, event ${id}: ${formatIssues(res.error.issues).join('; ')}`);
  }
  const { startMs, endMs } = searchRange(res.data);
  if (endMs < startMs) throw new DoorplateError('VALIDATION', `room ${roomId}, event ${res.data.id}: end is before start`);
  return res.data;
}

/** The store's copy of each room's calendar. Writes report whether a display would see a difference. */
export class EventsRepo {
  private readonly statements: Statements;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.statements = new Statements(db);
  }

  /**
   * Events overlapping `[fromMs, toMs)` (all when omitted), cancelled ones included. Timed
   * events come in start order; all-day events are placed by their widened range (their day's
   * earliest start anywhere), so callers that need exact order sort in the room's zone.
   */
  listForRoom(roomId: string, fromMs?: number, toMs?: number): CalendarEvent[] {
    const rows = this.statements
      .sql(
        `SELECT * FROM events
         WHERE room_id = @roomId AND (@from IS NULL OR end_ms > @from) AND (@to IS NULL OR start_ms < @to)
         ORDER BY start_ms, end_ms, id`,
      )
      .all({ roomId, from: fromMs ?? null, to: toMs ?? null }) as EventRow[];
    return rows.map(toEvent);
  }

  get(roomId: string, id: string): CalendarEvent | null {
    const row = this.statements.sql('SELECT * FROM events WHERE room_id = ? AND id = ?').get(roomId, id) as EventRow | undefined;
    return row ? toEvent(row) : null;
  }

  meta(roomId: string, id: string): Required<EventMeta> | null {
    const row = this.statements.sql('SELECT etag, sequence FROM events WHERE room_id = ? AND id = ?').get(roomId, id) as
      | { etag: string | null; sequence: number }
      | undefined;
    return row ? { etag: row.etag, sequence: row.sequence } : null;
  }

  /** Inserts or updates; returns whether the event as a display sees it changed (meta alone does not count). */
  upsert(roomId: string, event: CalendarEvent, meta: EventMeta = {}): boolean {
    const e = parseEvent(roomId, event);
    return this.db.transaction(() => {
      this.requireRoom(roomId);
      return this.write(roomId, e, meta);
    })();
  }

  remove(roomId: string, id: string): boolean {
    return this.statements.sql('DELETE FROM events WHERE room_id = ? AND id = ?').run(roomId, id).changes === 1;
  }

  /** Makes the room's events exactly `events` (a full sync), in one transaction. */
  replaceAll(roomId: string, events: readonly CalendarEvent[], metas?: ReadonlyMap<string, EventMeta>): ReplaceResult {
    const parsed = events.map((e) => parseEvent(roomId, e));
    const ids = new Set<string>();
    for (const e of parsed) {
      if (ids.has(e.id)) throw new DoorplateError('VALIDATION', `room ${roomId}: event id ${JSON.stringify(e.id)} appears twice`);
      ids.add(e.id);
    }
    return this.db.transaction(() => {
      this.requireRoom(roomId);
      const result: ReplaceResult = { changed: false, added: 0, updated: 0, removed: 0 };
      const existing = this.statements.sql('SELECT id FROM events WHERE room_id = ?').pluck().all(roomId) as string[];
      const had = new Set(existing);
      for (const id of existing) {
        if (!ids.has(id)) {
          this.remove(roomId, id);
          result.removed++;
        }
      }
      for (const e of parsed) {
        if (this.write(roomId, e, metas?.get(e.id) ?? {})) {
          if (had.has(e.id)) result.updated++;
          else result.added++;
        }
      }
      result.changed = result.added + result.updated + result.removed > 0;
      return result;
    })();
  }

  /** Drops events that ended before `beforeMs` (by their widened range), e.g. last month's bookings. */
  pruneEndedBefore(beforeMs: number): number {
    return this.statements.sql('DELETE FROM events WHERE end_ms < ?').run(beforeMs).changes;
  }

  private requireRoom(roomId: string): void {
    if (!this.statements.sql('SELECT 1 FROM rooms WHERE id = ?').get(roomId)) {
      throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    }
  }

  private write(roomId: string, e: CalendarEvent, meta: EventMeta): boolean {
    const old = this.get(roomId, e.id);
    const oldMeta = old ? this.meta(roomId, e.id) : null;
    const etag = meta.etag === undefined ? (oldMeta?.etag ?? null) : meta.etag;
    const sequence = meta.sequence ?? oldMeta?.sequence ?? 0;
    const changed = !old || !sameEvent(old, e);
    if (!changed && oldMeta?.etag === etag && oldMeta.sequence === sequence) return false;
    const { startMs, endMs } = searchRange(e);
    this.statements
      .sql(
        `INSERT INTO events (room_id, id, title, organizer, start_value, end_value, start_ms, end_ms, all_day, status,
           room_response, private, check_in_required, checked_in_at, series_id, booked_at, booked_via, etag, sequence, updated_at)
         VALUES (@roomId, @id, @title, @organizer, @start, @end, @startMs, @endMs, @allDay, @status,
           @roomResponse, @private, @checkInRequired, @checkedInAt, @seriesId, @bookedAt, @bookedVia, @etag, @sequence, @now)
         ON CONFLICT (room_id, id) DO UPDATE SET
           title = excluded.title, organizer = excluded.organizer, start_value = excluded.start_value,
           end_value = excluded.end_value, start_ms = excluded.start_ms, end_ms = excluded.end_ms,
           all_day = excluded.all_day, status = excluded.status, room_response = excluded.room_response,
           private = excluded.private, check_in_required = excluded.check_in_required,
           checked_in_at = excluded.checked_in_at, series_id = excluded.series_id, booked_at = excluded.booked_at,
           booked_via = excluded.booked_via, etag = excluded.etag, sequence = excluded.sequence,
           updated_at = excluded.updated_at`,
      )
      .run({
        roomId,
        id: e.id,
        title: e.title,
        organizer: e.organizer,
        start: e.start,
        end: e.end,
        startMs,
        endMs,
        allDay: bit(e.allDay),
        status: e.status,
        roomResponse: e.roomResponse,
        private: bit(e.private),
        checkInRequired: bit(e.checkInRequired),
        checkedInAt: e.checkedInAt,
        seriesId: e.seriesId,
        bookedAt: e.bookedAt,
        bookedVia: e.bookedVia,
        etag,
        sequence,
        now: this.clock.now(),
      });
    return changed;
  }
}
