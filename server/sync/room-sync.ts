import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Store } from '../store/store.js';
import type { BackoffPolicy } from './backoff.js';
import { RequestBudget } from './request-budget.js';
import { RequestRunner } from './request-runner.js';
import { SyncScheduler } from './sync-scheduler.js';

export interface RoomSyncDeps {
  clock: Clock;
  log: Logger;
  /** The provider's kind, as the runner names it in logs and metrics. */
  provider: string;
  budget: { requests: number; windowSecs: number };
  random?: (() => number) | undefined;
  retry?: BackoffPolicy | undefined;
  /** null: never polled (push only). */
  pollMs: number | null;
  rooms: () => readonly string[];
  sync: (roomId: string) => Promise<unknown>;
  onStale: (roomId: string, stale: boolean) => void;
}

export interface RoomSync {
  budget: RequestBudget;
  runner: RequestRunner;
  scheduler: SyncScheduler;
}

/**
 * What every calendar provider that reads a remote calendar runs on, built in one place so that
 * they keep one retry policy, one budget rule and one scheduler: the request budget, the runner
 * that retries through it behind a circuit breaker, and the scheduler that syncs each room one
 * at a time and tells the mirror when a room goes stale.
 */
export function roomSync(deps: RoomSyncDeps): RoomSync {
  const { clock, log } = deps;
  const budget = new RequestBudget(clock, deps.budget.requests, deps.budget.windowSecs * 1000);
  const runner = new RequestRunner({ clock, budget, log, random: deps.random, provider: deps.provider, policy: deps.retry });
  const scheduler = new SyncScheduler({ clock, log, rooms: deps.rooms, sync: deps.sync, pollMs: deps.pollMs, onStale: deps.onStale });
  return { budget, runner, scheduler };
}

/** The rooms that have a calendar of their own to sync. */
export function roomsWithCalendar(store: Store): Array<{ id: string; calendar: string; timeZone: string | null }> {
  return store.rooms.list().flatMap((r) => (r.calendar ? [{ id: r.id, calendar: r.calendar, timeZone: r.timeZone ?? null }] : []));
}
