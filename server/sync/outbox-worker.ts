import type { Clock, TimerHandle } from '../../shared/clock.js';
import { isDoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { OutboxItem, OutboxRepo } from '../store/repos/outbox.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { isTransient } from './provider-error.js';

export interface OutboxKind {
  /** Sends the item; resolves once the provider has it (a "409 already exists" counts as sent). */
  send(item: OutboxItem): Promise<void>;
  /** The provider refused the item for good: undo what was written locally for it. */
  gaveUp?(item: OutboxItem, error: Error): void;
}

export type OutboxOutcome = 'done' | 'later' | 'failed';

/** An outcome with the error that caused it ('later' and 'failed'), for a caller that answers a person. */
export interface OutboxResult {
  outcome: OutboxOutcome;
  error: Error | null;
}

type OutboxStore = Pick<OutboxRepo, 'get' | 'due' | 'nextDueAt' | 'markDone' | 'markFailed'>;

/**
 * Sends provider writes recorded in the store's outbox. The write and its outbox row are
 * committed together, so a crash after "decided" leaves the row, and the worker sends it after
 * restart; sends are idempotent at the provider (client-chosen ids, transaction ids), so a crash
 * after "sent" but before "done" costs one harmless repeat. One timer, set for the next due item.
 */
export class OutboxWorker {
  private timer: TimerHandle | null = null;
  private running = false;
  private readonly inFlight = new Map<number, Promise<OutboxResult>>();
  private draining: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      clock: Clock;
      outbox: OutboxStore;
      kinds: Readonly<Record<string, OutboxKind>>;
      log: Logger;
      policy?: BackoffPolicy;
      random?: () => number;
      /** Transient failures after this many tries give up. */
      maxAttempts?: number;
    },
  ) {}

  start(): void {
    this.running = true;
    void this.drain();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Sends one item now (the caller wants to know at once); shares a send already under way. */
  async send(id: number): Promise<OutboxOutcome> {
    return (await this.sendReporting(id)).outcome;
  }

  /** As `send`, with the provider's error when it did not go through. */
  sendReporting(id: number): Promise<OutboxResult> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const p = this.attempt(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, p);
    return p;
  }

  /** Sends everything due now, then sets the timer for what is left. */
  drain(): Promise<void> {
    if (this.draining) return this.draining;
    const run = async (): Promise<void> => {
      // Yield first, so `draining` is set before the loop can finish and clear it.
      await Promise.resolve();
      try {
        for (const kind of Object.keys(this.deps.kinds)) {
          for (const item of this.deps.outbox.due(this.deps.clock.now(), 100, kind)) await this.send(item.id);
        }
      } finally {
        this.draining = null;
        this.arm();
      }
    };
    this.draining = run();
    return this.draining;
  }

  private arm(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    const next = this.deps.outbox.nextDueAt();
    if (next === null) return;
    this.timer = this.deps.clock.setTimeout(() => void this.drain(), Math.max(0, next - this.deps.clock.now()));
  }

  private async attempt(id: number): Promise<OutboxResult> {
    const item = this.deps.outbox.get(id);
    if (!item || item.state !== 'pending') return item?.state === 'done' ? { outcome: 'done', error: null } : { outcome: 'failed', error: new Error(item?.lastError ?? `no outbox item ${id}`) };
    const kind = this.deps.kinds[item.kind];
    if (!kind) return { outcome: 'later', error: null };
    try {
      await kind.send(item);
      this.deps.outbox.markDone(id);
      return { outcome: 'done', error: null };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const transient = isTransient(e) || (isDoorplateError(e) && e.code === 'PROVIDER_UNAVAILABLE');
      const policy = this.deps.policy ?? DEFAULT_BACKOFF;
      if (transient && item.attempts + 1 < (this.deps.maxAttempts ?? 50)) {
        const wait = backoffDelay(Math.min(item.attempts, 10), { ...policy, maxMs: Math.max(policy.maxMs, 15 * 60_000) }, this.deps.random ?? Math.random);
        this.deps.outbox.markFailed(id, error.message, this.deps.clock.now() + Math.max(1000, wait));
        this.deps.log.warn({ outbox: id, kind: item.kind, attempts: item.attempts + 1, err: error.message }, 'provider write postponed');
        if (!this.draining) this.arm();
        return { outcome: 'later', error };
      }
      this.deps.outbox.markFailed(id, error.message, null);
      this.deps.log.error({ outbox: id, kind: item.kind, err: error.message }, 'provider write refused; giving up');
      try {
        kind.gaveUp?.(item, error);
      } catch (undo) {
        this.deps.log.error({ outbox: id, err: (undo as Error).message }, 'undoing a refused write failed');
      }
      return { outcome: 'failed', error };
    }
  }
}
