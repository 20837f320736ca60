import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContent } from '../../../edge/render/content.js';
import { stringsFor } from '../../../edge/render/i18n.js';
import { sampleView } from '../../../edge/render/samples.js';

test('free all day, free until, busy until', () => {
  assert.equal(buildContent(sampleView('free-all-day')).until, 'Free all day');
  assert.equal(buildContent(sampleView('free-until', { locale: 'en-GB' })).until, 'Free until 11:30');
  assert.equal(buildContent(sampleView('busy', { locale: 'de' })).until, 'Belegt bis 11:00');
  assert.equal(buildContent(sampleView('busy', { locale: 'de' })).statusLabel, 'BELEGT');
});

test('the clock and date follow the room zone and locale', () => {
  const c = buildContent(sampleView('busy', { locale: 'de', timeZone: 'America/New_York' }));
  assert.equal(c.clock, '10:05');
  assert.equal(c.date, 'Dienstag, 3. März');
  const fr = buildContent(sampleView('busy', { locale: 'fr' }));
  assert.equal(fr.date, 'mardi 3 mars');
});

test('a hidden title reads "Private meeting" in the room language; organizers show when given', () => {
  assert.equal(buildContent(sampleView('private-meeting')).meeting?.title, 'Private meeting');
  assert.equal(buildContent(sampleView('private-meeting', { locale: 'es' })).meeting?.title, 'Reunión privada');
  assert.equal(buildContent(sampleView('private-meeting')).meeting?.organizer, null);
  assert.equal(buildContent(sampleView('busy')).meeting?.organizer, 'Maria Keller');
});

test('check-in prompt, next meetings, offline, notice and pending', () => {
  const c = buildContent(sampleView('awaiting-checkin', { locale: 'en-GB' }));
  assert.equal(c.status, 'checkin');
  assert.equal(c.checkIn?.by, 'Check in by 10:10');
  assert.deepEqual(
    c.upcoming.map((e) => e.title),
    ['Customer call — Northwind', 'Lunch & learn: accessibility', 'Sprint planning', 'Interview (backend)'],
  );
  assert.equal(c.upcoming[0]?.time, '11:30 – 12:00');
  const off = buildContent(sampleView('offline', { locale: 'fr' }));
  assert.equal(off.offline, 'Hors ligne');
  assert.equal(off.pending, 'Prolongation…');
  assert.equal(buildContent(sampleView('notice')).notice?.startsWith('Facilities: Fire drill'), true);
  const err = { ...sampleView('notice'), error: 'The room is busy' };
  assert.equal(buildContent(err).notice, 'The room is busy');
});

test('a meeting on another day is shown with its day', () => {
  const v = sampleView('free-until', { locale: 'en-GB' });
  const tomorrow = { ...v.agenda[0]!, id: 't1', start: '2026-03-04T08:00:00Z', end: '2026-03-04T09:00:00Z' };
  const c = buildContent({ ...v, agenda: [...v.agenda, tomorrow] });
  assert.equal(c.upcoming.at(-1)?.time, 'Tomorrow 09:00 – 10:00');
});

test('unknown languages fall back to English; a bad zone is a clear error', () => {
  assert.equal(stringsFor('pt-BR').free, 'FREE');
  assert.equal(stringsFor('de-AT').free, 'FREI');
  assert.throws(() => buildContent(sampleView('busy', { timeZone: 'Mars/Base' })), /Mars\/Base/);
});

test('a check-in window of the next meeting, open during the current one, names that meeting', () => {
  const v = sampleView('busy', { locale: 'en-GB' });
  const next = v.agenda[0]!;
  const early = { ...v, state: { ...v.state, checkIn: { eventId: next.id, opensAt: '2026-03-03T09:00:00Z', closesAt: '2026-03-03T10:40:00Z' } } };
  const c = buildContent(early);
  assert.equal(c.meeting?.title, 'Design review: door panel v2');
  assert.equal(c.checkIn?.by, 'Next (11:30): check in by 11:40');
  assert.equal(buildContent(sampleView('awaiting-checkin', { locale: 'en-GB' })).checkIn?.by, 'Check in by 10:10');
});

test('the date comes in shorter forms, longest first', () => {
  const c = buildContent(sampleView('busy', { locale: 'en-US', day: '2026-11-29' }));
  assert.deepEqual(c.dateForms, ['Sunday, November 29', 'Sun, Nov 29', 'Nov 29', '11/29']);
  const noClock = buildContent({ ...sampleView('busy', { locale: 'en-US', day: '2026-11-29' }), showClock: false });
  assert.deepEqual(noClock.dateForms, []);
  assert.equal(noClock.clock, 'Sun, Nov 29');
  assert.deepEqual(noClock.clockForms, ['Sun, Nov 29', 'Nov 29', '11/29']);
});
