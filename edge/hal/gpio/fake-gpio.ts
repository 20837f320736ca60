import type { Clock } from '../../../shared/clock.js';
import type { ButtonLevel, DigitalInput, DigitalOutput } from '../types.js';
import type { GpioPort } from './port.js';

interface FakePin {
  dir: 'in' | 'out';
  level: ButtonLevel;
  listeners: ((level: ButtonLevel) => void)[];
  history: { at: number; level: ButtonLevel }[];
}

/**
 * GPIO without hardware that keeps the rules of the real thing: a pin is exported once,
 * used only while exported, inputs are not written, outputs do not take outside levels, and
 * pins outside the chip do not exist. Tests move input levels with `inject`.
 */
export class FakeGpio implements GpioPort {
  private readonly pins = new Map<number, FakePin>();

  constructor(private readonly opts: { ngpio?: number; clock?: Clock } = {}) {}

  input(bcm: number): DigitalInput {
    const pin = this.export(bcm, 'in', 1);
    const live = (): FakePin => this.live(bcm, pin);
    return {
      read: () => live().level,
      watch: (listener) => {
        live().listeners.push(listener);
      },
      close: () => this.unexport(bcm, pin),
    };
  }

  output(bcm: number, initial: ButtonLevel = 0): DigitalOutput {
    const pin = this.export(bcm, 'out', initial);
    return {
      write: (level) => {
        const p = this.live(bcm, pin);
        checkLevel(level);
        p.level = level;
        p.history.push({ at: this.opts.clock?.now() ?? 0, level });
      },
      read: () => this.live(bcm, pin).level,
      close: () => this.unexport(bcm, pin),
    };
  }

  close(): void {
    this.pins.clear();
  }

  /** Sets an input's level from outside (a button, a BUSY line); watchers hear changes. */
  inject(bcm: number, level: ButtonLevel): void {
    const pin = this.pins.get(bcm);
    if (!pin) throw new Error(`GPIO ${bcm} is not exported`);
    if (pin.dir !== 'in') throw new Error(`GPIO ${bcm} is an output; only inputs take outside levels`);
    checkLevel(level);
    if (pin.level === level) return;
    pin.level = level;
    for (const l of pin.listeners) l(level);
  }

  /** An output's level, for assertions. */
  levelOf(bcm: number): ButtonLevel {
    const pin = this.pins.get(bcm);
    if (!pin) throw new Error(`GPIO ${bcm} is not exported`);
    return pin.level;
  }

  /** Every write to an output, with the clock's time. */
  historyOf(bcm: number): readonly { at: number; level: ButtonLevel }[] {
    const pin = this.pins.get(bcm);
    if (!pin) throw new Error(`GPIO ${bcm} is not exported`);
    return pin.history;
  }

  isExported(bcm: number): boolean {
    return this.pins.has(bcm);
  }

  private export(bcm: number, dir: 'in' | 'out', level: ButtonLevel): FakePin {
    const ngpio = this.opts.ngpio ?? 54;
    if (!Number.isInteger(bcm) || bcm < 0 || bcm >= ngpio) throw new RangeError(`GPIO ${bcm} is outside the chip's ${ngpio} lines`);
    if (this.pins.has(bcm)) throw new Error(`GPIO ${bcm} is already exported`);
    checkLevel(level);
    const pin: FakePin = { dir, level, listeners: [], history: [] };
    this.pins.set(bcm, pin);
    return pin;
  }

  private live(bcm: number, pin: FakePin): FakePin {
    if (this.pins.get(bcm) !== pin) throw new Error(`GPIO ${bcm} is not exported (closed)`);
    return pin;
  }

  private unexport(bcm: number, pin: FakePin): void {
    this.live(bcm, pin);
    this.pins.delete(bcm);
  }
}

function checkLevel(level: ButtonLevel): void {
  if (level !== 0 && level !== 1) throw new RangeError(`a pin level is 0 or 1, got ${String(level)}`);
}
