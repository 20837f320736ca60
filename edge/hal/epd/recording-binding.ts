import type { ButtonLevel } from '../types.js';
import { SPI_MAX_TRANSFER, WAVESHARE_HAT_PINS, type EpdBinding, type EpdPins } from './binding.js';

export interface FakeEpdBindingOptions {
  pins?: EpdPins;
  /** The BUSY level meaning idle for the model under test. */
  idleLevel: ButtonLevel;
  /**
   * What BUSY reads on the n-th read (0-based, counted over the binding's life); the default
   * answers idle at once. A panel that is not connected: `() => busy level` forever.
   */
  busyAnswer?: (read: number) => ButtonLevel;
}

/**
 * A binding with no hardware behind it that keeps the real one's rules (nothing before
 * `open`, nothing after `close`, no SPI transfer beyond spidev's limit, pins are bits) and
 * records every event as a line of the golden trace format:
 * `I`, `X`, `C xx`, `D hex` (consecutive data merged), `P pin level`, `W ms`, `B`.
 */
export class FakeEpdBinding implements EpdBinding {
  readonly pins: EpdPins;
  private readonly lines: string[] = [];
  private opened = false;
  private dc: ButtonLevel | undefined;
  private busyReads = 0;
  private dataOpen = false;
  private readonly idleLevel: ButtonLevel;
  private readonly busyAnswer: (read: number) => ButtonLevel;
  /** Total of all delays asked for, in ms. */
  delayedMs = 0;

  constructor(opts: FakeEpdBindingOptions) {
    this.pins = opts.pins ?? WAVESHARE_HAT_PINS;
    this.idleLevel = opts.idleLevel;
    this.busyAnswer = opts.busyAnswer ?? (() => this.idleLevel);
  }

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    this.opened = true;
    this.push('I');
  }

  writePin(pin: number, level: ButtonLevel): void {
    this.mustBeOpen(`write pin ${pin}`);
    if (level !== 0 && level !== 1) throw new RangeError(`pin level must be 0 or 1, got ${String(level)}`);
    if (pin === this.pins.dc) {
      this.dc = level;
      return;
    }
    if (pin !== this.pins.rst && pin !== this.pins.pwr) throw new Error(`pin ${pin} is not an output of this panel`);
    this.push(`P ${pin} ${level}`);
  }

  readBusy(): ButtonLevel {
    this.mustBeOpen('read BUSY');
    this.push('B');
    return this.busyAnswer(this.busyReads++);
  }

  async spiWrite(bytes: Buffer): Promise<void> {
    this.mustBeOpen('SPI write');
    if (bytes.length === 0) throw new RangeError('empty SPI transfer');
    if (bytes.length > SPI_MAX_TRANSFER) throw new RangeError(`SPI transfer of ${bytes.length} bytes exceeds spidev's ${SPI_MAX_TRANSFER}`);
    if (this.dc === undefined) throw new Error('SPI write before DC was set');
    if (this.dc === 0) {
      for (const b of bytes) this.push(`C ${hex(b)}`);
      return;
    }
    const text = bytes.toString('hex');
    if (this.dataOpen) this.lines[this.lines.length - 1] += text;
    else {
      this.lines.push(`D ${text}`);
      this.dataOpen = true;
    }
  }

  async delay(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`bad delay ${ms}`);
    this.delayedMs += ms;
    this.push(`W ${ms}`);
  }

  async close(): Promise<void> {
    this.mustBeOpen('close');
    this.opened = false;
    this.dc = undefined;
    this.push('X');
  }

  /** The events so far, one a line, in the golden format (ending with a newline). */
  trace(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  traceLines(): readonly string[] {
    return this.lines;
  }

  private push(line: string): void {
    this.lines.push(line);
    this.dataOpen = false;
  }

  private mustBeOpen(what: string): void {
    if (!this.opened) throw new Error(`${what} while the e-paper binding is not open`);
  }
}

/** A fake binding that answers idle at once: what the golden traces were recorded with. */
export class RecordingEpdBinding extends FakeEpdBinding {
  constructor(idleLevel: ButtonLevel, pins?: EpdPins) {
    super(pins ? { idleLevel, pins } : { idleLevel });
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
