import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usageCsv, usageReport, type UsageRow } from '../../../server/reports/usage.js';
import { usageChart } from '../../../server/http/pages/usage-html.js';
import { ADMIN_TOKEN, startTestServer } from '../../helpers/server.js';
import { at, meeting, world } from '../bookings/world.js';
import { FakeClock } from '../../../shared/clock.js';
import { until } from '../../helpers/wait.js';
import { presenceWorld } from '../presence/presence-world.js';

const WEEK = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];

test('a simulated week: booked, checked-in, released and door bookings per room and day', async () => {
  const w = world({ start: '08:00' });
  try {
    for (const day of WEEK) {
      const m = (id: string, from: string, to: string, extra = {}) => ({ ...meeting(`${id}-${day}`, from, to, extra), start: at(from, day), end: at(to, day) });
      w.add('ada', m('standup', '09:00', '10:00'));
      w.add('ada', m('sync', '11:00', '11:30'));
      w.add('grace', m('workshop', '10:00', '12:00', { checkInRequired: false }));
    }
    // Wednesday's sync was cancelled by its organizer: not booked, not a no-show.
    w.add('ada', { ...meeting('sync-2026-03-04', '11:00', '11:30', { status: 'cancelled' }), start: at('11:00', '2026-03-04'), end: at('11:30', '2026-03-04') });
    w.release.start();
    for (const day of WEEK) {
      await w.clock.advanceAsync(Date.parse(at('09:02', day)) - w.clock.now());
      await w.bookings.checkIn('ada', { eventId: `standup-${day}`, scope: 'test' });
      // Nobody comes to the 11:00 sync: released at 11:10 by the timer.
      await w.clock.advanceAsync(Date.parse(at('14:00', day)) - w.clock.now());
      await w.bookings.bookNow('ada', { durationMins: 30, via: 'panel', scope: 'test' });
      await w.clock.advanceAsync(Date.parse(at('20:00', day)) - w.clock.now());
    }
    const report = (from: string, to: string): UsageRow[] =>
      usageReport({ rooms: w.rooms.list(), events: (id, a, b) => w.store.events.listForRoom(id, a, b), releases: w.store.changes.since(0, 100_000).filter((c) => c.kind === 'release') }, from, to);
    const rows = report('2026-03-02', '2026-03-08');
    assert.equal(rows.length, 14, 'two rooms, seven days each (the weekend empty)');
    const ada = (day: string) => rows.find((r) => r.room === 'ada' && r.day === day);
    const none = { releasedNoPresence: 0, presenceMinutes: null };
    assert.deepEqual(ada('2026-03-02'), { room: 'ada', day: '2026-03-02', bookedHours: 2, checkedInHours: 0.97, releasedNoShows: 1, adHocBookings: 1, ...none });
    assert.deepEqual(ada('2026-03-04'), { room: 'ada', day: '2026-03-04', bookedHours: 1.5, checkedInHours: 0.97, releasedNoShows: 0, adHocBookings: 1, ...none });
    assert.deepEqual(ada('2026-03-07'), { room: 'ada', day: '2026-03-07', bookedHours: 0, checkedInHours: 0, releasedNoShows: 0, adHocBookings: 0, ...none });
    const grace = rows.filter((r) => r.room === 'grace');
    assert.equal(grace.reduce((n, r) => n + r.bookedHours, 0), 10);
    assert.equal(grace.reduce((n, r) => n + r.checkedInHours + r.releasedNoShows + r.adHocBookings, 0), 0);
    assert.equal(rows.reduce((n, r) => n + r.releasedNoShows, 0), 4, 'four no-shows in the week');

    const csv = usageCsv(rows).split('\r\n');
    assert.equal(csv[0], 'room,day,booked_hours,checked_in_hours,released_no_shows,released_no_presence,ad_hoc_bookings,presence_minutes');
    assert.ok(csv.includes('ada,2026-03-02,2,0.97,1,0,1,'), 'no sensor: an empty presence cell');
    assert.throws(() => report('2026-03-08', '2026-03-02'), /to: must not be before from/);
    assert.throws(() => report('2026-01-01', '2026-06-01'), /at most 92 days/);

    const svg = usageChart(rows.filter((r) => r.room === 'ada'), 'Ada <Lovelace>');
    assert.match(svg, /^<svg /);
    assert.match(svg, /Usage of Ada &lt;Lovelace&gt;/);
    assert.equal((svg.match(/<rect /g) ?? []).length, 14, 'two bars a day');
    assert.doesNotMatch(svg, /href|<script/);
  } finally {
    w.close();
  }
});

