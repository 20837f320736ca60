import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packMono } from '../../../edge/render/pack.js';
import { EpdPanel } from '../../../edge/hal/epd/driver.js';
import { FakeEpdBinding, RecordingEpdBinding } from '../../../edge/hal/epd/recording-binding.js';
import { EpdBus } from '../../../edge/hal/epd/bus.js';
import { WAVESHARE_HAT_PINS } from '../../../edge/hal/epd/binding.js';
import { epdModel } from '../../../edge/hal/epd/models/index.js';
import { rasterToPng } from '../../../edge/hal/epd/image-loader.js';
import { panelTrace } from '../../../edge/panel-trace.js';
import type { Raster } from '../../../edge/hal/types.js';

function checkerboard(width: number, height: number, cell: number): Raster {
  const data = Buffer.alloc(width * height * 3, 0xff);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0) data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data };
}

function dataAfter(lines: readonly string[], command: string, nth = 0): string {
  const idx = lines.map((l, i) => (l === command ? i : -1)).filter((i) => i >= 0);
  const at = idx[nth];
  assert.ok(at !== undefined, `no ${command} number ${nth}`);
  return lines[at + 1]!.slice(2);
}

test('data is split into SPI transfers of at most 4096 bytes', async () => {
  const sizes: number[] = [];
  const binding = new FakeEpdBinding({ idleLevel: 1 });
  const spiWrite = binding.spiWrite.bind(binding);
  binding.spiWrite = async (b) => {
    sizes.push(b.length);
    await spiWrite(b);
  };
  const bus = new EpdBus(binding, WAVESHARE_HAT_PINS, 'test');
  await bus.open();
  await bus.data(Buffer.alloc(10_000, 0xaa));
  assert.deepEqual(sizes, [4096, 4096, 1808]);
  assert.equal(binding.traceLines().at(-1), `D ${'aa'.repeat(10_000)}`);
});

test('the fake binding refuses work before open and transfers beyond spidev\'s limit', async () => {
  const binding = new FakeEpdBinding({ idleLevel: 1 });
  await assert.rejects(binding.spiWrite(Buffer.of(1)), /not open/);
  assert.throws(() => binding.writePin(17, 1), /not open/);
  await binding.open();
  binding.writePin(25, 1);
  await assert.rejects(binding.spiWrite(Buffer.alloc(4097)), /exceeds/);
  assert.throws(() => binding.writePin(5, 1), /not an output/);
});

test('a disconnected panel fails with a clear error instead of hanging', async () => {
  const model = epdModel('epd7in5_V2');
  const binding = new FakeEpdBinding({ idleLevel: 1, busyAnswer: () => 0 });
  const panel = new EpdPanel({ model, binding });
  await panel.open();
  await assert.rejects(panel.show(checkerboard(800, 480, 8), 'full'), {
    message: 'panel epd7in5_V2: BUSY stayed low for 10 s; is the panel connected? pins RST 17 DC 25 BUSY 24 PWR 18',
  });
  assert.equal(binding.isOpen, false, 'the hardware layer is closed after the failure');
  assert.ok(binding.delayedMs >= 10_000 && binding.delayedMs < 11_000);
});

test('a busy-high panel that answers after a few polls is waited for', async () => {
  const model = epdModel('epd2in13_V4');
  const binding = new FakeEpdBinding({ idleLevel: 0, busyAnswer: (n) => (n % 5 < 3 ? 1 : 0) });
  const panel = new EpdPanel({ model, binding });
  await panel.open();
  await panel.show(checkerboard(122, 250, 5), 'full');
  assert.ok(binding.traceLines().filter((l) => l === 'B').length > 4);
});

test('show sleeps the panel after each refresh and wakes it for the next', async () => {
  const model = epdModel('epd2in13_V4');
  const binding = new RecordingEpdBinding(0);
  const panel = new EpdPanel({ model, binding });
  await panel.open();
  const a = checkerboard(122, 250, 4);
  const b = checkerboard(122, 250, 6);
  await panel.show(a, 'partial'); // nothing on screen yet: drawn in full
  await panel.show(b, 'partial');
  const lines = binding.traceLines();
  assert.deepEqual(lines.filter((l) => l === 'I' || l === 'X'), ['I', 'X', 'I', 'X']);
  assert.equal(lines.filter((l) => l === 'C 10').length, 2, 'two deep sleeps');
  assert.equal(lines.filter((l) => l === 'C 22').length, 2);
  assert.equal(dataAfter(lines, 'C 22', 1), 'ff', 'the second refresh is partial');
  assert.equal(dataAfter(lines, 'C 24', 1), packMono(b, { oneIsBlack: false }).toString('hex'));
  assert.equal(dataAfter(lines, 'C 26', 0), packMono(a, { oneIsBlack: false }).toString('hex'), 'the old RAM gets the picture on screen');
  await panel.close();
});

