import type { Clock, TimerHandle } from '../../shared/clock.js';
import { isDoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';

export interface SyncSchedulerDeps {
  clock: Clock;
  log: Logger;
  rooms: () => readonly string[];
  sync: (roomId: string) => Promise<unknown>;
  /** Incremental polling interval; null when push notifications carry the changes. */
  pollMs: number | null;
  /** A room's sync failed because the provider is down (true) or succeeded again (false). */
  onStale: (roomId: string, stale: boolean) => void;
}

/**
 * Runs room syncs: at most one at a time per room, and a request that arrives while a room is
 * syncing runs once more after it (a burst of notifications costs two syncs, not ten). Polls
 * every room at `pollMs` when there is no webhook.
 */
export class SyncScheduler {
  private readonly running = new Map<string, Promise<void>>();
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
  request(roomId: string): Promise<void> {
    const current = this.running.get(roomId);
    if (current) {
      this.again.add(roomId);
      return current.then(() => this.running.get(roomId) ?? Promise.resolve());
    }
    const p = this.runOnce(roomId).finally(() => {
      this.running.delete(roomId);
      if (this.again.delete(roomId) && this.active) void this.request(roomId);
    });
    this.running.set(roomId, p);
    return p;
  }

  private async runOnce(roomId: string): Promise<void> {
    try {
      await this.deps.sync(roomId);
      this.noteOutcome(roomId, null);
    } catch (e) {
      this.noteOutcome(roomId, e);
      this.deps.log.warn({ room: roomId, err: (e as Error).message }, 'room sync failed');
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
