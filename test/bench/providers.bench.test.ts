import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProviderBench, graphRequestKind, requestKind, runProviderBench } from '../../bench/providers.bench.js';

test('requests to the fake are counted by kind', () => {
  const cal = '/calendar/v3/calendars/a%40r.example.com/events';
  assert.equal(requestKind('GET', cal), 'list');
  assert.equal(requestKind('POST', cal), 'insert');
  assert.equal(requestKind('POST', `${cal}/watch`), 'watch');
  assert.equal(requestKind('PATCH', `${cal}/bk1`), 'patch');
  assert.equal(requestKind('DELETE', `${cal}/bk1`), 'delete');
  assert.equal(requestKind('GET', `${cal}/bk1`), 'get');
  assert.equal(requestKind('POST', '/calendar/v3/channels/stop'), 'stop');
  assert.equal(requestKind('POST', '/calendar/v3/freeBusy'), 'freeBusy');
  assert.equal(requestKind('GET', '/admin/directory/v1/customer/my_customer/resources/calendars'), 'resources');
});

test('a short simulated run converges, the safety net catches every lost notification, and the outage is refused', async () => {
  const r = await runProviderBench({ rooms: 4, days: 3, changesPerRoomDay: 6 });
  assert.equal(r.changes, 4 * 3 * 6);
  assert.equal(r.dropped, 3);
  assert.equal(r.notifications, r.changes - r.dropped);
  assert.equal(r.caught, r.dropped);
  assert.ok(r.worstCatchMins <= 60, `caught within the hour, not ${r.worstCatchMins} min`);
  assert.ok(r.failedRequests > 0, 'the outage answered 503');
  assert.deepEqual(r.mismatched, []);
  assert.equal(r.converged, true);
  // Each delivered notification costs one incremental list; each room one full sync (two pages) at the start.
  assert.ok((r.requests.list ?? 0) >= r.notifications + 2 * 4);
  assert.equal(r.requests.watch, 4);
  assert.match(formatProviderBench(r), /converged .*: yes/);
});

test('the same week on Microsoft Graph converges, and the getSchedule safety net catches every lost notification', async () => {
  const r = await runProviderBench({ rooms: 4, days: 3, changesPerRoomDay: 6, tenant: 'microsoft' });
  assert.equal(r.changes, 4 * 3 * 6);
  assert.equal(r.dropped, 3);
  assert.equal(r.notifications, r.changes - r.dropped);
  assert.equal(r.caught, r.dropped);
  assert.ok(r.worstCatchMins <= 60, `caught within the hour, not ${r.worstCatchMins} min`);
  assert.ok(r.failedRequests > 0, 'the outage answered 503');
  assert.deepEqual(r.mismatched, []);
  assert.equal(r.requests.subscribe, 4);
  assert.ok((r.requests.getSchedule ?? 0) > 0);
  assert.match(formatProviderBench(r), /Graph API requests/);
});

test('Graph requests are named by kind', () => {
  assert.equal(graphRequestKind('GET', '/v1.0/users/a@b.c/calendarView/delta'), 'delta');
  assert.equal(graphRequestKind('POST', '/v1.0/users/a@b.c/calendar/getSchedule'), 'getSchedule');
  assert.equal(graphRequestKind('POST', '/v1.0/subscriptions'), 'subscribe');
  assert.equal(graphRequestKind('PATCH', '/v1.0/subscriptions/s1'), 'renew');
  assert.equal(graphRequestKind('POST', '/v1.0/users/a@b.c/events'), 'create');
});
