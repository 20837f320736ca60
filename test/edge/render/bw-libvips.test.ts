import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContent } from '../../../edge/render/content.js';
import { pickLayout } from '../../../edge/render/layouts/index.js';
import { textMeasurer } from '../../../edge/render/metrics.js';
import { PANEL_GEOMETRY, printsClock } from '../../../edge/render/preview.js';
import { reduceToBw, reduceToBwInLibvips, renderSvg } from '../../../edge/render/renderer.js';
import { SCENARIOS, sampleView } from '../../../edge/render/samples.js';

/** The black/white step in libvips gives the very pixels of the JavaScript definition. */
function firstDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

test('every RGB colour goes to the same ink in libvips as in reduceToBw', async () => {
  const side = 4096; // 4096 x 4096 pixels: each of the 2^24 colours once
  const data = Buffer.alloc(side * side * 3);
  for (let p = 0; p < side * side; p++) {
    data[p * 3] = p >> 16;
    data[p * 3 + 1] = (p >> 8) & 255;
    data[p * 3 + 2] = p & 255;
  }
  const native = await reduceToBwInLibvips({ width: side, height: side, data });
  const reference = { width: side, height: side, data: Buffer.from(data) };
  reduceToBw(reference);
  const at = firstDifference(native.data, reference.data);
  const p = Math.floor(at / 3);
  assert.equal(at, -1, `colour ${data[p * 3]},${data[p * 3 + 1]},${data[p * 3 + 2]} differs`);
});

test('every black/white gallery picture is pixel-identical either way', async () => {
  let drawn = 0;
  for (const [model, g] of Object.entries(PANEL_GEOMETRY)) {
    if (g.colors !== 'bw') continue;
    const target = { width: g.width, height: g.height, colors: g.colors };
    for (const scenario of SCENARIOS) {
      const view = { ...sampleView(scenario), showClock: printsClock(model) };
      const svg = pickLayout(target).render(buildContent(view), target, textMeasurer());
      const grey = await renderSvg(svg, g.width, g.height);
      const native = await reduceToBwInLibvips(grey);
      reduceToBw(grey);
      assert.equal(firstDifference(native.data, grey.data), -1, `${model} ${scenario}`);
      drawn++;
    }
  }
  assert.ok(drawn >= SCENARIOS.length, 'at least one black/white panel model was drawn');
});
