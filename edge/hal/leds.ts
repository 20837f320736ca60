import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { ButtonLevel, DigitalOutput, LedColor, StatusLight } from './types.js';

type Pattern = 'steady' | 'blink' | 'fast-blink';

/** On and off time of each blink pattern, in ms. */
export const BLINK_MS: Readonly<Record<Exclude<Pattern, 'steady'>, number>> = Object.freeze({ blink: 500, 'fast-blink': 125 });

export interface LedOptions {
  red?: DigitalOutput;
  green?: DigitalOutput;
  /** The LED lights when its pin is low (wired to 3.3 V). */
  activeLow?: boolean;
}

/**
 * The busy light over whatever LEDs are fitted. A red+green pair mixes amber. With one
 * LED it lights for the state that LED stands for: red alone means "taken" (busy or
 * booked), green alone means "free".
 */
export class LedStatusLight implements StatusLight {
  private current: LedColor = 'off';
  private currentPattern: Pattern = 'steady';
  private timer: TimerHandle | undefined;
  private lit = true;
  private closed = false;

  constructor(
    private readonly opts: LedOptions,
    private readonly clock: Clock,
  ) {
    if (!opts.red && !opts.green) throw new Error('a status light needs a red or a green LED pin');
  }

  get color(): LedColor {
    return this.current;
  }

  get pattern(): Pattern {
    return this.currentPattern;
  }

  set(color: LedColor, pattern: Pattern = 'steady'): void {
    if (this.closed) throw new Error('the status light is closed');
    if (color === this.current && pattern === this.currentPattern) return;
    this.current = color;
    this.currentPattern = pattern;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.lit = true;
    this.apply();
    if (pattern !== 'steady' && color !== 'off') this.tick(BLINK_MS[pattern]);
  }

  close(): void {
    if (this.closed) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.lit = false;
    this.apply();
    this.closed = true;
    this.opts.red?.close();
    this.opts.green?.close();
  }

  private tick(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.lit = !this.lit;
      this.apply();
      this.tick(ms);
    }, ms);
  }

  /** Which LEDs the colour lights. */
  private wanted(): { red: boolean; green: boolean } {
    const c = this.current;
    const { red, green } = this.opts;
    if (red && green) return { red: c === 'red' || c === 'amber', green: c === 'green' || c === 'amber' };
    if (red) return { red: c === 'red' || c === 'amber', green: false };
    return { red: false, green: c === 'green' };
  }

  private apply(): void {
    const want = this.wanted();
    const level = (on: boolean): ButtonLevel => ((on && this.lit) !== (this.opts.activeLow ?? false) ? 1 : 0);
    this.opts.red?.write(level(want.red));
    this.opts.green?.write(level(want.green));
  }
}
