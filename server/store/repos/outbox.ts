import type { Clock } from '../../../shared/clock.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { Database } from '../database.js';
import { fromJson, toJson } from './json.js';

export type OutboxState = 'pending' | 'done' | 'failed';

export interface OutboxItem {
  id: number;
  kind: string;
  roomId: string | null;
  payload: unknown;
  attempts: number;
  /** When to try next; null once done or given up. */
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  doneAt: number | null;
  state: OutboxState;
}

interface OutboxRow {
  id: number;
  kind: string;
  room_id: string | null;
  payload: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  done_at: number | null;
}

function toItem(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    kind: r.kind,
    roomId: r.room_id,
    payload: fromJson(r.payload),
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    doneAt: r.done_at,
    state: r.done_at !== null ? 'done' : r.next_attempt_at === null ? 'failed' : 'pending',
  };
}

/** Work to do outside the process (provider writes, mail), kept until it is done or given up. */
export class OutboxRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  enqueue(item: { kind: string; roomId?: string | null; payload: unknown; notBefore?: number }): number {
    const now = this.clock.now();
    const info = this.db
      .prepare('INSERT INTO outbox (kind, room_id, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(item.kind, item.roomId ?? null, toJson(item.payload, `outbox.${item.kind}`), item.notBefore ?? now, now);
    return Number(info.lastInsertRowid);
  }

  get(id: number): OutboxItem | null {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return row ? toItem(row) : null;
  }

  list(filter: { kind?: string; state?: OutboxState; limit?: number } = {}): OutboxItem[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM outbox WHERE (@kind IS NULL OR kind = @kind) AND (
           @state IS NULL
           OR (@state = 'done' AND done_at IS NOT NULL)
           OR (@state = 'failed' AND done_at IS NULL AND next_attempt_at IS NULL)
           OR (@state = 'pending' AND done_at IS NULL AND next_attempt_at IS NOT NULL))
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ kind: filter.kind ?? null, state: filter.state ?? null, limit: filter.limit ?? 1000 }) as OutboxRow[];
    return rows.map(toItem);
  }

  /** Items whose next attempt is due, oldest due first. */
  due(now: number, limit = 100, kind?: string): OutboxItem[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM outbox WHERE done_at IS NULL AND next_attempt_at <= ? AND (? IS NULL OR kind = ?)
         ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .all(now, kind ?? null, kind ?? null, limit) as OutboxRow[];
    return rows.map(toItem);
  }

  /** When the next item falls due, so a worker sets one timer instead of polling. */
  nextDueAt(): number | null {
    return (this.db.prepare('SELECT MIN(next_attempt_at) FROM outbox WHERE done_at IS NULL').pluck().get() as number | null) ?? null;
  }

  markDone(id: number): void {
    this.change(id, 'UPDATE outbox SET done_at = ?, attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL WHERE id = ? AND done_at IS NULL', this.clock.now());
  }

  /** Records a failed attempt; `nextAttemptAt` null gives up on the item. */
  markFailed(id: number, error: string, nextAttemptAt: number | null): void {
    this.require(id);
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND done_at IS NULL')
      .run(error.slice(0, 2000), nextAttemptAt, id);
  }

  /** Puts a failed or waiting item back in line now (an admin's "retry"). */
  retry(id: number): void {
    this.change(id, 'UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND done_at IS NULL', this.clock.now());
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id).changes === 1;
  }

  /** Drops items finished before `beforeMs`. */
  pruneDone(beforeMs: number): number {
    return this.db.prepare('DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?').run(beforeMs).changes;
  }

  private change(id: number, sql: string, at: number): void {
    this.require(id);
    this.db.prepare(sql).run(at, id);
  }

  private require(id: number): void {
    if (!this.db.prepare('SELECT 1 FROM outbox WHERE id = ?').get(id)) {
      throw new DoorplateError('NOT_FOUND', `no outbox item ${id}`);
    }
  }
}
