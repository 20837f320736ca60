import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';

export interface FlaggedSeries {
  roomId: string;
  seriesId: string;
  /** Released occurrences when it was flagged (or counted since, if more came). */
  releases: number;
  flaggedAt: number;
}

interface FlagRow {
  room_id: string;
  series_id: string;
  releases: number;
  flagged_at: number;
}

function toFlag(r: FlagRow): FlaggedSeries {
  return { roomId: r.room_id, seriesId: r.series_id, releases: r.releases, flaggedAt: r.flagged_at };
}

/** Released occurrences of recurring series, and the series flagged to the administrator. */
export class SeriesFlagsRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Records one released occurrence and returns how many of the series were released in the
   * room so far; the same occurrence recorded twice counts once.
   */
  recordRelease(roomId: string, seriesId: string, eventId: string, at = this.clock.now()): number {
    this.db.prepare('INSERT INTO released_occurrences (room_id, event_id, series_id, released_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(roomId, eventId, seriesId, at);
    const count = this.db.prepare('SELECT COUNT(*) FROM released_occurrences WHERE room_id = ? AND series_id = ?').pluck().get(roomId, seriesId) as number;
    this.db.prepare('UPDATE flagged_series SET releases = ? WHERE room_id = ? AND series_id = ?').run(count, roomId, seriesId);
    return count;
  }

  /** Flags the series; returns false when it already was. */
  flag(roomId: string, seriesId: string, releases: number, at = this.clock.now()): boolean {
    return this.db.prepare('INSERT INTO flagged_series (room_id, series_id, releases, flagged_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(roomId, seriesId, releases, at).changes === 1;
  }

  get(roomId: string, seriesId: string): FlaggedSeries | undefined {
    const r = this.db.prepare('SELECT * FROM flagged_series WHERE room_id = ? AND series_id = ?').get(roomId, seriesId) as FlagRow | undefined;
    return r && toFlag(r);
  }

  list(filter: { roomId?: string } = {}): FlaggedSeries[] {
    const rows = this.db
      .prepare('SELECT * FROM flagged_series WHERE (@roomId IS NULL OR room_id = @roomId) ORDER BY flagged_at, room_id, series_id')
      .all({ roomId: filter.roomId ?? null }) as FlagRow[];
    return rows.map(toFlag);
  }

  /**
   * An administrator dealt with the series: the flag and its count go, so it is flagged again
   * only after as many new releases.
   */
  clear(roomId: string, seriesId: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM released_occurrences WHERE room_id = ? AND series_id = ?').run(roomId, seriesId);
      return this.db.prepare('DELETE FROM flagged_series WHERE room_id = ? AND series_id = ?').run(roomId, seriesId).changes === 1;
    })();
  }
}
