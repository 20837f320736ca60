import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';
import { fromJson, toJson } from './json.js';
import { Statements } from './statements.js';

export interface Change {
  id: number;
  at: number;
  kind: string;
  roomId: string | null;
  deviceId: string | null;
  payload: unknown;
}

interface ChangeRow {
  id: number;
  at: number;
  kind: string;
  room_id: string | null;
  device_id: string | null;
  payload: string;
}

function toChange(r: ChangeRow): Change {
  return { id: r.id, at: r.at, kind: r.kind, roomId: r.room_id, deviceId: r.device_id, payload: fromJson(r.payload) };
}

/**
 * The change log behind the live stream. Ids only grow (AUTOINCREMENT never reuses one, even
 * after pruning), so a client resumes with the last id it saw and `oldestId()` tells whether
 * the log still reaches back that far.
 */
export class ChangesRepo {
  private readonly statements: Statements;

  constructor(
    db: Database,
    private readonly clock: Clock,
  ) {
    this.statements = new Statements(db);
  }

  append(change: { kind: string; roomId?: string | null; deviceId?: string | null; payload?: unknown; at?: number }): number {
    const info = this.statements
      .sql('INSERT INTO changes (at, kind, room_id, device_id, payload) VALUES (?, ?, ?, ?, ?)')
      .run(change.at ?? this.clock.now(), change.kind, change.roomId ?? null, change.deviceId ?? null, toJson(change.payload ?? null, `changes.${change.kind}`));
    return Number(info.lastInsertRowid);
  }

  /** Changes after `id`, oldest first, at most `limit`. */
  since(id: number, limit = 1000): Change[] {
    return (this.statements.sql('SELECT * FROM changes WHERE id > ? ORDER BY id LIMIT ?').all(id, Math.max(0, limit)) as ChangeRow[]).map(toChange);
  }

  /** Changes kept now (for /metrics). */
  count(): number {
    return this.statements.sql('SELECT COUNT(*) FROM changes').pluck().get() as number;
  }

  oldestId(): number | null {
    return (this.statements.sql('SELECT MIN(id) FROM changes').pluck().get() as number | null) ?? null;
  }

  /** The last id ever handed out (0 before the first), even when pruning emptied the table. */
  latestId(): number {
    return (this.statements.sql("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").pluck().get() as number | undefined) ?? 0;
  }

  /** Keeps at most `maxCount` changes and none older than `maxAgeMs`; returns how many went. */
  prune(opts: { maxCount?: number; maxAgeMs?: number; now?: number }): number {
    let removed = 0;
    if (opts.maxAgeMs !== undefined) {
      const cutoff = (opts.now ?? this.clock.now()) - opts.maxAgeMs;
      removed += this.statements.sql('DELETE FROM changes WHERE at < ?').run(cutoff).changes;
    }
    if (opts.maxCount !== undefined) {
      removed += this.statements.sql('DELETE FROM changes WHERE id <= ?').run(this.latestId() - Math.max(0, opts.maxCount)).changes;
    }
    return removed;
  }
}
