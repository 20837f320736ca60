import { createHash } from 'node:crypto';
import { DoorplateError, ERRORS, type ErrorCode } from '../../shared/errors.js';
import type { IdempotencyRecord } from '../store/repos/idempotency.js';

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

export interface StoredAnswer {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

/** Where keys are reserved and answers kept (the store's idempotency table). */
export interface IdempotencyLog {
  get(scope: string, key: string): IdempotencyRecord | undefined;
  reserve(scope: string, key: string, requestHash: string): IdempotencyRecord;
  plan(scope: string, key: string, plan: unknown): void;
  put(scope: string, key: string, answer: StoredAnswer): IdempotencyRecord;
}

export interface Answer<T> {
  statusCode: number;
  response: T;
}

/**
 * The write a request is about to make, recorded before the calendar is touched. After a stop
 * between that write and its answer, `settle` reads the committed row: the answer when the
 * write is there, null when it never happened (then the request is run again, safely).
 */
export type Settle<P> = (plan: P) => Answer<unknown> | null;

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

/**
 * Runs each request once per (scope, key), also while it is still at work: the key is reserved
 * (in the store, and in memory with the answer's promise) before the work starts, so a second
 * caller with the same key (a QoS 1 redelivery, an HTTP retry while a provider write is slow)
 * awaits the first answer instead of acting again. A retry gets the first answer, refusals
 * included. The same key with another request is refused rather than answered with someone
 * else's result.
 */
export class IdempotentRunner<P> {
  private readonly inFlight = new Map<string, { hash: string; answer: Promise<Answer<unknown>> }>();

  /**
   * `durable`, when given, is awaited after a write's work and before its answer: every
   * booking path answers through here, so this is the one place where an answer waits until a
   * standby holds the write (server/parts/replication-part.ts; bounded; it fails only on a leader
   * cut off from its site's majority).
   */
  constructor(
    private readonly log: IdempotencyLog,
    private readonly settle: Settle<P>,
    private readonly durable: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async once<T>(scope: string, key: string | undefined, body: unknown, work: (plan: (p: P) => void) => Promise<Answer<T>>): Promise<Answer<T> & { replayed: boolean }> {
    const answer = await this.answer(scope, key, body, work);
    // A replay waits too: the first answer may have been refused for want of a majority, and
    // its retry is acknowledged only once the majority holds the change.
    await this.durable();
    return answer;
  }

  private async answer<T>(scope: string, key: string | undefined, body: unknown, work: (plan: (p: P) => void) => Promise<Answer<T>>): Promise<Answer<T> & { replayed: boolean }> {
    if (!key) return { ...(await work(() => undefined)), replayed: false };
    const hash = requestHash(body);
    const id = `${scope}\u0000${key}`;
    const running = this.inFlight.get(id);
    if (running) {
      if (running.hash !== hash) throw new DoorplateError('IDEMPOTENCY_MISMATCH');
      return { ...((await running.answer) as Answer<T>), replayed: true };
    }
    // Nothing awaits between here and `inFlight.set`: a second caller sees one or the other.
    const stored = this.log.reserve(scope, key, hash);
    if (stored.requestHash !== hash) throw new DoorplateError('IDEMPOTENCY_MISMATCH');
    if (stored.state === 'done') return { ...replay<T>(stored), replayed: true };
    if (stored.plan !== null) {
      // Reserved by an earlier run of the server that stopped before answering.
      const settled = this.settle(stored.plan as P);
      if (settled) {
        this.log.put(scope, key, { requestHash: hash, ...settled });
        return { ...(settled as Answer<T>), replayed: true };
      }
    }
    const answer = this.run(scope, key, hash, work);
    this.inFlight.set(id, { hash, answer });
    try {
      return { ...(await answer), replayed: false };
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async run<T>(scope: string, key: string, hash: string, work: (plan: (p: P) => void) => Promise<Answer<T>>): Promise<Answer<T>> {
    let answer: Answer<T>;
    try {
      answer = await work((p) => this.log.plan(scope, key, p));
    } catch (e) {
      // Anything else (a provider down) leaves the key reserved: a retry settles it from the
      // committed row, or runs it again when nothing was written.
      if (!(e instanceof DoorplateError)) throw e;
      // A refusal is an answer too: the same request must get the same refusal.
      this.log.put(scope, key, { requestHash: hash, statusCode: e.status, response: { error: e.toJSON() } });
      throw e;
    }
    this.log.put(scope, key, { requestHash: hash, statusCode: answer.statusCode, response: answer.response });
    return answer;
  }
}

function replay<T>(seen: StoredAnswer): Answer<T> {
  const refused = (seen.response as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
  if (seen.statusCode >= 400 && refused?.code && isErrorCode(refused.code)) {
    throw new DoorplateError(refused.code, refused.message, refused.details);
  }
  return { statusCode: seen.statusCode, response: seen.response as T };
}
