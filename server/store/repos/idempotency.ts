import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';
import { fromJson, toJson } from './json.js';

export interface IdempotencyRecord {
  requestHash: string;
  statusCode: number;
  response: unknown;
  createdAt: number;
}

interface IdempotencyRow {
  request_hash: string;
  status_code: number;
  response: string;
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
      .prepare('SELECT request_hash, status_code, response, created_at FROM idempotency WHERE scope = ? AND key = ?')
      .get(scope, key) as IdempotencyRow | undefined;
    if (!row) return undefined;
    return { requestHash: row.request_hash, statusCode: row.status_code, response: fromJson(row.response), createdAt: row.created_at };
  }

  /**
   * Records the answer unless one is already there: the first answer wins, so two racing
   * retries cannot leave different answers behind. Returns the record that is stored.
   */
  put(scope: string, key: string, answer: { requestHash: string; statusCode: number; response: unknown }): IdempotencyRecord {
    this.db
      .prepare(
        `INSERT INTO idempotency (scope, key, request_hash, status_code, response, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
      )
      .run(scope, key, answer.requestHash, answer.statusCode, toJson(answer.response ?? null, `idempotency.${scope}.${key}`), this.clock.now());
    return this.get(scope, key) as IdempotencyRecord;
  }

  /** Forgets answers recorded before `olderThanMs` (an epoch ms cut-off); returns how many. */
  prune(olderThanMs: number): number {
    return this.db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(olderThanMs).changes;
  }
}
