import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { api, startTestServer } from '../../helpers/server.js';
import { at, meeting, ms } from './world.js';

type Json = Record<string, unknown>;

const DAYS = ['2026-03-02', '2026-03-03', '2026-03-04'];

test('through the server: book now, extend into a conflict, end early, check-in window, no-shows released by the timer, flagged series', async (t) => {
  const clock = new FakeClock(at('08:00'));
  const standups: CalendarEvent[] = DAYS.map((day) => meeting(`standup-${day}`, '09:00', '09:15', { seriesId: 'standup', title: 'Team standup', start: at('09:00', day), end: at('09:15', day) }));
  const { server, base, cleanup } = await startTestServer({
    clock,
    seed: new Map([
      ['ada', standups],
      ['grace', [meeting('review', '11:00', '12:00')]],
    ]),
    config: { site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada' }, { id: 'grace', name: 'Grace', privacy: 'organizer' }] },
  });
  t.after(cleanup);
  const status = async (room: string) => (await api(base, 'GET', `/api/v1/meetings?room=${room}`)).json as { busyNow: boolean; status: string; current: Json | null; next: Json[] };

  await t.test('the no-show is released at 09:10 by the timer, with no request', async () => {
    await clock.advanceAsync(ms('09:09') - clock.now());
    assert.equal((await status('ada')).status, 'awaiting-checkin');
    await clock.advanceAsync(ms('09:10') - clock.now());
    assert.equal(server.store.events.get('ada', `standup-${DAYS[0]}`)?.status, 'cancelled');
    const st = await status('ada');
    assert.equal(st.busyNow, false);
    assert.equal(st.current, null);
    const release = server.store.changes.since(0).find((c) => c.kind === 'release');
    assert.equal(release?.at, ms('09:10'));
    assert.equal(release?.roomId, 'ada');
  });

  await t.test('book now at 09:58 ends on the 10:30 mark; extend into the next meeting is refused with it', async () => {
    await clock.advanceAsync(ms('09:58') - clock.now());
    const booked = await api(base, 'POST', '/api/v1/meetings', { room: 'grace', durationMins: 30 }, { 'idempotency-key': 'rest-bookings-1' });
    assert.equal(booked.status, 201);
    const m = (booked.json as { meeting: { id: string; start: string; end: string } }).meeting;
    assert.equal(m.start, at('09:58'));
    assert.equal(m.end, at('10:30'));
    const again = await api(base, 'POST', '/api/v1/meetings', { room: 'grace', durationMins: 30 }, { 'idempotency-key': 'rest-bookings-1' });
    assert.deepEqual(again.json, booked.json);

    const ext = await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(m.id)}`, { extendMins: 30 });
    assert.equal(ext.status, 200);
    assert.equal((ext.json as { meeting: Json }).meeting.end, at('11:00'));
    const blocked = await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(m.id)}`, { extendMins: 15 });
    assert.equal(blocked.status, 409);
    const err = (blocked.json as { error: { code: string; details: { conflicting: Json } } }).error;
    assert.equal(err.code, 'CONFLICT');
    assert.equal(err.details.conflicting.id, 'review');

    await clock.advanceAsync(ms('10:20') - clock.now());
    const ended = await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(m.id)}`, { end: 'now' });
    assert.equal(ended.status, 200);
    assert.equal((ended.json as { meeting: Json }).meeting.end, at('10:20'));
    assert.equal((await status('grace')).busyNow, false);
  });

  await t.test('check-in through the API: refused before the window, accepted inside it', async () => {
    const early = await api(base, 'POST', `/api/v1/meetings/${encodeURIComponent('grace~review')}/checkin`);
    assert.equal(early.status, 409);
    assert.equal((early.json as { error: { code: string } }).error.code, 'CHECKIN_CLOSED');
    await clock.advanceAsync(ms('10:56') - clock.now());
    const ok = await api(base, 'POST', `/api/v1/meetings/${encodeURIComponent('grace~review')}/checkin`);
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { meeting: Json }).meeting.checkedInAt, at('10:56'));
    await clock.advanceAsync(ms('11:30') - clock.now());
    assert.equal(server.store.events.get('grace', 'review')?.status, 'confirmed');
  });

  await t.test('after three released standups the series is flagged to the admin', async () => {
    const flagged = async () => (await api(base, 'GET', '/api/v1/flagged-series')).json as { series: Json[] };
    await clock.advanceAsync(ms('12:00', DAYS[1]) - clock.now());
    assert.deepEqual((await flagged()).series, []);
    await clock.advanceAsync(ms('12:00', DAYS[2]) - clock.now());
    const { series } = await flagged();
    assert.deepEqual(series, [{ room: 'ada', seriesId: 'standup', releases: 3, flaggedAt: at('09:10', DAYS[2]), title: 'Team standup', organizer: 'ana@example.com' }]);
    assert.deepEqual(((await api(base, 'GET', '/api/v1/flagged-series?room=grace')).json as { series: Json[] }).series, []);
    assert.equal((await api(base, 'GET', '/api/v1/flagged-series?room=nope')).status, 404);
    assert.equal((await fetch(`${base}/api/v1/flagged-series`)).status, 401);
    assert.equal((await api(base, 'DELETE', '/api/v1/flagged-series?room=ada')).status, 400);
    assert.equal((await api(base, 'DELETE', '/api/v1/flagged-series?room=ada&series=standup')).status, 204);
    assert.equal((await api(base, 'DELETE', '/api/v1/flagged-series?room=ada&series=standup')).status, 404);
    assert.deepEqual((await flagged()).series, []);
  });
});
