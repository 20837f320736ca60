import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContent } from '../../../edge/render/content.js';
import { pickLayout } from '../../../edge/render/layouts/index.js';
import { textMeasurer } from '../../../edge/render/metrics.js';
import { sampleView } from '../../../edge/render/samples.js';
import { PANEL_GEOMETRY } from '../../../edge/render/preview.js';
import { ROOM_STRINGS } from '../../../shared/i18n/room-strings.js';

test('someone in a free room: the panel offers to book it, in the room\'s language', () => {
  assert.deepEqual(buildContent(sampleView('free-presence')).offer, { line: "Someone's here", prompt: 'Press Book to hold this room' });
  assert.deepEqual(buildContent(sampleView('free-presence', { locale: 'de' })).offer, ROOM_STRINGS.de?.presenceOffer);
  assert.equal(buildContent(sampleView('free-until')).offer, null, 'nobody there: no offer');
  const v = sampleView('free-presence');
  assert.equal(buildContent({ ...v, offline: true }).offer, null, 'offline a booking cannot be made');
  // A check-in window open for the next meeting: those present are its people, the check-in line speaks.
  const next = v.state.next!;
  const early = { ...v, state: { ...v.state, checkIn: { eventId: next.id, opensAt: next.start, closesAt: next.end } } };
  assert.equal(buildContent(early).offer, null);
  const busy = sampleView('busy');
  assert.equal(buildContent({ ...busy, present: true }).offer, null, 'a busy room: its meeting is there');
});

test('every panel model draws the offer in a free room someone is in', () => {
  const m = textMeasurer();
  for (const [model, g] of Object.entries(PANEL_GEOMETRY)) {
    const target = { width: g.width, height: g.height, colors: g.colors };
    const svg = pickLayout(target).render(buildContent(sampleView('free-presence')), target, m);
    assert.match(svg, /Someone(&#39;|&apos;|')s here/, `${model}: the offer is shown`);
    const plain = pickLayout(target).render(buildContent(sampleView('free-until')), target, m);
    assert.doesNotMatch(plain, /Someone/, `${model}: not without presence`);
    if (g.width >= 400) assert.match(svg, /Press Book to hold this room/, `${model}: and how`);
  }
});
