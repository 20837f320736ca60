import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packMono } from '../../../edge/render/pack.js';
import { loadRaster } from '../../../edge/hal/epd/image-loader.js';
import { RecordingEpdBinding } from '../../../edge/hal/epd/recording-binding.js';
import { runEpdScenario, scenariosOf, type EpdScenario } from '../../../edge/hal/epd/scenario.js';
import { epdModel } from '../../../edge/hal/epd/models/index.js';
import { EPD4IN2_MAKER_OLD_RAM_BYTES } from '../../../edge/hal/epd/models/epd4in2.js';
import type { EpdFrame } from '../../../edge/hal/epd/frame.js';
import { goldenEpdDir } from './golden-dir.js';

const dir = goldenEpdDir();
const models = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'images')
  .map((d) => d.name)
  .sort();

/** Busy polls depend on how fast a panel answers: a run of polls counts as one. */
function normalise(lines: readonly string[], pollCommand: number | undefined): string[] {
  const poll = pollCommand === undefined ? undefined : `C ${pollCommand.toString(16).padStart(2, '0')}`;
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (line === 'B' && out.at(-1) === 'B') continue;
    if (poll && line === poll && lines[i + 1] === 'B' && out.at(-1) === 'B' && out.at(-2) === poll) {
      i++;
      continue;
    }
    out.push(line);
  }
  return out;
}

function short(line: string | undefined): string {
  if (line === undefined) return '(end)';
  return line.length > 60 ? `${line.slice(0, 40)}... (${(line.length - 2) / 2} bytes)` : line;
}

function assertSameTrace(actual: readonly string[], expected: readonly string[], what: string): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      assert.fail(`${what}: line ${i + 1} differs: driver sent ${short(actual[i])}, the maker sent ${short(expected[i])}`);
    }
  }
}

async function goldenFrame(model: string, letter: 'A' | 'B', withRed: boolean): Promise<EpdFrame> {
  const pic = await loadRaster(path.join(dir, 'images', `${model}-${letter}.png`));
  const black = packMono(pic, { oneIsBlack: true });
  if (!withRed) return { black };
  const red = await loadRaster(path.join(dir, 'images', `${model}-R.png`));
  return { black, red: packMono(red, { oneIsBlack: true }) };
}

function lastIndexOf(lines: readonly string[], line: string): number {
  const i = lines.lastIndexOf(line);
  assert.ok(i >= 0, `expected a "${line}" line`);
  return i;
}

test('the golden folder holds every supported model and scenario', () => {
  assert.deepEqual(models, ['epd2in13_V4', 'epd4in2', 'epd4in2_V2', 'epd7in5_V2', 'epd7in5b_V2']);
  for (const name of models) {
    const present = readdirSync(path.join(dir, name))
      .filter((f) => f.endsWith('.trace'))
      .map((f) => f.replace(/\.trace$/, ''))
      .sort();
    assert.deepEqual([...scenariosOf(epdModel(name))].sort(), present, name);
  }
});

for (const name of models) {
  const model = epdModel(name);
  for (const file of readdirSync(path.join(dir, name)).filter((f) => f.endsWith('.trace'))) {
    const scenario = file.replace(/\.trace$/, '') as EpdScenario;
    test(`${name} ${scenario} matches the maker's trace`, async () => {
      const golden = readFileSync(path.join(dir, name, file), 'utf8').split('\n');
      const first = await goldenFrame(name, 'A', model.colors === 'bwr');
      const second = scenario === 'partial' ? await goldenFrame(name, 'B', false) : undefined;
      const binding = new RecordingEpdBinding(model.busyLevel === 1 ? 0 : 1);
      await runEpdScenario(second ? { model, binding, scenario, first, second } : { model, binding, scenario, first });
      assert.equal(binding.isOpen, false, 'the scenario leaves the hardware layer closed');

      const actual = normalise(binding.traceLines(), model.pollCommand);
      const expected = normalise(golden, model.pollCommand);

      if (scenario === 'partial' && (name === 'epd2in13_V4' || name === 'epd4in2_V2')) {
        // Deliberate deviation: the partial refresh also writes the picture on screen (A)
        // into the old RAM (0x26) right after the new RAM (0x24), against ghosting.
        const at = lastIndexOf(expected, 'C 24');
        assert.match(expected[at + 1]!, /^D /);
        assert.equal(actual[at + 2], 'C 26', 'the partial refresh writes the old RAM');
        const oldRam = `D ${packMono(await loadRaster(path.join(dir, 'images', `${name}-A.png`)), { oneIsBlack: false }).toString('hex')}`;
        assert.equal(actual[at + 3], oldRam, 'the old RAM gets the picture on screen, 1 = white');
        assert.equal(actual.filter((l) => l === 'C 26').length, expected.filter((l) => l === 'C 26').length + 1);
        expected.splice(at + 2, 0, 'C 26', oldRam);
      }
      if (name === 'epd4in2' && scenario === 'full') {
        // Deliberate deviation: one 15,000-byte frame of 0xFF to 0x10 instead of 20,000 bytes.
        const at = lastIndexOf(expected, 'C 10');
        assert.equal(expected[at + 1], `D ${'ff'.repeat(EPD4IN2_MAKER_OLD_RAM_BYTES)}`, 'the maker sends 20,000 bytes');
        assert.equal(actual[at + 1], `D ${'ff'.repeat(15_000)}`, 'the driver sends one frame');
        expected[at + 1] = actual[at + 1]!;
      }
      assertSameTrace(actual, expected, `${name}/${file}`);
    });
  }
}
