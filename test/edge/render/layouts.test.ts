import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PanelColors } from '../../../edge/hal/types.js';
import { EPAPER_LAYOUTS, pickLayout } from '../../../edge/render/layouts/index.js';
import { renderView } from '../../../edge/render/renderer.js';
import { LONG_ROOM, LONG_TITLE, SCENARIOS, sampleView } from '../../../edge/render/samples.js';
import type { PanelView } from '../../../edge/render/view.js';
import { colours, darkIn, diffPixels, inBox } from './helpers.js';

const PANELS: Array<{ width: number; height: number; colors: PanelColors }> = [
  { width: 800, height: 480, colors: 'bw' },
  { width: 800, height: 480, colors: 'bwr' },
  { width: 400, height: 300, colors: 'bw' },
  { width: 250, height: 122, colors: 'bw' },
  { width: 250, height: 122, colors: 'bwr' },
  { width: 800, height: 480, colors: 'rgb' },
  { width: 1280, height: 720, colors: 'rgb' },
  { width: 1920, height: 1080, colors: 'rgb' },
];
const name = (p: (typeof PANELS)[number]): string => `${p.width}x${p.height} ${p.colors}`;

for (const panel of PANELS) {
  test(`${name(panel)}: every state renders, in the panel's inks only`, async () => {
    const allowed = panel.colors === 'bw' ? ['0,0,0', '255,255,255'] : ['0,0,0', '255,255,255', '255,0,0'];
    for (const scenario of SCENARIOS) {
      const r = await renderView(sampleView(scenario), panel);
      assert.equal(r.width, panel.width);
      assert.equal(r.data.length, panel.width * panel.height * 3);
      const seen = colours(r);
      if (panel.colors !== 'rgb') for (const c of seen) assert.ok(allowed.includes(c), `${scenario}: colour ${c}`);
      assert.ok(seen.has(panel.colors === 'rgb' ? '255,255,255' : '0,0,0'), `${scenario}: something is drawn`);
    }
  });
}

test('bwr panels use red for BUSY and none while free', async () => {
  const p = { width: 800, height: 480, colors: 'bwr' as const };
  assert.ok(colours(await renderView(sampleView('busy'), p)).has('255,0,0'));
  assert.ok(!colours(await renderView(sampleView('free-until'), p)).has('255,0,0'));
});

test('colour screens: green when free, red when busy, amber for check-in', async () => {
  const p = { width: 1280, height: 720, colors: 'rgb' as const };
  const corner = async (v: PanelView): Promise<string> => {
    const r = await renderView(v, p);
    const i = (700 * 1280 + 4) * 3;
    return `${r.data[i]},${r.data[i + 1]},${r.data[i + 2]}`;
  };
  assert.equal(await corner(sampleView('free-until')), '30,126,52');
  assert.equal(await corner(sampleView('busy')), '198,40,40');
  assert.equal(await corner(sampleView('awaiting-checkin')), '199,106,0');
});

test('every language renders, with its own words', async () => {
  const p = { width: 800, height: 480, colors: 'bw' as const };
  const pictures = new Map<string, Buffer>();
  for (const locale of ['en', 'de', 'fr', 'es', 'de-CH', 'ja']) {
    for (const scenario of SCENARIOS) {
      const r = await renderView(sampleView(scenario, { locale }), p);
      if (scenario === 'busy') pictures.set(locale, r.data);
    }
  }
  assert.ok(!pictures.get('en')?.equals(pictures.get('de') ?? Buffer.alloc(0)));
  assert.ok(!pictures.get('fr')?.equals(pictures.get('es') ?? Buffer.alloc(0)));
  assert.equal(pictures.size, 6);
});

for (const panel of PANELS) {
  test(`${name(panel)}: a 120-character title and a 40-character room name stay in their boxes`, async () => {
    assert.equal(LONG_ROOM.length, 40);
    const title120 = (LONG_TITLE + ' and guests').slice(0, 120);
    assert.equal(title120.length, 120);
    const boxes = pickLayout(panel).textBoxes(panel);
    // The check-in state keeps the title to one line, so a longer title cannot push other lines down.
    const base = sampleView('awaiting-checkin');
    const short = await renderView(base, panel);
    const longTitle = await renderView({ ...base, state: { ...base.state, current: base.state.current && { ...base.state.current, title: title120 } } }, panel);
    const longRoom = await renderView({ ...base, roomName: LONG_ROOM }, panel);
    const titleDiff = diffPixels(short, longTitle);
    const roomDiff = diffPixels(short, longRoom);
    assert.ok(titleDiff.length > 0 && roomDiff.length > 0, 'the texts are drawn');
    const outTitle = titleDiff.filter((p) => !inBox(p, boxes.title, 1));
    const outRoom = roomDiff.filter((p) => !inBox(p, boxes.room, 1));
    assert.deepEqual(outTitle.slice(0, 5), [], 'title pixels outside its box');
    assert.deepEqual(outRoom.slice(0, 5), [], 'room pixels outside its box');
  });
}

test('unknown e-paper sizes scale the nearest layout', async () => {
  assert.equal(pickLayout({ width: 880, height: 528, colors: 'bw' }).id, 'epaper-800x480');
  assert.equal(pickLayout({ width: 296, height: 128, colors: 'bw' }).id, 'epaper-250x122');
  assert.equal(pickLayout({ width: 400, height: 300, colors: 'bwr' }).id, 'epaper-400x300');
  assert.equal(pickLayout({ width: 1024, height: 600, colors: 'rgb' }).id, 'screen');
  const r = await renderView(sampleView('busy'), { width: 880, height: 528, colors: 'bw' });
  assert.equal(r.data.length, 880 * 528 * 3);
  // The busy band is scaled by 1.1 from its design position.
  assert.ok(darkIn(r, { x: 40, y: 130, w: 20, h: 20 }) === 400);
  assert.throws(() => pickLayout({ width: 0, height: 10, colors: 'bw' }), /whole numbers of at least 16/);
  assert.equal(EPAPER_LAYOUTS.length, 3);
});

test('text is escaped: markup in a title is drawn, not parsed', async () => {
  const base = sampleView('busy');
  const evil = { ...base, roomName: '<b>&amp;</b>', state: { ...base.state, current: base.state.current && { ...base.state.current, title: '"><svg onload=x> & </text>' } } };
  const r = await renderView(evil, { width: 800, height: 480, colors: 'bw' });
  assert.ok(darkIn(r, { x: 28, y: 14, w: 300, h: 60 }) > 100);
});
