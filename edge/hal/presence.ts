import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { ButtonLevel, DigitalInput } from './types.js';

export interface PresenceOptions {
  /** PIR modules drive their output high on motion; a contact wired to ground reads low. Default true. */
  activeHigh?: boolean;
  /** A level must hold this long to count: a glitch on a long wire is not a person. Default 500 ms. */
  debounceMs?: number;
  /** Someone is present until this long after the last motion (a PIR pulses, people sit still). Default 5 min. */
  holdMs?: number;
}

/**
 * A presence input (a PIR, or any GPIO contact) on the injected clock: debounced, and held
 * "present" for a while after the last motion. Knows nothing of rooms or meetings.
 */
export class PresenceSensor {
  private readonly activeHigh: boolean;
  private readonly debounceMs: number;
  private readonly holdMs: number;
  private debounce: TimerHandle | null = null;
  private hold: TimerHandle | null = null;
  private isPresent = false;
  private lastMotion: number | null = null;
  private readonly listeners: Array<(present: boolean, at: number) => void> = [];
  private running = false;

  constructor(
    private readonly input: DigitalInput,
    private readonly clock: Clock,
    opts: PresenceOptions = {},
  ) {
    this.activeHigh = opts.activeHigh ?? true;
    this.debounceMs = opts.debounceMs ?? 500;
    this.holdMs = opts.holdMs ?? 5 * 60_000;
    if (!(this.debounceMs >= 0) || !(this.holdMs > 0)) throw new RangeError('presence: debounceMs must be >= 0 and holdMs > 0');
  }

  onChange(listener: (present: boolean, at: number) => void): void {
    this.listeners.push(listener);
  }

  get present(): boolean {
    return this.isPresent;
  }

  /** The last debounced motion (epoch ms), or null. */
  get lastMotionAt(): number | null {
    return this.lastMotion;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.input.watch((level) => this.level(level));
    if (this.active(this.input.read())) this.level(this.input.read());
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.debounce);
    this.clock.clearTimeout(this.hold);
    this.debounce = null;
    this.hold = null;
  }

  private active(level: ButtonLevel): boolean {
    return this.activeHigh ? level === 1 : level === 0;
  }

  private level(level: ButtonLevel): void {
    if (!this.running) return;
    this.clock.clearTimeout(this.debounce);
    this.debounce = null;
    if (!this.active(level)) return;
    this.debounce = this.clock.setTimeout(() => {
      this.debounce = null;
      if (this.running && this.active(this.input.read())) this.motion();
    }, this.debounceMs);
  }

  private motion(): void {
    const now = this.clock.now();
    this.lastMotion = now;
    this.clock.clearTimeout(this.hold);
    this.hold = this.clock.setTimeout(() => this.absentAfterHold(), this.holdMs);
    if (!this.isPresent) this.set(true, now);
  }

  private absentAfterHold(): void {
    this.hold = null;
    // Still held active (a contact, a PIR that keeps seeing motion): renew instead of leaving.
    if (this.active(this.input.read())) return this.motion();
    this.set(false, this.clock.now());
  }

  private set(present: boolean, at: number): void {
    this.isPresent = present;
    for (const l of this.listeners) l(present, at);
  }
}
