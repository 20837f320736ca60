import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invertPacked, packBwr, packMono, toRgb565, toXrgb8888 } from '../../../edge/render/pack.js';
import type { Raster } from '../../../edge/hal/types.js';

function raster(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Raster {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { width, height, data };
}

test('packMono packs MSB first, pads rows to whole bytes with 0, in both polarities', () => {
  // 10 pixels wide: black at x = 0 and x = 9 on row 0, all white on row 1.
  const r = raster(10, 2, (x, y) => (y === 0 && (x === 0 || x === 9) ? [0, 0, 0] : [255, 255, 255]));
  assert.deepEqual([...packMono(r, { oneIsBlack: true })], [0x80, 0x40, 0x00, 0x00]);
  assert.deepEqual([...packMono(r, { oneIsBlack: false })], [0x7f, 0x80, 0xff, 0xc0]);
  assert.deepEqual(invertPacked(packMono(r, { oneIsBlack: true }), 10), packMono(r, { oneIsBlack: false }));
});

test('packMono thresholds luminance at 128', () => {
  const r = raster(4, 1, (x) => [[127, 127, 127], [128, 128, 128], [255, 0, 0], [0, 255, 0]][x] as [number, number, number]);
  // grey 127 black, grey 128 white, pure red (luma 76) black, pure green (luma 150) white
  assert.deepEqual([...packMono(r, { oneIsBlack: true })], [0b1010_0000]);
});

test('packBwr separates red ink from black ink', () => {
  const r = raster(3, 1, (x) => [[0, 0, 0], [255, 0, 0], [255, 255, 255]][x] as [number, number, number]);
  const planes = packBwr(r, { blackOneIsBlack: true, redOneIsRed: true });
  assert.deepEqual([...planes.black], [0b1000_0000]);
  assert.deepEqual([...planes.red], [0b0100_0000]);
  const inverted = packBwr(r, { blackOneIsBlack: false, redOneIsRed: true });
  assert.deepEqual([...inverted.black], [0b0110_0000]);
});

test('toRgb565 is little-endian 5-6-5 and toXrgb8888 is B, G, R, X in memory', () => {
  const r = raster(2, 1, (x) => (x === 0 ? [255, 0, 0] : [0x12, 0x34, 0x56]));
  const rgb565 = toRgb565(r);
  assert.deepEqual([...rgb565.subarray(0, 2)], [0x00, 0xf8]);
  assert.equal(rgb565.readUInt16LE(2), ((0x12 >> 3) << 11) | ((0x34 >> 2) << 5) | (0x56 >> 3));
  assert.deepEqual([...toXrgb8888(r)], [0, 0, 255, 255, 0x56, 0x34, 0x12, 255]);
});

test('a raster whose data does not match its size is refused', () => {
  assert.throws(() => packMono({ width: 4, height: 4, data: Buffer.alloc(10) }, { oneIsBlack: true }), /needs 48 bytes/);
});
