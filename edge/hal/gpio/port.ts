import type { ButtonLevel, DigitalInput, DigitalOutput } from '../types.js';

/** Pins by BCM number; the port maps them to whatever numbers the kernel uses. */
export interface GpioPort {
  input(bcm: number): DigitalInput;
  output(bcm: number, initial?: ButtonLevel): DigitalOutput;
  /** Releases every pin this port exported. */
  close(): void;
}
