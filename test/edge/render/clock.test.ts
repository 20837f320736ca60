import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContent } from '../../../edge/render/content.js';
import { sampleView } from '../../../edge/render/samples.js';
import { printsClock } from '../../../edge/render/preview.js';

test('a panel that only refreshes in full prints the day, never a time that goes stale', () => {
  const view = sampleView('busy');
  const withClock = buildContent(view);
  assert.match(withClock.clock, /\d{1,2}:\d{2}/);
  const dateOnly = buildContent({ ...view, showClock: false });
  assert.doesNotMatch(dateOnly.clock, /\d{1,2}:\d{2}/);
  assert.match(dateOnly.clock, /Tue/);
  assert.equal(dateOnly.date, '');
});

test('which models print the time: those with partial refresh, and screens', () => {
  assert.equal(printsClock('epd7in5_V2'), true);
  assert.equal(printsClock('epd4in2_V2'), true);
  assert.equal(printsClock('epd2in13_V4'), true);
  assert.equal(printsClock('epd7in5b_V2'), false);
  assert.equal(printsClock('epd4in2'), false);
  assert.equal(printsClock('hdmi-1280x720'), true);
});
