import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { PANEL_GEOMETRY, panelGeometry, preview } from '../../../edge/render/preview.js';
import { sampleView } from '../../../edge/render/samples.js';

const v = sampleView('busy');

test('every panel model previews as a PNG of its size', async () => {
  for (const [model, g] of Object.entries(PANEL_GEOMETRY)) {
    const png = await preview({ panelModel: model, state: v.state, agenda: v.agenda, roomName: 'Aurora', now: v.now, timeZone: v.timeZone });
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, g.width, model);
    assert.equal(meta.height, g.height, model);
    if (g.colors === 'bw') assert.equal(png.readUInt8(24), 1, `${model} is a 1-bit PNG`);
  }
});

test('the 2.13" panel is drawn landscape and notes its portrait controller', () => {
  assert.deepEqual(panelGeometry('epd2in13_V4'), { width: 250, height: 122, colors: 'bw', native: { width: 122, height: 250 } });
});

test('the PNG holds the rendered picture exactly', async () => {
  const png = await preview({ panelModel: 'epd7in5b_V2', state: v.state, agenda: { events: v.agenda }, now: v.now, timeZone: v.timeZone, offline: true, notice: 'Hello' });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<string>();
  for (let i = 0; i < data.length; i += 3) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  assert.deepEqual([...seen].sort(), ['0,0,0', '255,0,0', '255,255,255']);
});

test('bad input names what is wrong and where', async () => {
  await assert.rejects(preview({ panelModel: 'epd9in9', state: v.state }), /panel model 'epd9in9' is unknown; known: epd7in5_V2/);
  await assert.rejects(preview({ panelModel: 'png', state: { ...v.state, status: 'sleeping' } }), /state: status:/);
  await assert.rejects(preview({ panelModel: 'png', state: v.state, agenda: [{ id: 'x' }] }), /agenda: /);
});
