/**
 * The hardware seen by the agent. Each interface has a real binding (onoff, spi-device,
 * framebuffer) and a fake that enforces the same rules (not opened, busy, out of range), so
 * the agent, the tests and the demo run the same logic.
 */

export type PanelColors = 'bw' | 'bwr' | 'rgb';

export interface PanelInfo {
  /** `epd7in5_V2`, `fb`, `png`, ... */
  model: string;
  width: number;
  height: number;
  colors: PanelColors;
  /** Shortest time between two refreshes the maker allows (e-paper: 180 s), 0 for screens. */
  minRefreshIntervalMs: number;
  supportsPartial: boolean;
}

/** A rendered picture: 8-bit RGB, row-major, no padding. */
export interface Raster {
  width: number;
  height: number;
  data: Buffer;
}

export type RefreshKind = 'full' | 'partial' | 'fast';

export interface Panel {
  readonly info: PanelInfo;
  open(): Promise<void>;
  /** Shows the picture. Rejects when not open, while a refresh is under way, or on a size mismatch. */
  show(picture: Raster, kind: RefreshKind): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export type ButtonLevel = 0 | 1;

/** One digital input; `watch` reports raw level changes (debouncing is the buttons layer's job). */
export interface DigitalInput {
  read(): ButtonLevel;
  watch(listener: (level: ButtonLevel) => void): void;
  close(): void;
}

export interface DigitalOutput {
  write(level: ButtonLevel): void;
  read(): ButtonLevel;
  close(): void;
}

export type LedColor = 'off' | 'green' | 'red' | 'amber';

/** The busy light as the agent sees it, whatever LEDs are fitted. */
export interface StatusLight {
  set(color: LedColor, pattern?: 'steady' | 'blink' | 'fast-blink'): void;
  readonly color: LedColor;
  readonly pattern: 'steady' | 'blink' | 'fast-blink';
  close(): void;
}

export type Action = 'book' | 'extend' | 'end' | 'checkin';

/** What a button gesture can ask for: an action, or booking until the next meeting (a hold of book). */
export type ButtonAction = Action | 'book-until-next';

/** A debounced, gesture-mapped button source. */
export interface ActionSource {
  onAction(listener: (action: ButtonAction, source: string) => void): void;
  close(): void;
}

/**
 * Where the agent sends each new picture. The refresh policy sits behind it and decides
 * whether, when and how (full / partial) the panel is refreshed; `urgent` marks a picture
 * that answers a person's button press, which may beat the panel's minimum interval.
 */
export interface PictureSink {
  submit(picture: Raster, opts: { urgent: boolean }): Promise<void>;
}
