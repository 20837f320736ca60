import { SystemClock, sleep, type Clock } from '../../../shared/clock.js';
import type { ButtonLevel, DigitalInput, DigitalOutput } from '../types.js';
import type { GpioPort } from '../gpio/port.js';
import { WAVESHARE_HAT_PINS, SPI_MAX_TRANSFER, describePins, type EpdBinding, type EpdPins } from './binding.js';

import type * as SpiDeviceModule from 'spi-device';

type SpiModule = typeof SpiDeviceModule;
type SpiDevice = ReturnType<SpiModule['openSync']>;

export interface SpiEpdBindingOptions {
  gpio: GpioPort;
  pins?: EpdPins;
  /** `/dev/spidev<bus>.<device>`; the HAT sits on 0.0 (CE0). */
  spiBus?: number;
  spiDevice?: number;
  speedHz?: number;
  clock?: Clock;
}

/**
 * The real panel: spidev through spi-device (the only file that imports it) at 4 MHz,
 * mode 0, and the control lines through the GPIO layer.
 */
export class SpiEpdBinding implements EpdBinding {
  private spi: SpiDevice | undefined;
  private lines: { rst: DigitalOutput; dc: DigitalOutput; pwr: DigitalOutput; busy: DigitalInput } | undefined;
  private readonly pins: EpdPins;
  private readonly clock: Clock;

  constructor(private readonly opts: SpiEpdBindingOptions) {
    this.pins = opts.pins ?? WAVESHARE_HAT_PINS;
    this.clock = opts.clock ?? new SystemClock();
  }

  private get devicePath(): string {
    return `/dev/spidev${this.opts.spiBus ?? 0}.${this.opts.spiDevice ?? 0}`;
  }

  async open(): Promise<void> {
    if (!this.lines) {
      const { gpio } = this.opts;
      const { rst, dc, pwr, busy } = this.pins;
      this.lines = { rst: gpio.output(rst, 0), dc: gpio.output(dc, 0), pwr: gpio.output(pwr, 0), busy: gpio.input(busy) };
    }
    this.lines.pwr.write(1);
    if (this.spi) return;
    try {
      this.spi = await this.openSpi();
    } catch (e) {
      // Leave nothing powered or exported behind a panel that cannot be reached.
      await this.close();
      throw e;
    }
  }

  private async openSpi(): Promise<SpiDevice> {
    const spiDevice = (await import('spi-device')).default;
    return new Promise<SpiDevice>((resolve, reject) => {
      const dev = spiDevice.open(this.opts.spiBus ?? 0, this.opts.spiDevice ?? 0, { mode: 0, maxSpeedHz: this.speed }, (err) => {
        if (err) reject(new Error(`cannot open ${this.devicePath}: ${err.message}; is SPI enabled (dtparam=spi=on) and the process in the spi group?`, { cause: err }));
        else resolve(dev);
      });
    });
  }

  writePin(pin: number, level: ButtonLevel): void {
    const lines = this.mustBeOpen();
    const out = pin === this.pins.rst ? lines.rst : pin === this.pins.dc ? lines.dc : pin === this.pins.pwr ? lines.pwr : undefined;
    if (!out) throw new Error(`pin ${pin} is not an output of the panel (${describePins(this.pins)})`);
    out.write(level);
  }

  readBusy(): ButtonLevel {
    return this.mustBeOpen().busy.read();
  }

  async spiWrite(bytes: Buffer): Promise<void> {
    this.mustBeOpen();
    const spi = this.spi;
    if (!spi) throw new Error(`${this.devicePath} is not open`);
    if (bytes.length > SPI_MAX_TRANSFER) throw new RangeError(`SPI transfer of ${bytes.length} bytes exceeds ${SPI_MAX_TRANSFER}`);
    await new Promise<void>((resolve, reject) => {
      spi.transfer([{ sendBuffer: bytes, byteLength: bytes.length, speedHz: this.speed }], (err) => (err ? reject(new Error(`SPI write to ${this.devicePath} failed: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  delay(ms: number): Promise<void> {
    return sleep(this.clock, ms);
  }

  async close(): Promise<void> {
    const spi = this.spi;
    this.spi = undefined;
    if (spi) await new Promise<void>((resolve) => spi.close(() => resolve()));
    const lines = this.lines;
    this.lines = undefined;
    if (!lines) return;
    for (const out of [lines.rst, lines.dc, lines.pwr]) out.write(0);
    for (const line of [lines.rst, lines.dc, lines.pwr, lines.busy]) line.close();
  }

  private get speed(): number {
    return this.opts.speedHz ?? 4_000_000;
  }

  private mustBeOpen(): NonNullable<SpiEpdBinding['lines']> {
    if (!this.lines) throw new Error(`the panel on ${this.devicePath} is not open`);
    return this.lines;
  }
}
