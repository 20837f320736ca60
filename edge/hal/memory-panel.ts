import type { Panel, PanelInfo, Raster, RefreshKind } from './types.js';

/**
 * A panel that keeps its picture in memory and lists every refresh; it refuses what a real
 * panel refuses (not open, a refresh under way, a wrong size). For simulations and tests.
 */
export class MemoryPanel implements Panel {
  readonly info: PanelInfo;
  readonly refreshes: { kind: RefreshKind | 'clear'; picture: Raster }[] = [];
  private opened = false;
  private working = false;

  constructor(info: PanelInfo) {
    this.info = Object.freeze({ ...info });
  }

  get picture(): Raster | undefined {
    return this.refreshes.at(-1)?.picture;
  }

  async open(): Promise<void> {
    if (this.opened) throw new Error(`panel ${this.info.model} is already open`);
    this.opened = true;
  }

  async show(picture: Raster, kind: RefreshKind): Promise<void> {
    this.ready();
    if (picture.width !== this.info.width || picture.height !== this.info.height) {
      throw new RangeError(`panel ${this.info.model} is ${this.info.width}x${this.info.height}, the picture is ${picture.width}x${picture.height}`);
    }
    if (kind === 'partial' && !this.info.supportsPartial) throw new Error(`panel ${this.info.model} has no partial refresh`);
    this.working = true;
    try {
      await Promise.resolve();
      this.refreshes.push({ kind, picture });
    } finally {
      this.working = false;
    }
  }

  async clear(): Promise<void> {
    this.ready();
    const { width, height } = this.info;
    this.refreshes.push({ kind: 'clear', picture: { width, height, data: Buffer.alloc(width * height * 3, 0xff) } });
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  private ready(): void {
    if (!this.opened) throw new Error(`panel ${this.info.model} is not open`);
    if (this.working) throw new Error(`panel ${this.info.model} is refreshing`);
  }
}
