import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configureFonts, fontDir, fontsConf } from '../../../edge/render/fonts.js';
import { renderSvg } from '../../../edge/render/renderer.js';
import { darkIn } from './helpers.js';

test('fonts.conf lists only the bundled DejaVu folder and FONTCONFIG_FILE points at it', () => {
  const file = configureFonts();
  assert.equal(process.env.FONTCONFIG_FILE, file);
  const conf = readFileSync(file, 'utf8');
  const dirs = [...conf.matchAll(/<dir>([^<]*)<\/dir>/g)].map((m) => m[1]);
  assert.deepEqual(dirs, [fontDir()]);
  assert.match(conf, /<cachedir>[^<]+<\/cachedir>/);
  assert.doesNotMatch(conf, /<include/);
  assert.match(fontDir(), /dejavu-fonts-ttf[/\\]ttf$/);
});

test('fontsConf escapes XML in folder names', () => {
  assert.match(fontsConf('/a&b/<c>', '/tmp/x'), /<dir>\/a&amp;b\/&lt;c&gt;<\/dir>/);
});

const svg = (label: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><text x="20" y="70" font-family="DejaVu Sans" font-weight="bold" font-size="48">${label}</text></svg>`;

test('text renders where it is placed, and nowhere else', async () => {
  const r = await renderSvg(svg('BUSY'), 300, 100);
  assert.ok(darkIn(r, { x: 20, y: 30, w: 140, h: 42 }) > 1000, 'the word is drawn');
  assert.equal(darkIn(r, { x: 180, y: 0, w: 120, h: 100 }), 0, 'nothing right of the word');
  assert.equal(darkIn(r, { x: 0, y: 0, w: 300, h: 20 }), 0, 'nothing above the word');
});

test('rendering the same SVG twice gives the same bytes', async () => {
  const a = await renderSvg(svg('Free until 14:00 — Ünïcode'), 300, 100);
  const b = await renderSvg(svg('Free until 14:00 — Ünïcode'), 300, 100);
  assert.ok(a.data.equals(b.data));
});

test('renderSvg rejects an SVG of another size than asked for', async () => {
  await assert.rejects(renderSvg(svg('x'), 320, 100), /drew 300x100x3, expected 320x100x3/);
});
