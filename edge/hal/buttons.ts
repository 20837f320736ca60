import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { silentLogger } from '../../shared/logger.js';
import type { ActionSource, ButtonAction, ButtonLevel, DigitalInput } from './types.js';

export type Gesture = 'press' | 'hold' | 'double';

export interface ButtonSpec {
  /** Reported as the action's source, e.g. `book`. */
  name: string;
  input: DigitalInput;
  /** Wired to ground with a pull-up: pressed reads 0. Default true. */
  activeLow?: boolean;
  actions: Partial<Record<Gesture, ButtonAction>>;
}

export interface ButtonTiming {
  /** A level must hold this long to count. */
  debounceMs: number;
  /** Held down this long: a hold. */
  holdMs: number;
  /** A second press within this long after the first release: a double press. */
  doubleMs: number;
}

export const DEFAULT_BUTTON_TIMING: Readonly<ButtonTiming> = Object.freeze({ debounceMs: 30, holdMs: 1500, doubleMs: 400 });

type Listener = (action: ButtonAction, source: string) => void;

/** One button's debounce and gesture state. */
class ButtonTracker {
  private pressed = false;
  private raw: boolean;
  private debounce: TimerHandle | undefined;
  private holdTimer: TimerHandle | undefined;
  private clickTimer: TimerHandle | undefined;
  private held = false;

  constructor(
    private readonly spec: ButtonSpec,
    private readonly clock: Clock,
    private readonly timing: ButtonTiming,
    private readonly emit: (gesture: Gesture) => void,
  ) {
    this.raw = this.isDown(spec.input.read());
    this.pressed = this.raw;
  }

  private isDown(level: ButtonLevel): boolean {
    return (this.spec.activeLow ?? true) ? level === 0 : level === 1;
  }

  onLevel(level: ButtonLevel): void {
    this.raw = this.isDown(level);
    // Chatter re-arms the timer: only a level that stays put for debounceMs is taken.
    this.clock.clearTimeout(this.debounce);
    this.debounce = this.clock.setTimeout(() => {
      this.debounce = undefined;
      if (this.raw !== this.pressed) {
        this.pressed = this.raw;
        if (this.pressed) this.down();
        else this.up();
      }
    }, this.timing.debounceMs);
  }

  private down(): void {
    this.held = false;
    if (this.spec.actions.hold) {
      this.holdTimer = this.clock.setTimeout(() => {
        this.holdTimer = undefined;
        this.held = true;
        this.cancelClick();
        this.emit('hold');
      }, this.timing.holdMs);
    }
  }

  private up(): void {
    this.clock.clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    if (this.held) return;
    if (!this.spec.actions.double) return this.emit('press');
    if (this.clickTimer) {
      this.cancelClick();
      return this.emit('double');
    }
    this.clickTimer = this.clock.setTimeout(() => {
      this.clickTimer = undefined;
      this.emit('press');
    }, this.timing.doubleMs);
  }

  private cancelClick(): void {
    this.clock.clearTimeout(this.clickTimer);
    this.clickTimer = undefined;
  }

  stop(): void {
    for (const t of [this.debounce, this.holdTimer, this.clickTimer]) this.clock.clearTimeout(t);
    this.debounce = this.holdTimer = this.clickTimer = undefined;
  }
}

/**
 * Physical buttons as actions: raw input levels are debounced, turned into gestures
 * (press, hold, double press) and each gesture into the action the button maps it to.
 */
export class Buttons implements ActionSource {
  private readonly listeners: Listener[] = [];
  private trackers: ButtonTracker[] = [];
  private readonly timing: ButtonTiming;
  private readonly log: Logger;
  private started = false;

  constructor(
    private readonly specs: readonly ButtonSpec[],
    private readonly clock: Clock,
    opts: { timing?: Partial<ButtonTiming>; logger?: Logger } = {},
  ) {
    this.timing = { ...DEFAULT_BUTTON_TIMING, ...opts.timing };
    this.log = opts.logger ?? silentLogger();
    const names = new Set<string>();
    for (const s of specs) {
      if (names.has(s.name)) throw new Error(`button "${s.name}" is configured twice`);
      names.add(s.name);
      if (Object.keys(s.actions).length === 0) throw new Error(`button "${s.name}" has no action for any gesture`);
    }
    if (this.timing.debounceMs < 0 || this.timing.holdMs <= this.timing.debounceMs || this.timing.doubleMs <= 0) {
      throw new Error(`button timing ${JSON.stringify(this.timing)} is inconsistent: hold must be longer than debounce`);
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.trackers = this.specs.map((spec) => {
      const tracker = new ButtonTracker(spec, this.clock, this.timing, (gesture) => {
        const action = spec.actions[gesture];
        if (!action) return;
        this.log.debug({ button: spec.name, gesture, action }, 'button');
        for (const l of this.listeners) l(action, spec.name);
      });
      spec.input.watch((level) => {
        if (this.started) tracker.onLevel(level);
      });
      return tracker;
    });
  }

  onAction(listener: Listener): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.started = false;
    for (const t of this.trackers) t.stop();
    this.trackers = [];
    for (const s of this.specs) s.input.close();
  }
}
