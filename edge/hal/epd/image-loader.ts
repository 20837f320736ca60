import sharp from 'sharp';
import type { Raster } from '../types.js';

/** Loads a picture file (PNG, or anything sharp reads) as an 8-bit RGB raster. */
export async function loadRaster(path: string): Promise<Raster> {
  try {
    const { data, info } = await sharp(path).flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    return { width: info.width, height: info.height, data };
  } catch (e) {
    throw new Error(`cannot load picture ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Encodes a raster as PNG (the hardware check and tests write pictures with it). */
export async function rasterToPng(raster: Raster): Promise<Buffer> {
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } }).png().toBuffer();
}
