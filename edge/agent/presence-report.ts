import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { PresenceSensor } from '../hal/presence.js';

/** A change must hold this long before it is reported: a walk past the door is not a change of the room. */
export const PRESENCE_SETTLE_MS = 5_000;

/**
 * Tells the server what the presence input says, so it can release meetings nobody attends and
 * count presence minutes. Debounced on the injected clock (on top of the sensor's own debounce
 * and hold): a change is sent once it held `settleMs`, and one that reverts within it is not
 * sent at all. Sent again at every connection (the server may have restarted, or the display
 * was offline when it changed); the message is retained, so the server reads it at its start.
 */
export class PresenceReport {
  private timer: TimerHandle | null = null;
  private lastSent: boolean | null = null;
  /** When the input last changed (0 before any change: then the time of sending). */
  private since = 0;
  private closed = false;

  constructor(
    private readonly sensor: Pick<PresenceSensor, 'present' | 'onChange'>,
    private readonly clock: Clock,
    private readonly send: (present: boolean, since: number) => Promise<void>,
    private readonly log: Logger,
    private readonly settleMs = PRESENCE_SETTLE_MS,
  ) {
    sensor.onChange(() => this.changed());
  }

  /** The broker connection is (again) up: say what the input says now. */
  connected(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.lastSent = null;
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(): void {
    if (this.closed) return;
    this.since = this.clock.now();
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.settleMs);
  }

  private flush(): void {
    if (this.closed) return;
    const present = this.sensor.present;
    if (present === this.lastSent) return;
    const previous = this.lastSent;
    this.lastSent = present;
    this.send(present, this.since || this.clock.now()).catch((e: unknown) => {
      // Not connected: the next connection sends it.
      if (this.lastSent === present) this.lastSent = previous;
      this.log.debug({ err: (e as Error).message }, 'presence not reported; it is sent at the next connection');
    });
  }
}
