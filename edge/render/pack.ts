import type { Raster } from '../hal/types.js';

/**
 * Turns an 8-bit RGB raster into the bytes a panel takes. Pure: no IO, so the e-paper
 * driver, the framebuffer panel and the tests share one definition of "black" and "red".
 */

/** ITU-R BT.601 luma, the weighting the maker's imaging library uses for 1-bit conversion. */
function luminance(r: number, g: number, b: number): number {
  return (r * 299 + g * 587 + b * 114) / 1000;
}

function checkRaster(raster: Raster): void {
  const { width, height, data } = raster;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`raster size ${width}x${height} is not a positive whole size`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(`raster ${width}x${height} needs ${width * height * 3} bytes of RGB, got ${data.length}`);
  }
}

/** Bytes per packed 1-bit row: rows are padded to whole bytes. */
export function rowBytes(width: number): number {
  return Math.ceil(width / 8);
}

export function isBlack(data: Buffer, i: number): boolean {
  return luminance(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0) < 128;
}

/** Red ink: red channel high, green and blue low. */
export function isRed(data: Buffer, i: number): boolean {
  return (data[i] ?? 0) >= 128 && (data[i + 1] ?? 0) < 128 && (data[i + 2] ?? 0) < 128;
}

function packPlane(raster: Raster, bitSet: (i: number) => boolean): Buffer {
  checkRaster(raster);
  const { width, height } = raster;
  const stride = rowBytes(width);
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let x = 0; x < width; x++) {
      if (bitSet((y * width + x) * 3)) out[row + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return out;
}

/**
 * 1 bit a pixel, MSB first, each row padded to a whole byte. Padding bits are always 0,
 * as the maker's driver sends them. `oneIsBlack` picks the model's polarity.
 */
export function packMono(raster: Raster, opts: { oneIsBlack: boolean }): Buffer {
  const { data } = raster;
  return opts.oneIsBlack ? packPlane(raster, (i) => isBlack(data, i)) : packPlane(raster, (i) => !isBlack(data, i));
}

/**
 * Two planes for a black/white/red panel. A red pixel is left white in the black plane so
 * that the only ink asked for there is red.
 */
export function packBwr(raster: Raster, opts: { blackOneIsBlack: boolean; redOneIsRed: boolean }): { black: Buffer; red: Buffer } {
  const { data } = raster;
  const inkBlack = (i: number): boolean => isBlack(data, i) && !isRed(data, i);
  const black = opts.blackOneIsBlack ? packPlane(raster, inkBlack) : packPlane(raster, (i) => !inkBlack(i));
  const red = opts.redOneIsRed ? packPlane(raster, (i) => isRed(data, i)) : packPlane(raster, (i) => !isRed(data, i));
  return { black, red };
}

/** 16 bits a pixel, 5-6-5, little-endian (the Linux framebuffer's RGB565 on a Pi). */
export function toRgb565(raster: Raster): Buffer {
  checkRaster(raster);
  const { width, height, data } = raster;
  const out = Buffer.alloc(width * height * 2);
  for (let p = 0; p < width * height; p++) {
    const r = data[p * 3]!;
    const g = data[p * 3 + 1]!;
    const b = data[p * 3 + 2]!;
    out.writeUInt16LE(((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3), p * 2);
  }
  return out;
}

/** 32 bits a pixel in memory order B, G, R, X (XRGB8888 read as a little-endian word). */
export function toXrgb8888(raster: Raster): Buffer {
  checkRaster(raster);
  const { width, height, data } = raster;
  const out = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    out[p * 4] = data[p * 3 + 2]!;
    out[p * 4 + 1] = data[p * 3 + 1]!;
    out[p * 4 + 2] = data[p * 3]!;
    out[p * 4 + 3] = 0xff;
  }
  return out;
}

/** Flips every pixel bit of a packed 1-bit frame, keeping the row padding at 0. */
export function invertPacked(packed: Buffer, width: number): Buffer {
  const stride = rowBytes(width);
  if (packed.length % stride !== 0) throw new RangeError(`packed frame of ${packed.length} bytes is not whole rows of ${stride} bytes`);
  const out = Buffer.alloc(packed.length);
  const tailBits = width % 8;
  const lastMask = tailBits === 0 ? 0xff : (0xff << (8 - tailBits)) & 0xff;
  for (let i = 0; i < packed.length; i++) {
    const mask = i % stride === stride - 1 ? lastMask : 0xff;
    out[i] = ~packed[i]! & mask;
  }
  return out;
}
