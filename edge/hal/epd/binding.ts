import type { ButtonLevel } from '../types.js';

/** BCM numbers of the panel's control lines; CS is driven by the kernel (CE0). */
export interface EpdPins {
  rst: number;
  dc: number;
  busy: number;
  pwr: number;
}

/** The Waveshare HAT wiring. */
export const WAVESHARE_HAT_PINS: Readonly<EpdPins> = Object.freeze({ rst: 17, dc: 25, busy: 24, pwr: 18 });

/** The largest SPI transfer spidev takes with its default `bufsiz`. */
export const SPI_MAX_TRANSFER = 4096;

/**
 * The lowest layer of an e-paper panel: pins, SPI and waiting. `open` switches the panel's
 * power on and opens SPI (calling it again while open is allowed and harmless); `close`
 * closes SPI and drives RST, DC and PWR low.
 */
export interface EpdBinding {
  open(): Promise<void>;
  writePin(pin: number, level: ButtonLevel): void;
  readBusy(): ButtonLevel;
  /** One SPI transfer of at most SPI_MAX_TRANSFER bytes. */
  spiWrite(bytes: Buffer): Promise<void>;
  delay(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function describePins(pins: EpdPins): string {
  return `pins RST ${pins.rst} DC ${pins.dc} BUSY ${pins.busy} PWR ${pins.pwr}`;
}