test('GET /api/v1/reports/usage as JSON or CSV, and the page, for the admin only', async (t) => {
  const { base, cleanup } = await startTestServer();
  t.after(cleanup);
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const q = '?from=2026-03-02&to=2026-03-03';
  assert.equal((await fetch(`${base}/api/v1/reports/usage${q}`)).status, 401);
  const json = await fetch(`${base}/api/v1/reports/usage${q}`, { headers: auth });
  assert.equal(json.status, 200);
  const body = (await json.json()) as { rows: UsageRow[] };
  assert.deepEqual(body.rows.map((r) => `${r.room} ${r.day}`), ['ada 2026-03-02', 'ada 2026-03-03', 'grace 2026-03-02', 'grace 2026-03-03']);
  const csv = await fetch(`${base}/api/v1/reports/usage${q}`, { headers: { ...auth, accept: 'text/csv' } });
  assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
  assert.equal((await csv.text()).split('\r\n').length, 6);
  assert.match(await (await fetch(`${base}/api/v1/reports/usage${q}&format=csv`, { headers: auth })).text(), /^room,day,/);
  const bad = await fetch(`${base}/api/v1/reports/usage?from=yesterday&to=2026-03-03`, { headers: auth });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /from: must be a date/);
  // The page takes the token in the header too: a token in a URL ends up in histories and logs.
  assert.equal((await fetch(`${base}/reports/usage${q}&access_token=${ADMIN_TOKEN}`)).status, 401);
  const page = await fetch(`${base}/reports/usage${q}`, { headers: auth });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.equal((html.match(/<svg /g) ?? []).length, 2, 'a chart per room');
  assert.doesNotMatch(html, /<script|<link|src="http/);
});

