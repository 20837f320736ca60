import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContent } from '../../../edge/render/content.js';
import { galleryPictures } from '../../../edge/render/gallery-cli.js';
import { pickLayout } from '../../../edge/render/layouts/index.js';
import { ELLIPSIS, textMeasurer } from '../../../edge/render/metrics.js';

/** The gallery's day, and days whose names are among the longest in each language. */
const DAYS = ['2026-03-03', '2026-09-30', '2026-11-29', '2026-12-23'];

/** The text of every `<text>` element, unescaped. */
function texts(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)) {
    out.push((m[1] ?? '').replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  }
  return out;
}

test('every gallery picture prints its date whole, in the longest form that fits', () => {
  const m = textMeasurer();
  let checked = 0;
  for (const day of DAYS) {
    for (const p of galleryPictures(day)) {
      const where = `${p.file} on ${day}`;
      const c = buildContent(p.view);
      const target = { width: p.geometry.width, height: p.geometry.height, colors: p.geometry.colors };
      const layout = pickLayout(target);
      const printed = texts(layout.render(c, target, m));
      // The clock's place: the time, or on a date-only panel the date in a form that fits.
      const clock = printed.find((t) => c.clockForms.includes(t));
      assert.ok(clock !== undefined, `${where}: the clock (${c.clockForms.join(' / ')}) is printed whole; printed ${JSON.stringify(printed.slice(0, 3))}`);
      const space = layout.dateSpace?.(c, m, target) ?? null;
      if (c.dateForms.length === 0 || space === null) continue;
      const date = printed.find((t) => c.dateForms.includes(t));
      assert.ok(date !== undefined, `${where}: the date is printed whole (${JSON.stringify(printed)})`);
      assert.ok(!date.includes(ELLIPSIS), `${where}: '${date}' is cut`);
      const longest = c.dateForms.find((f) => m.width(f, space.size) <= space.width);
      assert.equal(date, longest, `${where}: '${date}' printed where '${longest ?? ''}' fits in ${Math.round(space.width)} px`);
      checked++;
    }
  }
  assert.ok(checked > 40, `dates checked: ${checked}`);
});

test('the 7.5" header prints the long date beside a short room name', () => {
  const p = galleryPictures('2026-11-29').find((x) => x.file === 'epd7in5_V2-busy.png');
  assert.ok(p);
  const c = buildContent(p.view);
  assert.equal(c.date, 'Sunday, November 29');
  const layout = pickLayout({ ...p.geometry });
  assert.ok(texts(layout.render(c, { ...p.geometry }, textMeasurer())).includes('Sunday, November 29'));
});

test('a long room name leaves the short date form, not a cut one', () => {
  const p = galleryPictures('2026-09-30').find((x) => x.file === 'epd7in5_V2-busy-long-text.png');
  assert.ok(p);
  const c = buildContent(p.view);
  const printed = texts(pickLayout({ ...p.geometry }).render(c, { ...p.geometry }, textMeasurer()));
  assert.ok(!printed.includes(c.date), 'the long form does not fit beside the room name');
  assert.ok(printed.some((t) => c.dateForms.slice(1).includes(t)), `a shorter form is printed: ${JSON.stringify(printed.slice(0, 4))}`);
});