test('fast and partial fall back to full where the model has no such refresh', async () => {
  const model = epdModel('epd7in5b_V2');
  const panel = new EpdPanel({ model, binding: new RecordingEpdBinding(1) });
  assert.equal(panel.info.supportsPartial, false);
  assert.equal(panel.effectiveKind('fast'), 'full');
  assert.equal(panel.effectiveKind('partial'), 'full');
});

test('the panel refuses a wrong size, use before open and overlapping refreshes', async () => {
  const model = epdModel('epd4in2_V2');
  const panel = new EpdPanel({ model, binding: new RecordingEpdBinding(0) });
  await assert.rejects(panel.show(checkerboard(400, 300, 8), 'full'), /not open/);
  await panel.open();
  await assert.rejects(panel.show(checkerboard(300, 400, 8), 'full'), /is 400x300, the picture is 300x400/);
  const first = panel.show(checkerboard(400, 300, 8), 'full');
  await assert.rejects(panel.show(checkerboard(400, 300, 8), 'full'), /refreshing/);
  await first;
});

test('panelTrace traces any picture of the panel\'s size', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'doorplate-trace-'));
  const board = checkerboard(800, 480, 16);
  const file = path.join(dir, 'board.png');
  await writeFile(file, await rasterToPng(board));
  const lines = (await panelTrace({ model: 'epd7in5_V2', scenario: 'full', image: file })).trimEnd().split('\n');
  assert.equal(lines[0], 'I');
  assert.equal(lines.at(-1), 'X');
  assert.equal(dataAfter(lines, 'C 13'), packMono(board, { oneIsBlack: true }).toString('hex'));
  assert.equal(dataAfter(lines, 'C 10'), packMono(board, { oneIsBlack: false }).toString('hex'));

  const small = checkerboard(122, 250, 3);
  const small2 = checkerboard(122, 250, 7);
  await writeFile(path.join(dir, 's1.png'), await rasterToPng(small));
  await writeFile(path.join(dir, 's2.png'), await rasterToPng(small2));
  const partial = (await panelTrace({ model: 'epd2in13_V4', scenario: 'partial', image: path.join(dir, 's1.png'), image2: path.join(dir, 's2.png') })).split('\n');
  assert.equal(dataAfter(partial, 'C 24', 1), packMono(small2, { oneIsBlack: false }).toString('hex'));

  await assert.rejects(panelTrace({ model: 'epd4in2', scenario: 'full', image: file }), /board\.png: panel epd4in2 is 400x300, the picture is 800x480/);
  await assert.rejects(panelTrace({ model: 'epd9in9', scenario: 'full', image: file }), /unknown e-paper model "epd9in9"/);
  await assert.rejects(panelTrace({ model: 'epd7in5b_V2', scenario: 'fast', image: file }), /has no fast refresh/);
  await assert.rejects(panelTrace({ model: 'epd7in5_V2', scenario: 'sideways' as 'full', image: file }), /unknown scenario/);
  await assert.rejects(panelTrace({ model: 'epd7in5_V2', scenario: 'partial', image: file }), /needs a second picture/);
});

test('panelTrace takes a red picture on a 3-colour panel', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'doorplate-trace-'));
  const black = checkerboard(800, 480, 20);
  const red = checkerboard(800, 480, 40);
  await writeFile(path.join(dir, 'b.png'), await rasterToPng(black));
  await writeFile(path.join(dir, 'r.png'), await rasterToPng(red));
  const lines = (await panelTrace({ model: 'epd7in5b_V2', scenario: 'full', image: path.join(dir, 'b.png'), red: path.join(dir, 'r.png') })).split('\n');
  assert.equal(dataAfter(lines, 'C 13'), packMono(red, { oneIsBlack: true }).toString('hex'));
  assert.equal(dataAfter(lines, 'C 10'), packMono(black, { oneIsBlack: false }).toString('hex'));
});

test('a colour picture on a 3-colour panel: red pixels go to the red plane only', async () => {
  const model = epdModel('epd7in5b_V2');
  const binding = new RecordingEpdBinding(1);
  const panel = new EpdPanel({ model, binding });
  await panel.open();
  const data = Buffer.alloc(800 * 480 * 3, 0xff);
  data.fill(0, 0, 800 * 3 * 10); // ten black rows
  for (let p = 800 * 20; p < 800 * 30; p++) data.set([220, 10, 10], p * 3); // ten red rows
  await panel.show({ width: 800, height: 480, data }, 'full');
  const lines = binding.traceLines();
  const black = Buffer.from(dataAfter(lines, 'C 10'), 'hex');
  const red = Buffer.from(dataAfter(lines, 'C 13'), 'hex');
  assert.ok(black.subarray(0, 1000).every((b) => b === 0x00), 'black rows: 0 = black in 0x10');
  assert.ok(black.subarray(1000).every((b) => b === 0xff), 'red rows stay white in the black plane');
  assert.ok(red.subarray(2000, 3000).every((b) => b === 0xff) && red.subarray(0, 2000).every((b) => b === 0));
});
