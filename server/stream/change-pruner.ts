import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';

export interface PruneTarget {
  prune(opts: { maxCount?: number; maxAgeMs?: number; now?: number }): number;
}

export interface ChangePrunerOptions {
  clock: Clock;
  changes: PruneTarget;
  maxChanges: number;
  maxAgeMs: number;
  everyMs?: number;
  /** Other housekeeping on the same beat (expired notices). */
  also?: () => void;
  log?: Logger;
}

/** Keeps the change log bounded by count and age, on the clock: once at start, then every minute. */
export class ChangePruner {
  private timer: TimerHandle | null = null;
  private running = false;

  constructor(private readonly opts: ChangePrunerOptions) {}

  start(): void {
    this.running = true;
    this.run();
  }

  stop(): void {
    this.running = false;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Prunes now; returns how many changes went. */
  run(): number {
    let removed = 0;
    try {
      removed = this.opts.changes.prune({ maxCount: this.opts.maxChanges, maxAgeMs: this.opts.maxAgeMs, now: this.opts.clock.now() });
      this.opts.also?.();
      if (removed > 0) this.opts.log?.debug({ removed }, 'pruned the change log');
    } catch (e) {
      this.opts.log?.warn({ err: (e as Error).message }, 'pruning the change log failed');
    }
    this.opts.clock.clearTimeout(this.timer);
    this.timer = this.running ? this.opts.clock.setTimeout(() => this.run(), this.opts.everyMs ?? 60_000) : null;
    return removed;
  }
}
