import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';
import { fromJson, toJson } from './json.js';

/** A key whose request has answered (`done`), or is still at work or was cut off (`pending`). */
export type IdempotencyRecord =
  | { state: 'done'; requestHash: string; statusCode: number; response: unknown; createdAt: number }
  | { state: 'pending'; requestHash: string; plan: unknown; createdAt: number };

interface IdempotencyRow {
  state: 'pending' | 'done';
  request_hash: string;
  status_code: number;
  response: string;
  plan: string | null;
  created_at: number;
}

/** The first answer to each (scope, key), so a retried request gets the same answer. */
export class IdempotencyRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  get(scope: string, key: string): IdempotencyRecord | undefined {
    const row = this.db
      .prepare('SELECT state, request_hash, status_code, response, plan, created_at FROM idempotency WHERE scope = ? AND key = ?')
      .get(scope, key) as IdempotencyRow | undefined;
    if (!row) return undefined;
    if (row.state === 'pending') return { state: 'pending', requestHash: row.request_hash, plan: row.plan === null ? null : fromJson(row.plan), createdAt: row.created_at };
    return { state: 'done', requestHash: row.request_hash, statusCode: row.status_code, response: fromJson(row.response), createdAt: row.created_at };
  }

  /**
   * Reserves the key for a request before it does anything, unless the key is known already;
   * returns what is stored (the new reservation, an earlier one, or the answer).
   */
  reserve(scope: string, key: string, requestHash: string): IdempotencyRecord {
    this.db
      .prepare(
        `INSERT INTO idempotency (scope, key, state, request_hash, status_code, response, created_at)
         VALUES (?, ?, 'pending', ?, 0, 'null', ?) ON CONFLICT (scope, key) DO NOTHING`,
      )
      .run(scope, key, requestHash, this.clock.now());
    return this.get(scope, key) as IdempotencyRecord;
  }

  /** Records the write a reserved request is about to make, before it makes it. */
  plan(scope: string, key: string, plan: unknown): void {
    this.db
      .prepare(`UPDATE idempotency SET plan = ? WHERE scope = ? AND key = ? AND state = 'pending'`)
      .run(toJson(plan, `idempotency.${scope}.${key}.plan`), scope, key);
  }

  /**
   * Records the answer unless one is already there: the first answer wins, so two racing
   * retries cannot leave different answers behind. Returns the record that is stored.
   */
  put(scope: string, key: string, answer: { requestHash: string; statusCode: number; response: unknown }): IdempotencyRecord {
    const response = toJson(answer.response ?? null, `idempotency.${scope}.${key}`);
    this.db
      .prepare(
        `INSERT INTO idempotency (scope, key, state, request_hash, status_code, response, created_at)
         VALUES (?, ?, 'done', ?, ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET state = 'done', status_code = excluded.status_code, response = excluded.response
         WHERE idempotency.state = 'pending'`,
      )
      .run(scope, key, answer.requestHash, answer.statusCode, response, this.clock.now());
    return this.get(scope, key) as IdempotencyRecord;
  }

  /** Forgets answers recorded before `olderThanMs` (an epoch ms cut-off); returns how many. */
  prune(olderThanMs: number): number {
    return this.db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(olderThanMs).changes;
  }
}
