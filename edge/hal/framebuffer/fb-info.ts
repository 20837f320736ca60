import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface FbGeometry {
  /** `fb0` */
  name: string;
  width: number;
  height: number;
  bitsPerPixel: 16 | 32;
  /** Bytes from one row to the next (may exceed width * bytes per pixel). */
  stride: number;
}

/** Reads a framebuffer's geometry from `<root>/sys/class/graphics/<fb>/`. */
export function readFbGeometry(opts: { root?: string; fb?: string } = {}): FbGeometry {
  const name = opts.fb ?? 'fb0';
  const dir = path.join(opts.root ?? '/', 'sys', 'class', 'graphics', name);
  const read = (f: string): string => {
    try {
      return readFileSync(path.join(dir, f), 'utf8').trim();
    } catch (e) {
      throw new Error(`cannot read ${path.join(dir, f)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; is an HDMI screen attached and the process in the video group?`, { cause: e });
    }
  };
  const size = /^(\d+),(\d+)$/.exec(read('virtual_size'));
  if (!size) throw new Error(`${path.join(dir, 'virtual_size')}: expected "width,height"`);
  const width = Number(size[1]);
  let height = Number(size[2]);
  // The virtual area may be taller than the screen (room for panning); the mode is what shows.
  const mode = tryRead(path.join(dir, 'modes'));
  const visible = mode ? /(\d+)x(\d+)/.exec(mode) : null;
  if (visible && Number(visible[1]) === width && Number(visible[2]) <= height) height = Number(visible[2]);
  const bpp = Number(read('bits_per_pixel'));
  if (bpp !== 16 && bpp !== 32) throw new Error(`${name}: ${bpp} bits a pixel is not supported (16 = RGB565, 32 = XRGB8888)`);
  const strideText = tryRead(path.join(dir, 'stride'));
  const stride = strideText ? Number(strideText) : (width * bpp) / 8;
  if (!Number.isInteger(stride) || stride < (width * bpp) / 8) throw new Error(`${name}: stride ${strideText} is shorter than a row of ${width} pixels`);
  if (width <= 0 || height <= 0) throw new Error(`${name}: size ${width}x${height} is empty`);
  return { name, width, height, bitsPerPixel: bpp, stride };
}

function tryRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
