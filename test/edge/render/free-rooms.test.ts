import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContent } from '../../../edge/render/content.js';
import { pickLayout } from '../../../edge/render/layouts/index.js';
import { textMeasurer } from '../../../edge/render/metrics.js';
import { sampleView } from '../../../edge/render/samples.js';
import { PANEL_GEOMETRY } from '../../../edge/render/preview.js';

test('a busy panel words the free rooms with how long each is free', () => {
  const c = buildContent(sampleView('busy-free-rooms', { locale: 'en-GB' }));
  assert.equal(c.freeNowLabel, 'Free now');
  assert.deepEqual(c.freeRooms, [
    { name: 'Borealis', until: 'until 11:30' },
    { name: 'Cassiopeia', until: 'all day' },
    { name: 'Draco', until: 'until 14:00' },
  ]);
  assert.deepEqual(buildContent(sampleView('busy-free-rooms', { locale: 'de' })).freeRooms[1], { name: 'Cassiopeia', until: 'ganztägig' });
  // A free room never lists others, even when a state carries a list.
  const v = sampleView('busy-free-rooms');
  const freeView = { ...v, state: { ...v.state, status: 'free' as const, current: null } };
  assert.deepEqual(buildContent(freeView).freeRooms, []);
});

test('every panel model draws the nearest free room on a busy panel', () => {
  const m = textMeasurer();
  for (const [model, g] of Object.entries(PANEL_GEOMETRY)) {
    const target = { width: g.width, height: g.height, colors: g.colors };
    const svg = pickLayout(target).render(buildContent(sampleView('busy-free-rooms')), target, m);
    assert.match(svg, />[^<]*Borealis[^<]*</, `${model}: the nearest free room is shown`);
    const plain = pickLayout(target).render(buildContent(sampleView('busy')), target, m);
    assert.doesNotMatch(plain, /Borealis/, `${model}: nothing listed without the server's list`);
    if (g.width >= 400) assert.match(svg, />Cassiopeia</, `${model}: a second room fits`);
  }
});
