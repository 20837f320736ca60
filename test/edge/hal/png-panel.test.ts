import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../shared/clock.js';
import { PngPanel } from '../../../edge/hal/png-panel.js';
import type { Raster } from '../../../edge/hal/types.js';

const picture = (w = 800, h = 480, v = 255): Raster => ({ width: w, height: h, data: Buffer.alloc(w * h * 3, v) });

test('show before open, after close, and clear before open reject', async () => {
  const p = new PngPanel();
  await assert.rejects(p.show(picture(), 'full'), /show before open/);
  await assert.rejects(p.clear(), /clear before open/);
  await p.open();
  await assert.rejects(p.open(), /already open/);
  await p.show(picture(), 'full');
  await p.close();
  await assert.rejects(p.show(picture(), 'full'), /show before open/);
});

test('a picture of the wrong size or layout rejects', async () => {
  const p = new PngPanel();
  await p.open();
  await assert.rejects(p.show(picture(400, 300), 'full'), /picture is 400x300, the panel is 800x480/);
  await assert.rejects(p.show({ width: 800, height: 480, data: Buffer.alloc(10) }, 'full'), /10 bytes/);
  assert.equal(p.picture, null);
});

test('a show while a refresh is under way rejects; counts are kept by kind', async () => {
  const clock = new FakeClock();
  const p = new PngPanel({ clock, refreshMs: { full: 5000, partial: 400 } });
  await p.open();
  const first = p.show(picture(800, 480, 0), 'full');
  await assert.rejects(p.show(picture(), 'partial'), /while a refresh is under way/);
  await assert.rejects(p.close(), /during a refresh/);
  await clock.advanceAsync(5000);
  await first;
  const second = p.show(picture(), 'partial');
  await clock.advanceAsync(400);
  await second;
  await p.show(picture(), 'fast');
  assert.deepEqual(p.refreshCounts, { full: 1, partial: 1, fast: 1, clear: 0 });
  assert.equal(p.picture?.data[0], 255);
  const clearing = p.clear();
  await clock.advanceAsync(5000);
  await clearing;
  assert.equal(p.picture, null);
  assert.equal(p.refreshCounts.clear, 1);
});

test('the panel keeps its own copy of the picture', async () => {
  const p = new PngPanel();
  await p.open();
  const pic = picture(800, 480, 0);
  await p.show(pic, 'full');
  pic.data.fill(255);
  assert.equal(p.picture?.data[0], 0);
});

test('a model without partial refresh refuses one; the info is validated', async () => {
  const p = new PngPanel({ info: { model: 'epd4in2', width: 400, height: 300, supportsPartial: false } });
  await p.open();
  await assert.rejects(p.show(picture(400, 300), 'partial'), /epd4in2 panel: no partial refresh/);
  assert.throws(() => new PngPanel({ info: { width: 0 } }), /must be positive whole numbers/);
  assert.throws(() => new PngPanel({ refreshMs: { full: 10 } }), /needs a clock/);
});

test('with a file, each picture is written as a PNG', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'png-panel-')), 'panel.png');
  const p = new PngPanel({ file, info: { width: 40, height: 20 } });
  await p.open();
  await p.show(picture(40, 20, 0), 'full');
  const png = readFileSync(file);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(png.readUInt32BE(16), 40);
  assert.equal(png.readUInt32BE(20), 20);
});
