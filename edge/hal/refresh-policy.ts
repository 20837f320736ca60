import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { silentLogger } from '../../shared/logger.js';
import type { Panel, PictureSink, Raster, RefreshKind } from './types.js';

export interface RefreshPolicyOptions {
  /** A change touching less than this fraction of the pixels is drawn with a partial refresh. */
  partialThreshold: number;
  /** After this many partial refreshes in a row the next one is full. */
  fullEvery: number;
  /** The longest time without a full refresh; the picture is redrawn in full when it passes. */
  maxFullAgeMs: number;
  /** Overrides the panel's own minimum interval. */
  minIntervalMs?: number;
}

export const DEFAULT_REFRESH_POLICY: Readonly<RefreshPolicyOptions> = Object.freeze({
  partialThreshold: 0.2,
  fullEvery: 20,
  maxFullAgeMs: 24 * 3_600_000,
});

export interface RefreshRecord {
  at: number;
  kind: RefreshKind;
  urgent: boolean;
}

export interface RefreshStats {
  full: number;
  partial: number;
  /** Pictures equal to the one on screen. */
  unchanged: number;
  /** Pictures that arrived too early and waited for the interval. */
  deferred: number;
  /** Pending pictures replaced by a newer one before they were shown. */
  superseded: number;
  /** Refreshes that beat the minimum interval because a person pressed a button. */
  urgent: number;
  /** Full refreshes done only because the picture had not been fully redrawn for a day. */
  daily: number;
  errors: number;
}

/** The share of pixels that differ between two pictures of the same size (1 when sizes differ). */
export function changedFraction(a: Raster, b: Raster): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  const n = a.width * a.height;
  let changed = 0;
  for (let p = 0; p < n * 3; p += 3) {
    if (a.data[p] !== b.data[p] || a.data[p + 1] !== b.data[p + 1] || a.data[p + 2] !== b.data[p + 2]) changed++;
  }
  return changed / n;
}

/**
 * Decides whether, when and how a panel is refreshed: only when the picture changed,
 * partial for small changes (with a full one every N partials and at least once a day),
 * never faster than the panel allows unless the picture answers a button press. A picture
 * that comes too early waits; only the newest waiting picture is drawn.
 */
