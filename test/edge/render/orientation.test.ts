import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EPD_MODELS } from '../../../edge/hal/epd/models/index.js';
import { drawnGeometry, toNative } from '../../../edge/render/orientation.js';
import { PANEL_GEOMETRY } from '../../../edge/render/preview.js';
import { pickLayout } from '../../../edge/render/layouts/index.js';

test('every e-paper model is drawn landscape, at the size of a layout made for it', () => {
  for (const m of Object.values(EPD_MODELS)) {
    const g = drawnGeometry(m);
    assert.ok(g.width >= g.height, `${m.name} drawn ${g.width}x${g.height}`);
    assert.deepEqual(PANEL_GEOMETRY[m.name], g, `${m.name}: the preview draws what the panel shows`);
    const layout = pickLayout(g);
    assert.deepEqual([layout.width, layout.height], [g.width, g.height], `${m.name} has a layout drawn for its size, not a scaled one`);
  }
  assert.deepEqual(drawnGeometry(EPD_MODELS.epd2in13_V4), { width: 250, height: 122, colors: 'bw', native: { width: 122, height: 250 } });
});

test('a portrait screen stays portrait: the screen layout flows to any shape', () => {
  assert.deepEqual(drawnGeometry({ width: 480, height: 800, colors: 'rgb' }), { width: 480, height: 800, colors: 'rgb' });
});

test('a landscape picture is turned the way the maker\'s driver turns it: (x, y) lands at (y, H - 1 - x)', () => {
  const g = drawnGeometry({ width: 122, height: 250, colors: 'bw' });
  const data = Buffer.alloc(250 * 122 * 3);
  // Every pixel different, so a wrong mapping cannot pass by symmetry.
  for (let i = 0; i < 250 * 122; i++) data.writeUIntBE(i, i * 3, 3);
  const native = toNative({ width: 250, height: 122, data }, g);
  assert.equal(native.width, 122);
  assert.equal(native.height, 250);
  for (let y = 0; y < 122; y++) {
    for (let x = 0; x < 250; x++) {
      const at = (250 - 1 - x) * 122 + y;
      assert.equal(native.data.readUIntBE(at * 3, 3), y * 250 + x, `drawn (${x}, ${y})`);
    }
  }
});

test('a picture of the wrong size is refused, a panel drawn as it stands is passed through', () => {
  const g = drawnGeometry({ width: 122, height: 250, colors: 'bw' });
  assert.throws(() => toNative({ width: 122, height: 250, data: Buffer.alloc(122 * 250 * 3) }, g), /drawn picture is 122x250, expected 250x122/);
  const flat = { width: 800, height: 480, data: Buffer.alloc(800 * 480 * 3) };
  assert.equal(toNative(flat, drawnGeometry({ width: 800, height: 480, colors: 'bw' })), flat);
});
