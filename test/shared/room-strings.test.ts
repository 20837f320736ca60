import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOM_STRINGS, stringsFor } from '../../shared/i18n/room-strings.js';
import { stringsFor as panelStringsFor } from '../../edge/render/i18n.js';
import { kioskPage } from '../../server/http/pages/kiosk-html.js';

test('room strings: the panel and the kiosk page speak from one table, Spanish included', () => {
  const html = kioskPage({ id: 'ada', name: 'Ada' });
  const inline = /const STRINGS = (\{.*?\});\n/.exec(html)?.[1];
  assert.ok(inline, 'the kiosk page carries its strings');
  assert.deepEqual(JSON.parse(inline) as unknown, ROOM_STRINGS);
  assert.deepEqual(Object.keys(ROOM_STRINGS).sort(), ['de', 'en', 'es', 'fr']);
  for (const locale of ['en', 'de-CH', 'fr', 'es-ES']) assert.equal(panelStringsFor(locale), stringsFor(locale));
  assert.equal(stringsFor('es').busy, 'OCUPADA');
  assert.equal(stringsFor('xx').free, 'FREE');
});

test('room strings: every language has every string', () => {
  const keys = (o: object): string[] => Object.keys(o).sort();
  for (const [lang, strings] of Object.entries(ROOM_STRINGS)) {
    assert.deepEqual(keys(strings), keys(ROOM_STRINGS.en!), lang);
    assert.deepEqual(keys(strings.pending), keys(ROOM_STRINGS.en!.pending), lang);
    for (const v of Object.values(strings)) if (typeof v === 'string') assert.ok(v.length > 0, lang);
  }
});