test('a release outlives the change log: the report still counts it after the log is pruned', async (t) => {
  const clock = new FakeClock(at('09:00'));
  const { server, base, cleanup } = await startTestServer({ clock, seed: new Map([['ada', [meeting('m10', '10:00', '11:00')]]]) });
  t.after(cleanup);
  await clock.advanceAsync(Date.parse(at('10:10')) - clock.now());
  await until(() => server.store.events.get('ada', 'm10')?.status === 'cancelled', 'released');
  server.store.changes.prune({ maxAgeMs: 0, now: clock.now() + 1 });
  assert.equal(server.store.changes.since(0).filter((c) => c.kind === 'release').length, 0, 'gone from the change log');
  const r = await fetch(`${base}/api/v1/reports/usage?from=2026-03-02&to=2026-03-02`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const rows = ((await r.json()) as { rows: UsageRow[] }).rows;
  assert.deepEqual(rows.find((x) => x.room === 'ada'), { room: 'ada', day: '2026-03-02', bookedHours: 1, checkedInHours: 0, releasedNoShows: 1, releasedNoPresence: 0, adHocBookings: 0, presenceMinutes: null });
});

test('the simulated week with a presence sensor in Ada: present minutes per day, and meetings released for want of presence', async () => {
  const w = presenceWorld({ start: '08:00', config: { site: { timeZone: 'Europe/Berlin', presence: { releaseAfterMins: 15 } }, rooms: [{ id: 'ada', name: 'Ada Lovelace' }, { id: 'grace', name: 'Grace Hopper' }] } });
  try {
    const go = (hhmm: string, day: string) => w.clock.advanceAsync(Date.parse(at(hhmm, day)) - w.clock.now());
    for (const day of WEEK) {
      const m = (id: string, from: string, to: string, extra = {}) => ({ ...meeting(`${id}-${day}`, from, to, extra), start: at(from, day), end: at(to, day) });
      w.add('ada', m('standup', '09:00', '10:00'));
      w.add('ada', m('sync', '11:00', '11:30'));
      w.add('grace', m('workshop', '10:00', '12:00', { checkInRequired: false }));
    }
    // The sensor reports from Tuesday on: Monday has no presence figure.
    w.display('door', 'ada');
    w.release.start();
    await go('20:00', WEEK[0] as string);
    await go('08:00', WEEK[1] as string);
    w.report('door', false);
    for (const day of WEEK.slice(1)) {
      await go('09:00', day);
      w.report('door', true);
      await w.bookings.checkIn('ada', { eventId: `standup-${day}`, scope: 'test' });
      // Everybody leaves at 09:30: on Thursday and Friday they come back before 15 minutes are up.
      await go('09:30', day);
      w.report('door', false);
      if (day >= '2026-03-05') {
        await go('09:40', day);
        w.report('door', true);
        await go('10:00', day);
        w.report('door', false);
      }
      // The 11:00 sync: nobody checks in; its window closes at 11:10, before 15 minutes without presence.
      await go('20:00', day);
    }
    const rows = usageReport(
      { rooms: w.rooms.list(), events: (id, a, b) => w.store.events.listForRoom(id, a, b), releases: w.store.changes.since(0, 100_000).filter((c) => c.kind === 'release'), presence: (id, a, b) => w.store.presence.list(id, a, b), now: w.clock.now() },
      '2026-03-02',
      '2026-03-08',
    );
    const ada = (day: string) => rows.find((r) => r.room === 'ada' && r.day === day);
    assert.equal(ada('2026-03-02')?.presenceMinutes, null, 'no sensor reported yet on Monday');
    assert.equal(ada('2026-03-03')?.presenceMinutes, 30);
    assert.equal(ada('2026-03-05')?.presenceMinutes, 50, '09:00-09:30 and 09:40-10:00');
    assert.equal(ada('2026-03-07')?.presenceMinutes, null, 'Saturday has not begun (the week ends on Friday evening): no figure, not "nobody"');
    assert.equal(rows.filter((r) => r.room === 'grace').every((r) => r.presenceMinutes === null), true, 'no sensor in Grace');
    // Tuesday and Wednesday the standup emptied at 09:30 and was released at 09:45; Thursday and Friday it was kept.
    assert.equal(ada('2026-03-03')?.releasedNoPresence, 1);
    assert.equal(ada('2026-03-05')?.releasedNoPresence, 0);
    assert.equal(ada('2026-03-03')?.checkedInHours, 0.75, 'checked in from 09:00 until the release at 09:45');
    assert.equal(ada('2026-03-05')?.checkedInHours, 1);
    // The syncs: nobody checked in, the window (11:10) closed before 15 minutes without presence (11:15).
    assert.equal(rows.reduce((n, r) => n + r.releasedNoShows, 0), 6, 'the five syncs and Monday\'s standup (nobody came)');
    assert.equal(rows.reduce((n, r) => n + r.releasedNoPresence, 0), 2);
    assert.match(usageCsv(rows), /\r\nada,2026-03-05,1.5,1,1,0,0,50\r\n/);
    const svg = usageChart(rows.filter((r) => r.room === 'ada'), 'Ada');
    assert.equal((svg.match(/<rect /g) ?? []).length, 14 + 4, 'a third bar on the four days the sensor reported');
    assert.match(svg, /2026-03-05: 50 min present/);
  } finally {
    w.close();
  }
});
