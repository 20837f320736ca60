import type { Database } from '../database.js';

export type PresenceState = 'present' | 'absent' | 'unknown';

export interface PresenceChange {
  roomId: string;
  at: number;
  state: PresenceState;
}

/** Each change of a room's presence, kept for the usage report's presence minutes. */
export class PresenceChangesRepo {
  constructor(private readonly db: Database) {}

  record(roomId: string, at: number, state: PresenceState): void {
    this.db.prepare('INSERT INTO presence_changes (room_id, at_ms, state) VALUES (?, ?, ?)').run(roomId, at, state);
  }

  /** The room's last recorded state, or null when it never had one. */
  last(roomId: string): PresenceChange | null {
    const row = this.db.prepare('SELECT at_ms, state FROM presence_changes WHERE room_id = ? ORDER BY at_ms DESC, id DESC LIMIT 1').get(roomId) as { at_ms: number; state: PresenceState } | undefined;
    return row ? { roomId, at: row.at_ms, state: row.state } : null;
  }

  /** Rooms whose last recorded state is not `unknown`. */
  roomsNotUnknown(): string[] {
    const rows = this.db
      .prepare(
        `SELECT room_id FROM presence_changes p WHERE id = (SELECT id FROM presence_changes q WHERE q.room_id = p.room_id ORDER BY at_ms DESC, id DESC LIMIT 1) AND state != 'unknown'`,
      )
      .all() as Array<{ room_id: string }>;
    return rows.map((r) => r.room_id);
  }

  /**
   * The room's changes in [fromMs, toMs), led by the last one before fromMs (the state the range
   * starts in); empty when the room never had a presence sensor report.
   */
  list(roomId: string, fromMs: number, toMs: number): PresenceChange[] {
    const before = this.db
      .prepare('SELECT at_ms, state FROM presence_changes WHERE room_id = ? AND at_ms < ? ORDER BY at_ms DESC, id DESC LIMIT 1')
      .get(roomId, fromMs) as { at_ms: number; state: PresenceState } | undefined;
    const rows = this.db
      .prepare('SELECT at_ms, state FROM presence_changes WHERE room_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, id')
      .all(roomId, fromMs, toMs) as Array<{ at_ms: number; state: PresenceState }>;
    return [...(before ? [before] : []), ...rows].map((r) => ({ roomId, at: r.at_ms, state: r.state }));
  }

  /**
   * Drops changes older than `beforeMs`, keeping each room's last one before it (the state a
   * report from `beforeMs` on starts in). Returns how many went.
   */
  pruneBefore(beforeMs: number): number {
    return this.db
      .prepare(
        `DELETE FROM presence_changes WHERE at_ms < @before AND id NOT IN (
           SELECT (SELECT p.id FROM presence_changes p WHERE p.room_id = r.room_id AND p.at_ms < @before ORDER BY p.at_ms DESC, p.id DESC LIMIT 1)
           FROM (SELECT DISTINCT room_id FROM presence_changes) r)`,
      )
      .run({ before: beforeMs }).changes;
  }
}
