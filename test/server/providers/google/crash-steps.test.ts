import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCrashWeek, runCrashWeek } from '../../../../bench/provider-crash.js';

test('bookings, extends and cancels crashed at every step of the outbox are neither lost nor doubled', async () => {
  const r = await runCrashWeek({ rooms: 3, days: 2, bookingsPerDay: 3 });
  assert.equal(r.bookings, 6);
  // Per day: three bookings, one extended, one cancelled.
  assert.equal(r.writes, 10);
  assert.deepEqual(r.crashes, { decided: 10, sent: 10, done: 10 });
  assert.deepEqual(r.lost, []);
  assert.deepEqual(r.doubled, []);
  assert.deepEqual(r.disagree, []);
  assert.match(formatCrashWeek(r), /30 crashes injected .* lost 0, doubled 0, store disagrees 0/);
});

test('the same crash week on Microsoft Graph: neither lost nor doubled', async () => {
  const r = await runCrashWeek({ rooms: 3, days: 2, bookingsPerDay: 3, tenant: 'microsoft' });
  assert.equal(r.bookings, 6);
  assert.deepEqual(r.crashes, { decided: 10, sent: 10, done: 10 });
  assert.deepEqual(r.lost, []);
  assert.deepEqual(r.doubled, []);
  assert.deepEqual(r.disagree, []);
});