export class RefreshPolicy implements PictureSink {
  readonly stats: RefreshStats = { full: 0, partial: 0, unchanged: 0, deferred: 0, superseded: 0, urgent: 0, daily: 0, errors: 0 };
  /** The last refreshes (bounded), for checks and benchmarks. */
  readonly history: RefreshRecord[] = [];
  private readonly opts: RefreshPolicyOptions;
  private readonly log: Logger;
  private shown: Raster | undefined;
  private lastRefreshAt: number | undefined;
  private lastFullAt: number | undefined;
  private partialsSinceFull = 0;
  private pending: Raster | undefined;
  private pendingTimer: TimerHandle | undefined;
  private dailyTimer: TimerHandle | undefined;
  private queue: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly panel: Panel,
    private readonly clock: Clock,
    opts: Partial<RefreshPolicyOptions> = {},
    logger?: Logger,
  ) {
    this.opts = { ...DEFAULT_REFRESH_POLICY, ...opts };
    if (!(this.opts.partialThreshold >= 0 && this.opts.partialThreshold <= 1)) throw new RangeError('partialThreshold is a fraction between 0 and 1');
    if (!(this.opts.fullEvery >= 1)) throw new RangeError('fullEvery must be at least 1');
    this.log = logger ?? silentLogger();
  }

  get minIntervalMs(): number {
    return this.opts.minIntervalMs ?? this.panel.info.minRefreshIntervalMs;
  }

  start(): void {
    this.running = true;
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.pendingTimer);
    this.clock.clearTimeout(this.dailyTimer);
    this.pendingTimer = this.dailyTimer = undefined;
    this.pending = undefined;
  }

  submit(picture: Raster, opts: { urgent: boolean }): Promise<void> {
    if (!this.running) return Promise.reject(new Error('the refresh policy is not started'));
    const { width, height } = this.panel.info;
    if (picture.width !== width || picture.height !== height) {
      return Promise.reject(new RangeError(`the panel is ${width}x${height}, the picture is ${picture.width}x${picture.height}`));
    }
    return this.serial(() => this.consider(picture, opts.urgent));
  }

  /** One refresh at a time: the panel refuses overlapping ones. */
  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async consider(picture: Raster, urgent: boolean): Promise<void> {
    if (this.pending) {
      this.pending = undefined;
      this.stats.superseded++;
    }
    if (this.shown && changedFraction(this.shown, picture) === 0) {
      // The same pixels: keep the newer one, which the caller holds too, so the older copy (a
      // full raster, 1.1 MB at 800x480) can be collected.
      this.shown = picture;
      this.clock.clearTimeout(this.pendingTimer);
      this.pendingTimer = undefined;
      this.stats.unchanged++;
      return;
    }
    const now = this.clock.now();
    const due = this.lastRefreshAt === undefined ? now : this.lastRefreshAt + this.minIntervalMs;
    if (now >= due || urgent) {
      this.clock.clearTimeout(this.pendingTimer);
      this.pendingTimer = undefined;
      if (urgent && now < due) this.stats.urgent++;
      await this.refresh(picture, urgent, false);
      return;
    }
    this.pending = picture;
    this.stats.deferred++;
    if (!this.pendingTimer) {
      this.pendingTimer = this.clock.setTimeout(() => {
        this.pendingTimer = undefined;
        const waiting = this.pending;
        this.pending = undefined;
        if (waiting && this.running) void this.serial(() => this.refresh(waiting, false, false)).catch(() => undefined);
      }, due - now);
    }
  }

  private kindFor(picture: Raster): RefreshKind {
    const now = this.clock.now();
    if (!this.shown || this.lastFullAt === undefined) return 'full';
    if (!this.panel.info.supportsPartial) return 'full';
    if (this.partialsSinceFull >= this.opts.fullEvery) return 'full';
    if (now - this.lastFullAt >= this.opts.maxFullAgeMs) return 'full';
    return changedFraction(this.shown, picture) < this.opts.partialThreshold ? 'partial' : 'full';
  }

  private async refresh(picture: Raster, urgent: boolean, daily: boolean): Promise<void> {
    const kind = daily ? 'full' : this.kindFor(picture);
    const at = this.clock.now();
    try {
      await this.panel.show(picture, kind);
    } catch (e) {
      this.stats.errors++;
      // The screen's content is unknown: the next picture is drawn in full.
      this.shown = undefined;
      this.lastFullAt = undefined;
      this.lastRefreshAt = at;
      this.log.error({ err: (e as Error).message, kind }, 'panel refresh failed');
      throw e;
    }
    this.shown = picture;
    this.lastRefreshAt = at;
    if (kind === 'partial') {
      this.stats.partial++;
      this.partialsSinceFull++;
    } else {
      this.stats.full++;
      if (daily) this.stats.daily++;
      this.partialsSinceFull = 0;
      this.lastFullAt = at;
      this.armDaily();
    }
    this.history.push({ at, kind, urgent });
    if (this.history.length > 2000) this.history.shift();
  }

  /** The maker asks for a refresh at least once a day: redraw in full when a day passes without one. */
  private armDaily(delayMs = this.opts.maxFullAgeMs): void {
    this.clock.clearTimeout(this.dailyTimer);
    this.dailyTimer = this.clock.setTimeout(() => {
      this.dailyTimer = undefined;
      const picture = this.pending ?? this.shown;
      if (!picture || !this.running) return;
      const wait = (this.lastRefreshAt ?? 0) + this.minIntervalMs - this.clock.now();
      if (wait > 0) return this.armDaily(wait);
      this.pending = undefined;
      this.clock.clearTimeout(this.pendingTimer);
      this.pendingTimer = undefined;
      void this.serial(() => this.refresh(picture, false, true)).catch(() => undefined);
    }, delayMs);
  }
}
