import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ELLIPSIS, parseFontMetrics, textMeasurer } from '../../../edge/render/metrics.js';
import { renderSvg } from '../../../edge/render/renderer.js';

const m = textMeasurer();

/** The x extent of the dark pixels of a rendered line. */
async function inkWidth(text: string, size: number, weight: 'regular' | 'bold'): Promise<{ left: number; right: number }> {
  const w = 1400;
  const h = size * 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><text x="10" y="${size * 1.3}" font-family="DejaVu Sans" font-size="${size}"${weight === 'bold' ? ' font-weight="bold"' : ''}>${text}</text></svg>`;
  const r = await renderSvg(svg, w, h);
  let left = w;
  let right = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if ((r.data[(y * w + x) * 3] ?? 255) < 128) {
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  return { left, right };
}

for (const weight of ['regular', 'bold'] as const) {
  test(`measured ${weight} widths never fall short of what pango draws, and stay close`, async () => {
    // Strings ending in a glyph with a near-zero right side bearing, so ink ends at the advance.
    for (const s of ['Meeting room Nord', 'WAVE Ave. 12:00–13:00 I', 'Überraschung für Äbte I']) {
      const ink = await inkWidth(s, 40, weight);
      const measured = m.width(s, 40, weight);
      const drawn = ink.right + 1 - 10;
      // Kerning (not measured) only pulls letters together: the table may over-, never under-estimate.
      const why = `${weight} '${s}': measured ${measured.toFixed(1)}, drawn ${drawn}`;
      assert.ok(drawn - measured <= 2, why);
      assert.ok(measured - drawn <= measured * 0.04, why);
    }
  });
}

test('ellipsize keeps text that fits and cuts text that does not', () => {
  assert.equal(m.ellipsize('Aurora', 200, 20), 'Aurora');
  const long = 'Quarterly planning review with the regional sales leads and finance';
  const cut = m.ellipsize(long, 200, 20);
  assert.ok(cut.endsWith(ELLIPSIS));
  assert.ok(m.width(cut, 20) <= 200);
  assert.ok(long.startsWith(cut.slice(0, -1)));
  // One more character would not have fitted.
  const next = long.slice(0, cut.length - 1 + 1).trimEnd() + ELLIPSIS;
  assert.ok(m.width(next, 20) > 200 || next === cut);
});

test('ellipsize folds line breaks and never splits a surrogate pair', () => {
  assert.equal(m.ellipsize('a\nb\tc', 500, 20), 'a b c');
  const cut = m.ellipsize('𝄞'.repeat(50), 100, 20);
  assert.ok(!/[\ud800-\udbff]$/.test(cut.slice(0, -1)));
});

test('ellipsize returns an ellipsis alone or nothing when the room is tiny', () => {
  assert.equal(m.ellipsize('Hello', m.width(ELLIPSIS, 20) + 1, 20), ELLIPSIS);
  assert.equal(m.ellipsize('Hello', 1, 20), '');
});

test('fitSize shrinks before it ellipsizes', () => {
  const a = m.fitSize('Aurora', 300, 40, 20, 'bold');
  assert.deepEqual(a, { text: 'Aurora', size: 40 });
  const b = m.fitSize('Grand Conference Room', 300, 40, 20, 'bold');
  assert.ok(b.size < 40 && b.size > 20 && b.text === 'Grand Conference Room');
  assert.ok(m.width(b.text, b.size, 'bold') <= 300);
  const c = m.fitSize('Grand Conference Room West Wing Floor 12', 200, 40, 20, 'bold');
  assert.equal(c.size, 20);
  assert.ok(c.text.endsWith(ELLIPSIS) && m.width(c.text, 20, 'bold') <= 200);
});

test('wrap fills lines to the width and ellipsizes the last one', () => {
  const text = 'Quarterly planning review with the regional sales leads, finance partners, product owners and the platform team';
  const lines = m.wrap(text, 300, 20, 2);
  assert.equal(lines.length, 2);
  for (const l of lines) assert.ok(m.width(l, 20) <= 300, l);
  assert.ok(lines[1]?.endsWith(ELLIPSIS));
  assert.deepEqual(m.wrap('Short title', 300, 20, 2), ['Short title']);
  const word = m.wrap('Donaudampfschifffahrtsgesellschaftskapitän', 120, 20, 3);
  for (const l of word) assert.ok(m.width(l, 20) <= 120, l);
});

test('parseFontMetrics names the problem with a bad font file', () => {
  assert.throws(() => parseFontMetrics(Buffer.from('not a font at all'), 'x.ttf'), /x\.ttf: not a TrueType font/);
  assert.throws(() => parseFontMetrics(Buffer.alloc(4), 'y.ttf'), /y\.ttf: too short/);
});
