import type { Database } from '../database.js';

/** Why a meeting was released: nobody checked in, or nobody was present (a presence sensor). */
export type ReleaseCause = 'no-show' | 'no-presence';

export interface UsageRelease {
  roomId: string;
  eventId: string;
  start: string;
  end: string;
  releasedAt: string;
  cause: ReleaseCause;
}

/** Released meetings for the usage report; a release recorded twice counts once. */
export class UsageReleasesRepo {
  constructor(private readonly db: Database) {}

  record(roomId: string, eventId: string, startMs: number, endMs: number, releasedAt: number, cause: ReleaseCause = 'no-show'): void {
    this.db
      .prepare('INSERT INTO usage_releases (room_id, event_id, start_ms, end_ms, released_at, cause) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(roomId, eventId, startMs, endMs, releasedAt, cause);
  }

  /** Releases of meetings starting in [fromMs, toMs). */
  list(fromMs: number, toMs: number): UsageRelease[] {
    const rows = this.db
      .prepare('SELECT room_id, event_id, start_ms, end_ms, released_at, cause FROM usage_releases WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms')
      .all(fromMs, toMs) as Array<{ room_id: string; event_id: string; start_ms: number; end_ms: number; released_at: number; cause: ReleaseCause }>;
    return rows.map((r) => ({
      roomId: r.room_id,
      eventId: r.event_id,
      start: new Date(r.start_ms).toISOString(),
      end: new Date(r.end_ms).toISOString(),
      releasedAt: new Date(r.released_at).toISOString(),
      cause: r.cause,
    }));
  }
}
