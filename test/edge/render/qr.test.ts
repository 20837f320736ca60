import { test } from 'node:test';
import assert from 'node:assert/strict';
import jsQRModule from 'jsqr';
import type { Raster } from '../../../edge/hal/types.js';
import { buildContent } from '../../../edge/render/content.js';
import { PANEL_GEOMETRY } from '../../../edge/render/preview.js';
import { renderView } from '../../../edge/render/renderer.js';
import { sampleView } from '../../../edge/render/samples.js';
import { moduleSize, qrMatrix, qrSvg } from '../../../edge/render/qr.js';
import { colours } from './helpers.js';

/** Every panel model draws the code. */
const WITH_CODE = Object.entries(PANEL_GEOMETRY);

// jsqr is CommonJS whose typings declare an ES default export: under NodeNext the import is the
// module object, whose `default` is the decoder function.
const jsQR = jsQRModule.default;

function rgba(r: Raster): Uint8ClampedArray {
  const out = new Uint8ClampedArray(r.width * r.height * 4);
  for (let i = 0, j = 0; i < r.data.length; i += 3, j += 4) {
    out[j] = r.data[i] ?? 0;
    out[j + 1] = r.data[i + 1] ?? 0;
    out[j + 2] = r.data[i + 2] ?? 0;
    out[j + 3] = 255;
  }
  return out;
}

for (const [model, g] of WITH_CODE) {
  test(`${model}: the QR code decodes back from the panel's picture to the link`, async () => {
    for (const scenario of ['free-qr', 'busy-qr'] as const) {
      const view = sampleView(scenario);
      const r = await renderView(view, g);
      if (g.colors !== 'rgb') {
        const allowed = g.colors === 'bw' ? ['0,0,0', '255,255,255'] : ['0,0,0', '255,255,255', '255,0,0'];
        for (const c of colours(r)) assert.ok(allowed.includes(c), `${scenario}: ${c} is not an ink of the panel`);
      }
      const found = jsQR(rgba(r), r.width, r.height, { inversionAttempts: 'dontInvert' });
      assert.ok(found, `${model} ${scenario}: a code is found`);
      assert.equal(found.data, view.state.qr?.url);
    }
  });
}

test('modules are whole pixels: every module is one solid square of px by px', () => {
  const code = qrMatrix('http://rooms.example.com:8080/m/aurora/b/1ab2c3d/Kq3vX9dL0pWm7RtZ2yHc5e');
  const px = moduleSize(code, 126, 3);
  assert.equal(px, 3);
  const svg = qrSvg(code, 10.4, 20.6, px, '#000000', '#ffffff');
  // Every coordinate in the path is an integer: no module straddles a pixel edge.
  const path = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
  assert.ok(path.length > 0);
  assert.doesNotMatch(path, /\./);
  assert.match(svg, /shape-rendering="crispEdges"/);
});

test('no code offline or once the link expired', () => {
  const v = sampleView('free-qr');
  assert.ok(buildContent(v).qr);
  assert.equal(buildContent({ ...v, offline: true }).qr, null);
  assert.equal(buildContent({ ...v, now: Date.parse(v.state.qr?.expiresAt ?? '') }).qr, null);
  assert.equal(buildContent(v).qr?.caption, 'Scan to book from your phone');
});
