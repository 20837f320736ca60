import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Notify } from '../../shared/api/index.js';

/** A notify message without its own expiry stays this long. */
export const DEFAULT_NOTICE_MS = 60 * 60 * 1000;

export interface Notice {
  message: string;
  from: string;
}

/** The one notice line on the panel: the latest message wins and disappears at its expiry. */
export class NoticeBoard {
  private current: Notice | null = null;
  private until = 0;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly onChange: () => void,
  ) {}

  get notice(): Notice | null {
    return this.current;
  }

  /** Returns false (and changes nothing) when the message has already expired. */
  show(notify: Notify): boolean {
    const now = this.clock.now();
    const until = notify.expiresAt === null ? now + DEFAULT_NOTICE_MS : Date.parse(notify.expiresAt);
    if (!(until > now)) return false;
    // The server sends the notices in force again at each connect: the same one shown already
    // changes nothing, and an e-paper panel is not redrawn for it.
    if (this.current && this.current.message === notify.message && this.current.from === notify.from && this.until === until) return true;
    this.clock.clearTimeout(this.timer);
    this.current = { message: notify.message, from: notify.from };
    this.until = until;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.current = null;
      this.onChange();
    }, until - now);
    this.onChange();
    return true;
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
