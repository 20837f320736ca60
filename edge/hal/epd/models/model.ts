import type { ButtonLevel, PanelColors } from '../../types.js';

/**
 * One e-paper model as a table: its size, how BUSY reads, and each sequence the maker's
 * driver sends, as steps. The steps were read from the maker's traces
 * (`../shared/golden/epd/`), which are the authority for every byte.
 */
export type EpdStep =
  /** A command byte, then its data bytes (if any). */
  | { kind: 'cmd'; cmd: number; data: readonly number[] }
  | { kind: 'delay'; ms: number }
  /** Wait until BUSY reads idle (with the model's poll command and settle delay). */
  | { kind: 'busy' }
  /** The model's hardware reset pulse sequence on RST. */
  | { kind: 'reset' }
  /** One level on RST (a short reset pulse inside a sequence). */
  | { kind: 'rst'; level: ButtonLevel }
  /** Opens the hardware layer again while it is open, as the maker's partial init does. */
  | { kind: 'reopen' }
  /** Closes the hardware layer (SPI closed, RST, DC, PWR low). */
  | { kind: 'close' }
  /** A whole frame plane as data. `frame`: the picture being shown or the one on screen. */
  | { kind: 'plane'; frame: 'new' | 'old'; plane: 'black' | 'red'; one: 'ink' | 'paper' }
  /** `bytes` copies of one byte as data. */
  | { kind: 'fill'; value: number; bytes: number };

export interface EpdModel {
  name: string;
  width: number;
  height: number;
  colors: Extract<PanelColors, 'bw' | 'bwr'>;
  /** The BUSY level that means "busy". */
  busyLevel: ButtonLevel;
  /** Sent before each read of BUSY (UC81xx controllers refresh their status flag with it). */
  pollCommand?: number;
  /** Delay after BUSY reads idle. */
  busySettleMs: number;
  /** How long one wait may last before the panel is declared absent. */
  busyTimeoutMs: number;
  /** RST levels and how long each is held. */
  reset: readonly (readonly [ButtonLevel, number])[];
  init: readonly EpdStep[];
  display: readonly EpdStep[];
  /** Writes the picture into both RAMs, as the base of later partial refreshes. */
  displayBase?: readonly EpdStep[];
  clear: readonly EpdStep[];
  /** Deep sleep; ends by closing the hardware layer. */
  sleep: readonly EpdStep[];
  fast?: { init: readonly EpdStep[]; display: readonly EpdStep[] };
  partial?: {
    /** Sent before a partial refresh (the maker's `init_part`), if the model has one. */
    init?: readonly EpdStep[];
    display: readonly EpdStep[];
    /** The partial sequence does not wake the panel itself: run `init` first after sleep. */
    wakeWithInit: boolean;
  };
}

function hex(s: string): number[] {
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw new Error(`bad hex in model table: ${s}`);
  return Buffer.from(s, 'hex').toJSON().data;
}

/** Table helpers, so each model file reads like the trace it was taken from. */
export const cmd = (c: number, data = ''): EpdStep => ({ kind: 'cmd', cmd: c, data: hex(data) });
export const delay = (ms: number): EpdStep => ({ kind: 'delay', ms });
export const busy: EpdStep = { kind: 'busy' };
export const reset: EpdStep = { kind: 'reset' };
export const rst = (level: ButtonLevel): EpdStep => ({ kind: 'rst', level });
export const reopen: EpdStep = { kind: 'reopen' };
export const close: EpdStep = { kind: 'close' };
export const fill = (value: number, bytes: number): EpdStep => ({ kind: 'fill', value, bytes });
export const plane = (frame: 'new' | 'old', p: 'black' | 'red', one: 'ink' | 'paper'): EpdStep => ({ kind: 'plane', frame, plane: p, one });
