import type { Logger } from '../../../shared/logger.js';
import { silentLogger } from '../../../shared/logger.js';
import type { ButtonLevel, DigitalInput, DigitalOutput } from '../types.js';
import { findSocGpioChip, sysfsNumber, type GpioChipInfo } from './chip-lookup.js';
import type { GpioPort } from './port.js';

import type * as Onoff from 'onoff';

type OnoffModule = typeof Onoff;
type OnoffGpio = InstanceType<OnoffModule['Gpio']>;

/**
 * Sysfs GPIO through onoff, the only file that imports it. BCM numbers are mapped to sysfs
 * numbers through the SoC chip's base, found by label (512 or 571 on kernel 6.6, 0 before).
 */
export class OnoffGpioPort implements GpioPort {
  private readonly exported = new Set<OnoffGpio>();

  private constructor(
    private readonly onoff: OnoffModule,
    readonly chip: GpioChipInfo,
    private readonly log: Logger,
  ) {}

  static async open(opts: { root?: string; logger?: Logger } = {}): Promise<OnoffGpioPort> {
    const chip = findSocGpioChip(opts.root ?? '/');
    const onoff = await import('onoff');
    return new OnoffGpioPort(onoff, chip, opts.logger ?? silentLogger());
  }

  input(bcm: number): DigitalInput {
    const gpio = this.export(bcm, () => new this.onoff.Gpio(sysfsNumber(this.chip, bcm), 'in', 'both'));
    return {
      read: () => gpio.readSync(),
      watch: (listener) =>
        gpio.watch((err, value) => {
          if (err) this.log.warn({ bcm, err: err.message }, 'GPIO watch failed');
          else listener(value as ButtonLevel);
        }),
      close: () => this.release(gpio),
    };
  }

  output(bcm: number, initial: ButtonLevel = 0): DigitalOutput {
    const gpio = this.export(bcm, () => new this.onoff.Gpio(sysfsNumber(this.chip, bcm), initial === 1 ? 'high' : 'low'));
    return {
      write: (level) => gpio.writeSync(level),
      read: () => gpio.readSync(),
      close: () => this.release(gpio),
    };
  }

  close(): void {
    for (const g of [...this.exported]) this.release(g);
  }

  private export(bcm: number, make: () => OnoffGpio): OnoffGpio {
    try {
      const gpio = make();
      this.exported.add(gpio);
      return gpio;
    } catch (e) {
      throw new Error(`cannot export BCM ${bcm} (${this.chip.label}, base ${this.chip.base}): ${(e as Error).message}; is the process in the gpio group?`, { cause: e });
    }
  }

  private release(gpio: OnoffGpio): void {
    if (!this.exported.delete(gpio)) return;
    gpio.unwatchAll();
    gpio.unexport();
  }
}
