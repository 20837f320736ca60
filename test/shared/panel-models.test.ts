import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EPD_MODEL_NAMES, PANEL_MODELS } from '../../shared/panel-models.js';
import { ConfigSchema, parseConfig } from '../../shared/config/index.js';
import { EPD_MODELS } from '../../edge/hal/epd/models/index.js';
import { PANEL_GEOMETRY } from '../../edge/render/preview.js';

test('panel models: one list for the config, the drivers and the drawing', () => {
  assert.deepEqual(Object.keys(EPD_MODELS).sort(), [...EPD_MODEL_NAMES].sort());
  for (const model of PANEL_MODELS) assert.equal(parseConfig({ edge: { panel: { model } } }).edge.panel.model, model);
  assert.equal(ConfigSchema.safeParse({ edge: { panel: { model: 'epd9in7' } } }).success, false);
  for (const model of EPD_MODEL_NAMES) assert.ok(Object.hasOwn(PANEL_GEOMETRY, model), `${model} has a geometry to draw for`);
});
