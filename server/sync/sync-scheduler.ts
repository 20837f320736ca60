import type { Clock, TimerHandle } from '../../shared/clock.js';
import { isDoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';

export interface SyncSchedulerDeps {
  clock: Clock;
  log: Logger;
  rooms: () => readonly string[];
  sync: (roomId: string) => Promise<unknown>;
  /** Incremental polling interval (slow with push notifications, which carry the changes); null: never. */
  pollMs: number | null;
  /** A room's sync failed because the provider is down (true) or succeeded again (false). */
  onStale: (roomId: string, stale: boolean) => void;
}

/**
 * Runs room syncs: at most one at a time per room, and a request that arrives while a room is
 * syncing runs once more after it (a burst of notifications costs two syncs, not ten). Every
 * sync goes through here (start-up, polls, push notifications, the safety net, undo), so a
 * poll and a push never sync one room at once and every failure reaches the staleness rule.
 * Polls every room at `pollMs`.
 */
export class SyncScheduler {
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly again = new Set<string>();
  private readonly stale = new Set<string>();
  private timer: TimerHandle | null = null;
  private active = false;

  constructor(private readonly deps: SyncSchedulerDeps) {}

  async start(): Promise<void> {
    this.active = true;
    await this.syncAll();
    this.arm();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running.values()]);
  }

  isStale(roomId: string): boolean {
    return this.stale.has(roomId);
  }

  async syncAll(): Promise<void> {
    await Promise.all(this.deps.rooms().map((r) => this.request(r)));
  }

  /** Syncs the room soon; resolves when a sync that started after this call has finished. */
  async request(roomId: string): Promise<void> {
    await this.outcome(roomId);
  }

  /** As `request`, but rejects with the error of that sync (a push sync the outbox retries). */
  async requestStrict(roomId: string): Promise<void> {
    const error = await this.outcome(roomId);
    if (error !== null) throw error;
  }

  /** The error of a sync that started after this call, or null when it succeeded. */
  private outcome(roomId: string): Promise<unknown> {
    const current = this.running.get(roomId);
    if (current) {
      this.again.add(roomId);
      return current.then(() => this.running.get(roomId) ?? null);
    }
    const p = this.runOnce(roomId).finally(() => {
      this.running.delete(roomId);
      if (this.again.delete(roomId) && this.active) void this.outcome(roomId);
    });
    this.running.set(roomId, p);
    return p;
  }

  private async runOnce(roomId: string): Promise<unknown> {
    try {
      await this.deps.sync(roomId);
      this.noteOutcome(roomId, null);
      return null;
    } catch (e) {
      this.noteOutcome(roomId, e);
      this.deps.log.warn({ room: roomId, err: (e as Error).message }, 'room sync failed');
      return e;
    }
  }

  /**
   * A sync that ran elsewhere (from a push notification in the outbox) counts too: a room
   * whose provider is down turns stale whichever path found out.
   */
  noteOutcome(roomId: string, error: unknown): void {
    if (error === null) this.setStale(roomId, false);
    else if (isDoorplateError(error) && error.code === 'PROVIDER_UNAVAILABLE') this.setStale(roomId, true);
  }

  private setStale(roomId: string, stale: boolean): void {
    if (stale === this.stale.has(roomId)) return;
    if (stale) this.stale.add(roomId);
    else this.stale.delete(roomId);
    this.deps.onStale(roomId, stale);
  }

  private arm(): void {
    const { pollMs } = this.deps;
    if (!this.active || pollMs === null) return;
    this.timer = this.deps.clock.setTimeout(() => {
      void this.syncAll().finally(() => this.arm());
    }, pollMs);
  }
}
