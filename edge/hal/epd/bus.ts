import type { ButtonLevel } from '../types.js';
import { SPI_MAX_TRANSFER, describePins, type EpdBinding, type EpdPins } from './binding.js';

export interface BusyWait {
  busyLevel: ButtonLevel;
  pollCommand?: number;
  settleMs: number;
  timeoutMs: number;
}

/** Time between two reads of BUSY while the panel works. */
export const BUSY_POLL_INTERVAL_MS = 10;

/** The panel never answered: it is absent, unpowered or wired to other pins. */
export class EpdBusyTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EpdBusyTimeoutError';
  }
}

/**
 * Commands, data and waiting on top of a binding: DC low for a command byte, DC high for
 * data, frames split into transfers spidev accepts, and waits that always end.
 */
export class EpdBus {
  private opened = false;

  constructor(
    private readonly binding: EpdBinding,
    private readonly pins: EpdPins,
    private readonly panelName: string,
  ) {}

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    await this.binding.open();
    this.opened = true;
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.binding.close();
  }

  async reset(steps: readonly (readonly [ButtonLevel, number])[]): Promise<void> {
    this.mustBeOpen('reset');
    for (const [level, ms] of steps) {
      this.binding.writePin(this.pins.rst, level);
      await this.binding.delay(ms);
    }
  }

  setRst(level: ButtonLevel): void {
    this.mustBeOpen('reset');
    this.binding.writePin(this.pins.rst, level);
  }

  async command(byte: number): Promise<void> {
    this.mustBeOpen('command');
    checkByte(byte);
    this.binding.writePin(this.pins.dc, 0);
    await this.binding.spiWrite(Buffer.of(byte));
  }

  async data(bytes: Buffer | readonly number[]): Promise<void> {
    this.mustBeOpen('data');
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.map(checkByte));
    if (buf.length === 0) return;
    this.binding.writePin(this.pins.dc, 1);
    for (let at = 0; at < buf.length; at += SPI_MAX_TRANSFER) {
      await this.binding.spiWrite(buf.subarray(at, Math.min(buf.length, at + SPI_MAX_TRANSFER)));
    }
  }

  delay(ms: number): Promise<void> {
    return this.binding.delay(ms);
  }

  /** Waits until BUSY leaves `busyLevel`; the time counted is the time spent waiting between polls. */
  async waitIdle(wait: BusyWait): Promise<void> {
    this.mustBeOpen('waitIdle');
    let waited = 0;
    for (;;) {
      if (wait.pollCommand !== undefined) await this.command(wait.pollCommand);
      if (this.binding.readBusy() !== wait.busyLevel) break;
      if (waited >= wait.timeoutMs) {
        const level = wait.busyLevel === 0 ? 'low' : 'high';
        throw new EpdBusyTimeoutError(
          `panel ${this.panelName}: BUSY stayed ${level} for ${formatSeconds(wait.timeoutMs)}; is the panel connected? ${describePins(this.pins)}`,
        );
      }
      await this.binding.delay(BUSY_POLL_INTERVAL_MS);
      waited += BUSY_POLL_INTERVAL_MS;
    }
    if (wait.settleMs > 0) await this.binding.delay(wait.settleMs);
  }

  private mustBeOpen(what: string): void {
    if (!this.opened) throw new Error(`panel ${this.panelName}: ${what} while the hardware layer is closed`);
  }
}

function checkByte(b: number): number {
  if (!Number.isInteger(b) || b < 0 || b > 255) throw new RangeError(`${b} is not a byte`);
  return b;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
