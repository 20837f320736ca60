import { invertPacked, packBwr, packMono, rowBytes } from '../../render/pack.js';
import type { Raster } from '../types.js';
import type { EpdModel } from './models/model.js';

/** A picture packed for e-paper: 1 bit a pixel, 1 = ink; the red plane only on 3-colour panels. */
export interface EpdFrame {
  black: Buffer;
  red?: Buffer;
}

export function checkRasterSize(model: EpdModel, raster: Raster): void {
  if (raster.width !== model.width || raster.height !== model.height) {
    throw new RangeError(`panel ${model.name} is ${model.width}x${model.height}, the picture is ${raster.width}x${raster.height}`);
  }
}

export function frameFromRaster(model: EpdModel, raster: Raster): EpdFrame {
  checkRasterSize(model, raster);
  if (model.colors === 'bwr') return packBwr(raster, { blackOneIsBlack: true, redOneIsRed: true });
  return { black: packMono(raster, { oneIsBlack: true }) };
}

export function blankFrame(model: EpdModel): EpdFrame {
  const size = rowBytes(model.width) * model.height;
  return model.colors === 'bwr' ? { black: Buffer.alloc(size), red: Buffer.alloc(size) } : { black: Buffer.alloc(size) };
}

export function checkFrame(model: EpdModel, frame: EpdFrame): void {
  const size = rowBytes(model.width) * model.height;
  if (frame.black.length !== size) throw new RangeError(`panel ${model.name}: a frame plane is ${size} bytes, got ${frame.black.length}`);
  if (frame.red && frame.red.length !== size) throw new RangeError(`panel ${model.name}: the red plane is ${size} bytes, got ${frame.red.length}`);
  if (frame.red && model.colors !== 'bwr') throw new Error(`panel ${model.name} has no red ink`);
}

/** One plane in the polarity a step asks for. */
export function planeBytes(model: EpdModel, frame: EpdFrame, plane: 'black' | 'red', one: 'ink' | 'paper'): Buffer {
  const ink = plane === 'black' ? frame.black : (frame.red ?? Buffer.alloc(frame.black.length));
  return one === 'ink' ? ink : invertPacked(ink, model.width);
}
