import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../../shared/logger.js';
import { GoogleSync } from '../../../../server/providers/google/google-sync.js';
import { ProviderRequestError } from '../../../../server/sync/provider-error.js';
import { at, googleHarness, settle, type Harness } from './harness.js';

const ADA = 'ada@resource.example.com';

function syncer(h: Harness): GoogleSync {
  return new GoogleSync({ api: h.api, runner: h.runner, store: h.store, clock: h.clock, log: silentLogger(), pendingIds: () => new Set() });
}

function meeting(id: string, from: string, to: string, extra: object = {}): Parameters<Harness['fake']['put']>[1] {
  return { id, status: 'confirmed', summary: `M ${id}`, start: { dateTime: at(from) }, end: { dateTime: at(to) }, organizer: { email: 'o@example.com', displayName: 'Olga' }, ...extra };
}

test('full sync pages through to the sync token, expands recurrences, and keeps the token', async () => {
  const h = await googleHarness();
  try {
    for (let i = 0; i < 5; i++) h.fake.put(ADA, meeting(`evt${i}0`, `${10 + i}:00`, `${10 + i}:30`));
    h.fake.put(ADA, { ...meeting('series1', '09:00', '09:15'), recurringEventId: undefined });
    h.fake.put(ADA, meeting('series1_20260302', '09:00', '09:15', { recurringEventId: 'series1' }));
    h.fake.put(ADA, meeting('old', '00:00', '00:30', { start: { dateTime: '2026-02-20T09:00:00Z' }, end: { dateTime: '2026-02-20T10:00:00Z' } }));
    // A master without singleEvents would be listed; with it, instances replace the master.
    h.fake.remove(ADA, 'series1');
    const res = await syncer(h).sync('ada', ADA);
    assert.deepEqual(res, { changed: true, full: true });
    const ids = h.store.events.listForRoom('ada').map((e) => e.id).sort();
    assert.deepEqual(ids, ['evt00', 'evt10', 'evt20', 'evt30', 'evt40', 'series1_20260302']);
    const series = h.store.events.get('ada', 'series1_20260302');
    assert.equal(series?.seriesId, 'series1');
    assert.equal(series?.organizer, 'Olga');
    assert.equal(series?.bookedVia, 'provider');
    assert.match(h.store.syncState.get('ada', 'google')?.token ?? '', /^sync-\d+$/);
    assert.equal(h.fake.count('GET', '/events'), 3, 'an empty first page, then two pages of three');
  } finally {
    await h.close();
  }
});

test('incremental sync applies changes and deletions with the token alone', async () => {
  const h = await googleHarness();
  try {
    h.fake.put(ADA, meeting('keep', '10:00', '11:00'));
    h.fake.put(ADA, meeting('gone', '12:00', '13:00'));
    const s = syncer(h);
    await s.sync('ada', ADA);
    h.fake.put(ADA, meeting('keep', '10:00', '11:30', { summary: 'Longer' }));
    h.fake.remove(ADA, 'gone');
    h.fake.put(ADA, meeting('new', '14:00', '15:00'));
    const before = h.fake.count('GET', '/events');
    const res = await s.sync('ada', ADA);
    assert.deepEqual(res, { changed: true, full: false });
    assert.equal(h.fake.count('GET', '/events') - before, 1);
    assert.deepEqual(h.store.events.listForRoom('ada').map((e) => [e.id, e.end]), [
      ['keep', at('11:30')],
      ['new', at('15:00')],
    ]);
    assert.deepEqual(await s.sync('ada', ADA), { changed: false, full: false });
  } finally {
    await h.close();
  }
});

test('410 Gone drops the token and syncs in full', async () => {
  const h = await googleHarness();
  try {
    h.fake.put(ADA, meeting('a1', '10:00', '11:00'));
    const s = syncer(h);
    await s.sync('ada', ADA);
    h.fake.remove(ADA, 'a1');
    h.fake.put(ADA, meeting('b1', '12:00', '13:00'));
    h.fake.expireSyncTokens();
    const res = await s.sync('ada', ADA);
    assert.deepEqual(res, { changed: true, full: true });
    assert.deepEqual(h.store.events.listForRoom('ada').map((e) => e.id), ['b1']);
    assert.ok(h.fake.log.some((l) => l.status === 410));
  } finally {
    await h.close();
  }
});

test('check-in stays local across syncs', async () => {
  const h = await googleHarness();
  try {
    h.fake.put(ADA, meeting('m1', '10:00', '11:00'));
    const s = syncer(h);
    await s.sync('ada', ADA);
    const e = h.store.events.get('ada', 'm1');
    assert.ok(e);
    assert.equal(e.checkInRequired, true);
    h.store.events.upsert('ada', { ...e, checkedInAt: at('10:02') });
    h.fake.put(ADA, meeting('m1', '10:00', '11:15'));
    await s.sync('ada', ADA);
    assert.equal(h.store.events.get('ada', 'm1')?.checkedInAt, at('10:02'));
    h.fake.expireSyncTokens();
    await s.sync('ada', ADA);
    assert.equal(h.store.events.get('ada', 'm1')?.checkedInAt, at('10:02'));
  } finally {
    await h.close();
  }
});

test('429 with Retry-After and 403 usageLimits are retried after backoff; 404 is not', async () => {
  const h = await googleHarness();
  try {
    h.fake.put(ADA, meeting('m1', '10:00', '11:00'));
    h.fake.fail({ status: 429, retryAfter: '30' });
    h.fake.fail({ status: 403, reason: 'userRateLimitExceeded' });
    h.fake.fail({ status: 503 });
    const startedAt = h.clock.now();
    await settle(syncer(h).sync('ada', ADA), h.clock);
    assert.ok(h.clock.now() - startedAt >= 30_000, 'waited at least the Retry-After');
    assert.equal(h.store.events.listForRoom('ada').length, 1);
    assert.ok((h.budget.counts()['sync.full'] ?? 0) >= 5);
    await assert.rejects(syncer(h).sync('ada', 'nobody@example.com'), (e: unknown) => e instanceof ProviderRequestError && e.status === 404);
  } finally {
    await h.close();
  }
});

test('a provider that keeps failing is reported unavailable and comes back', async () => {
  const h = await googleHarness();
  try {
    const seen: boolean[] = [];
    h.runner.onAvailability((up) => seen.push(up));
    h.fake.fail({ status: 500 }, 6);
    await assert.rejects(settle(syncer(h).sync('ada', ADA), h.clock), /PROVIDER_UNAVAILABLE|google sync.full/);
    assert.equal(h.runner.available, false);
    // Held without a request until the breaker's cool-down is over; then one probe finds it back.
    const asked = h.fake.log.length;
    await assert.rejects(syncer(h).sync('ada', ADA), /held while google is down/);
    assert.equal(h.fake.log.length, asked);
    h.clock.advance(15_000);
    await syncer(h).sync('ada', ADA);
    assert.deepEqual(seen, [false, true]);
  } finally {
    await h.close();
  }
});
