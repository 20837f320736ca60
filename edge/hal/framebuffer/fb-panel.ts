import { open, type FileHandle } from 'node:fs/promises';
import { toRgb565, toXrgb8888 } from '../../render/pack.js';
import type { Panel, PanelInfo, Raster, RefreshKind } from '../types.js';
import type { FbGeometry } from './fb-info.js';

/**
 * An HDMI screen through the Linux framebuffer: each picture is converted to the screen's
 * pixel format and written row by row at the screen's stride.
 */
export class FramebufferPanel implements Panel {
  readonly info: PanelInfo;
  private handle: FileHandle | undefined;
  private working = false;

  constructor(
    private readonly geometry: FbGeometry,
    private readonly devicePath = `/dev/${geometry.name}`,
  ) {
    this.info = Object.freeze({
      model: 'fb',
      width: geometry.width,
      height: geometry.height,
      colors: 'rgb',
      minRefreshIntervalMs: 0,
      supportsPartial: false,
    });
  }

  async open(): Promise<void> {
    if (this.handle) throw new Error(`${this.devicePath} is already open`);
    try {
      this.handle = await open(this.devicePath, 'r+');
    } catch (e) {
      throw new Error(`cannot open ${this.devicePath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; is the process in the video group?`, { cause: e });
    }
  }

  async show(picture: Raster, _kind: RefreshKind): Promise<void> {
    const { width, height } = this.geometry;
    if (picture.width !== width || picture.height !== height) {
      throw new RangeError(`framebuffer ${this.geometry.name} is ${width}x${height}, the picture is ${picture.width}x${picture.height}`);
    }
    await this.write(this.frame(picture));
  }

  async clear(): Promise<void> {
    const { width, height } = this.geometry;
    await this.write(this.frame({ width, height, data: Buffer.alloc(width * height * 3, 0xff) }));
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }

  /** The bytes of the whole screen memory, rows placed at the stride. */
  frame(picture: Raster): Buffer {
    const { height, stride, bitsPerPixel } = this.geometry;
    const pixels = bitsPerPixel === 16 ? toRgb565(picture) : toXrgb8888(picture);
    const row = (picture.width * bitsPerPixel) / 8;
    if (row === stride) return pixels;
    const out = Buffer.alloc(stride * height);
    for (let y = 0; y < height; y++) pixels.copy(out, y * stride, y * row, (y + 1) * row);
    return out;
  }

  private async write(bytes: Buffer): Promise<void> {
    const h = this.handle;
    if (!h) throw new Error(`framebuffer ${this.devicePath} is not open`);
    if (this.working) throw new Error(`framebuffer ${this.devicePath} is being written; wait for it to finish`);
    this.working = true;
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await h.write(bytes, done, bytes.length - done, done);
        if (bytesWritten === 0) throw new Error(`${this.devicePath} took no more bytes after ${done} of ${bytes.length}`);
        done += bytesWritten;
      }
    } finally {
      this.working = false;
    }
  }
}
