import { writeFile } from 'node:fs/promises';
import { sleep, type Clock } from '../../shared/clock.js';
import type { Panel, PanelInfo, Raster, RefreshKind } from './types.js';

export interface PngPanelOptions {
  info?: Partial<PanelInfo>;
  /** Where each shown picture is written as PNG; none keeps it in memory only. */
  file?: string;
  /** With `refreshMs`, refreshes take this long on this clock, so overlapping shows can be tested. */
  clock?: Clock;
  refreshMs?: Partial<Record<RefreshKind, number>>;
}

export const PNG_PANEL_INFO: PanelInfo = {
  model: 'png',
  width: 800,
  height: 480,
  colors: 'bw',
  minRefreshIntervalMs: 0,
  supportsPartial: true,
};

/**
 * A panel that keeps the last picture (and optionally writes it as a PNG file): the simulator
 * and the tests' panel. It refuses what a real panel refuses: showing before open or after
 * close, a second refresh while one is under way, a picture of the wrong size, and partial
 * refreshes on a panel without them.
 */
export class PngPanel implements Panel {
  readonly info: PanelInfo;
  private readonly file: string | undefined;
  private readonly clock: Clock | undefined;
  private readonly refreshMs: Partial<Record<RefreshKind, number>>;
  private opened = false;
  private refreshing = false;
  private last: Raster | null = null;
  private readonly counts: Record<RefreshKind | 'clear', number> = { full: 0, partial: 0, fast: 0, clear: 0 };
  /** Every refresh in order, by kind (not the pictures: a simulated day would hold hundreds). */
  readonly refreshLog: Array<RefreshKind | 'clear'> = [];

  constructor(opts: PngPanelOptions = {}) {
    this.info = { ...PNG_PANEL_INFO, ...opts.info };
    if (!Number.isInteger(this.info.width) || !Number.isInteger(this.info.height) || this.info.width <= 0 || this.info.height <= 0) {
      throw new RangeError(`png panel: size ${this.info.width}x${this.info.height} must be positive whole numbers`);
    }
    this.file = opts.file;
    this.clock = opts.clock;
    this.refreshMs = opts.refreshMs ?? {};
    if (Object.values(this.refreshMs).some((ms) => ms > 0) && !this.clock) throw new Error('png panel: refreshMs needs a clock');
  }

  /** The picture on the panel, or null before the first show (and after clear). */
  get picture(): Raster | null {
    return this.last;
  }

  /** How many refreshes of each kind were shown, and how many clears. */
  get refreshCounts(): Readonly<Record<RefreshKind | 'clear', number>> {
    return { ...this.counts };
  }

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (this.opened) throw new Error(`${this.info.model} panel: already open`);
    this.opened = true;
  }

  async show(picture: Raster, kind: RefreshKind): Promise<void> {
    this.assertReady('show');
    if (picture.width !== this.info.width || picture.height !== this.info.height) {
      throw new RangeError(`${this.info.model} panel: picture is ${picture.width}x${picture.height}, the panel is ${this.info.width}x${this.info.height}`);
    }
    if (picture.data.length !== picture.width * picture.height * 3) {
      throw new RangeError(`${this.info.model} panel: picture data is ${picture.data.length} bytes, expected ${picture.width * picture.height * 3} (8-bit RGB)`);
    }
    if (kind !== 'full' && !this.info.supportsPartial) throw new Error(`${this.info.model} panel: no ${kind} refresh on this model`);
    this.refreshing = true;
    try {
      const copy: Raster = { width: picture.width, height: picture.height, data: Buffer.from(picture.data) };
      await this.wait(kind);
      if (this.file !== undefined) {
        const { toPng } = await import('../render/renderer.js');
        await writeFile(this.file, await toPng(copy));
      }
      this.last = copy;
      this.counts[kind]++;
      this.refreshLog.push(kind);
    } finally {
      this.refreshing = false;
    }
  }

  async clear(): Promise<void> {
    this.assertReady('clear');
    this.refreshing = true;
    try {
      await this.wait('full');
      this.last = null;
      this.counts.clear++;
      this.refreshLog.push('clear');
    } finally {
      this.refreshing = false;
    }
  }

  async close(): Promise<void> {
    if (this.refreshing) throw new Error(`${this.info.model} panel: cannot close during a refresh`);
    this.opened = false;
  }

  private assertReady(op: string): void {
    if (!this.opened) throw new Error(`${this.info.model} panel: ${op} before open`);
    if (this.refreshing) throw new Error(`${this.info.model} panel: ${op} while a refresh is under way`);
  }

  private async wait(kind: RefreshKind): Promise<void> {
    const ms = this.refreshMs[kind] ?? 0;
    if (ms > 0 && this.clock) await sleep(this.clock, ms);
  }
}
