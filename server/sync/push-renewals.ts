import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { PushChannel } from '../store/repos/push-channels.js';
import type { ChannelRenewal, ProviderChannel } from '../providers/provider.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';

const MINUTE = 60_000;
/** A room whose channel could not be opened (webhook not reachable yet) tries again: 30 s, 1 min, ... up to an hour. */
const RETRY: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * MINUTE, maxAttempts: Number.POSITIVE_INFINITY };

export interface PushRenewalsDeps<R extends { id: string }> {
  clock: Clock;
  log: Logger;
  random?: (() => number) | undefined;
  /** How long before a channel runs out it is replaced or renewed. */
  renewBeforeMs: number;
  /** This provider's channels, soonest to run out first. */
  channels: () => PushChannel[];
  rooms: () => readonly R[];
  /** Opens or renews a room's channel when due (always with `force`); null when it has long enough to run. */
  ensure: (room: R, force: boolean) => Promise<ProviderChannel | null>;
  /** Ends a channel whose room is no longer configured. */
  drop: (channel: PushChannel) => Promise<void>;
  /** What failed, for the log: "could not <what>; trying again later". */
  what: string;
}

/**
 * The renewal loop both push providers run (Google channels, Graph subscriptions): each room
 * gets a channel, channels are renewed before they run out, channels of removed rooms are
 * ended, and a room that failed is tried again with backoff while the others go on. One timer,
 * armed for the earliest renewal or retry, and none once stopped.
 */
export class PushRenewals<R extends { id: string }> {
  private timer: TimerHandle | null = null;
  /** Rooms whose last attempt failed -> how many times in a row. */
  private readonly failing = new Map<string, number>();
  private active = false;

  constructor(private readonly deps: PushRenewalsDeps<R>) {}

  async start(): Promise<void> {
    this.active = true;
    await this.renewDue();
  }

  stop(): void {
    this.active = false;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  async renewDue(force = false): Promise<ChannelRenewal> {
    const result: ChannelRenewal = { opened: [], failed: [] };
    try {
      const rooms = this.deps.rooms();
      const live = new Set(rooms.map((r) => r.id));
      for (const c of this.deps.channels()) {
        if (live.has(c.roomId)) continue;
        try {
          await this.deps.drop(c);
        } catch (e) {
          this.deps.log.warn({ room: c.roomId, channel: c.id, err: (e as Error).message }, 'could not end the channel of a removed room');
        }
      }
      for (const room of rooms) {
        try {
          const opened = await this.deps.ensure(room, force);
          this.failing.delete(room.id);
          if (opened) result.opened.push(opened);
        } catch (e) {
          const tries = (this.failing.get(room.id) ?? 0) + 1;
          this.failing.set(room.id, tries);
          this.deps.log.warn({ room: room.id, tries, err: (e as Error).message }, `could not ${this.deps.what}; trying again later`);
          result.failed.push({ roomId: room.id, error: (e as Error).message });
        }
      }
    } finally {
      this.arm();
    }
    return result;
  }

  /** The next run: the earliest renewal, or sooner when a room is waiting for its channel. */
  arm(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    if (!this.active) return;
    const first = this.deps.channels()[0];
    let wait = first ? Math.max(MINUTE, first.expiresAt - this.deps.renewBeforeMs - this.deps.clock.now()) : Infinity;
    if (this.failing.size > 0) {
      const tries = Math.max(...this.failing.values());
      wait = Math.min(wait, Math.max(1000, backoffDelay(Math.min(tries - 1, 20), RETRY, this.deps.random ?? Math.random)));
    }
    if (wait === Infinity) return;
    this.timer = this.deps.clock.setTimeout(() => void this.renewDue(), wait);
  }
}
