import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFbGeometry } from '../../../edge/hal/framebuffer/fb-info.js';
import { FramebufferPanel } from '../../../edge/hal/framebuffer/fb-panel.js';
import type { Raster } from '../../../edge/hal/types.js';

function fbTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'doorplate-fb-'));
  const dir = path.join(root, 'sys', 'class', 'graphics', 'fb0');
  mkdirSync(dir, { recursive: true });
  for (const [k, v] of Object.entries(files)) writeFileSync(path.join(dir, k), `${v}\n`);
  return root;
}

function picture(width: number, height: number): Raster {
  const data = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set([p * 10, 255 - p, 7], p * 3);
  return { width, height, data };
}

test('geometry comes from sysfs; the visible mode wins over a taller virtual area', () => {
  const root = fbTree({ virtual_size: '4,6', bits_per_pixel: '16', stride: '16', modes: 'U:4x3p-0' });
  assert.deepEqual(readFbGeometry({ root }), { name: 'fb0', width: 4, height: 3, bitsPerPixel: 16, stride: 16 });
  assert.throws(() => readFbGeometry({ root: fbTree({ virtual_size: '4,3', bits_per_pixel: '24' }) }), /24 bits a pixel is not supported/);
  assert.throws(() => readFbGeometry({ root: fbTree({}) }), /cannot read .*virtual_size/);
});

test('RGB565 rows are written at the stride', async () => {
  const root = fbTree({ virtual_size: '3,2', bits_per_pixel: '16', stride: '8' });
  const geo = readFbGeometry({ root });
  const dev = path.join(root, 'fb0.dev');
  writeFileSync(dev, Buffer.alloc(16, 0xee));
  const panel = new FramebufferPanel(geo, dev);
  await panel.open();
  const pic = picture(3, 2);
  await panel.show(pic, 'full');
  const out = readFileSync(dev);
  assert.equal(out.length, 16);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 3; x++) {
      const p = y * 3 + x;
      const [r, g, b] = [pic.data[p * 3]!, pic.data[p * 3 + 1]!, pic.data[p * 3 + 2]!];
      assert.equal(out.readUInt16LE(y * 8 + x * 2), ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3), `pixel ${x},${y}`);
    }
    assert.deepEqual([...out.subarray(y * 8 + 6, y * 8 + 8)], [0, 0], 'row padding');
  }
  await assert.rejects(panel.show(picture(2, 2), 'full'), /is 3x2, the picture is 2x2/);
  await panel.close();
  await assert.rejects(panel.show(pic, 'full'), /not open/);
});

test('XRGB8888 without padding is B, G, R, X per pixel; clear paints white', async () => {
  const root = fbTree({ virtual_size: '2,2', bits_per_pixel: '32', stride: '8' });
  const dev = path.join(root, 'fb0.dev');
  writeFileSync(dev, Buffer.alloc(16));
  const panel = new FramebufferPanel(readFbGeometry({ root }), dev);
  assert.equal(panel.info.minRefreshIntervalMs, 0);
  await panel.open();
  const pic = picture(2, 2);
  await panel.show(pic, 'full');
  const out = readFileSync(dev);
  for (let p = 0; p < 4; p++) assert.deepEqual([...out.subarray(p * 4, p * 4 + 3)], [pic.data[p * 3 + 2], pic.data[p * 3 + 1], pic.data[p * 3]]);
  await panel.clear();
  assert.ok(readFileSync(dev).every((b) => b === 0xff));
  await panel.close();
});
