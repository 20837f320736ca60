import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../../../../shared/clock.js';
import { ProviderSchema, type IcsProviderConfig } from '../../../../shared/config/schema.js';
import { isDoorplateError } from '../../../../shared/errors.js';
import { silentLogger } from '../../../../shared/logger.js';
import { Store } from '../../../../server/store/store.js';
import { IcsProvider } from '../../../../server/providers/ics/ics-provider.js';
import { icalFixture } from '../ical/fixtures.js';

/** A published-calendar host: serves `body` with an ETag, answers 304 to a matching If-None-Match, records every request. */
class FeedHost {
  body = '';
  contentType = 'text/calendar; charset=utf-8';
  /** null: the host sends no ETag (Last-Modified only). */
  etag: string | null = '"v1"';
  lastModified = 'Mon, 23 Mar 2026 08:00:00 GMT';
  /** Answers this status (no body) while set, as a host in trouble does. */
  failWith: number | null = null;
  /** Sends the body without Content-Length (chunked), as a streaming server does. */
  chunked = false;
  readonly requests: Array<{ url: string; ifNoneMatch: string | null; ifModifiedSince: string | null }> = [];
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      this.requests.push({ url: req.url ?? '', ifNoneMatch: (req.headers['if-none-match'] as string | undefined) ?? null, ifModifiedSince: req.headers['if-modified-since'] ?? null });
      if (this.failWith !== null) {
        res.writeHead(this.failWith).end();
        return;
      }
      const unchanged = this.etag !== null ? req.headers['if-none-match'] === this.etag : req.headers['if-modified-since'] === this.lastModified;
      if (unchanged) {
        res.writeHead(304, this.etag !== null ? { etag: this.etag } : {}).end();
        return;
      }
      const headers: Record<string, string> = { 'content-type': this.contentType, 'last-modified': this.lastModified };
      if (this.etag !== null) headers.etag = this.etag;
      if (!this.chunked) headers['content-length'] = String(Buffer.byteLength(this.body));
      res.writeHead(200, headers);
      res.end(this.body);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

function icsConfig(extra: Record<string, unknown> = {}): IcsProviderConfig {
  const parsed = ProviderSchema.parse({ kind: 'ics', ...extra });
  if (parsed.kind !== 'ics') throw new Error('expected an ics config');
  return parsed;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, extra: Record<string, unknown> = {}) {
  const host = new FeedHost();
  const root = await host.start();
  const clock = new FakeClock('2026-03-25T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig([{ id: 'oslo', name: 'Oslo', calendar: `${root}/owa/calendar/secret-token/calendar.ics`, timeZone: 'Europe/Oslo' }]);
  const provider = new IcsProvider({ store, clock, config: icsConfig(extra), log: silentLogger(), defaultTimeZone: 'UTC', random: () => 0.5, retry: { baseMs: 1, maxMs: 1, maxAttempts: 2 } });
  const stale: Array<[string, boolean]> = [];
  provider.onStaleChanged((room, s) => stale.push([room, s]));
  const changed: string[] = [];
  provider.onRoomChanged((room) => changed.push(room));
  t.after(async () => {
    await provider.stop();
    store.close();
    await host.stop();
  });
  return { host, clock, store, provider, stale, changed };
}

const titles = (store: Store): string[] => [...new Set(store.events.listForRoom('oslo').map((e) => e.title))].sort();

test('an unchanged feed costs one conditional GET answered 304; a changed one is read again', async (t) => {
  const { host, store, provider, changed } = await setup(t);
  host.body = icalFixture('outlook-windows-zones.ics');
  await provider.requestSync('oslo');
  assert.equal(store.events.listForRoom('oslo').length, 7);
  assert.deepEqual(changed, ['oslo']);
  assert.ok(store.events.listForRoom('oslo').every((e) => !e.checkInRequired), 'nothing on a read-only feed asks for check-in');
  await provider.requestSync('oslo');
  assert.equal(host.requests.length, 2);
  assert.equal(host.requests[1]?.ifNoneMatch, '"v1"');
  assert.deepEqual(changed, ['oslo'], 'a 304 changes nothing');
  assert.deepEqual(provider.budget.counts(), { 'feed.get': 2 });

  host.body = host.body.replace('SUMMARY:Call with Seattle', 'SUMMARY:Call with Vancouver');
  host.etag = '"v2"';
  await provider.requestSync('oslo');
  assert.ok(titles(store).includes('Call with Vancouver'));
  assert.ok(!titles(store).includes('Call with Seattle'));
  assert.deepEqual(changed, ['oslo', 'oslo']);
});

test('as days pass a 304 is re-expanded from the kept copy: later instances of a series appear', async (t) => {
  const { host, clock, store, provider } = await setup(t, { windowDays: 8 });
  host.body = icalFixture('outlook-windows-zones.ics');
  await provider.requestSync('oslo');
  const planning = (): number => store.events.listForRoom('oslo').filter((e) => e.title.startsWith('Planning')).length;
  assert.equal(planning(), 2);
  clock.set('2026-04-02T06:00:00Z');
  await provider.requestSync('oslo');
  assert.equal(host.requests.at(-1)?.ifNoneMatch, '"v1"');
  // 04-02 and 04-09 are in the window now, 03-26 has left it.
  assert.equal(planning(), 2);
  assert.deepEqual(
    store.events.listForRoom('oslo').filter((e) => e.title.startsWith('Planning')).map((e) => e.start),
    ['2026-04-02T07:00:00.000Z', '2026-04-09T07:00:00.000Z'],
  );
});

test('an HTML login page instead of the feed: a clear error, the last agenda kept, the room stale until the feed is back', async (t) => {
  const { host, store, provider, stale } = await setup(t);
  host.body = icalFixture('outlook-windows-zones.ics');
  await provider.requestSync('oslo');
  const before = store.events.listForRoom('oslo');
  host.etag = '"login"';
  host.contentType = 'text/html; charset=utf-8';
  host.body = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>...</form></body></html>';
  await assert.rejects(provider.sync('oslo'), (e: unknown) => isDoorplateError(e) && e.code === 'PROVIDER_UNAVAILABLE' && /not iCalendar \(text\/html, an HTML page: a login page or a wrong link\?\)/.test(e.message) && !e.message.includes('secret-token'));
  await provider.requestSync('oslo');
  assert.deepEqual(store.events.listForRoom('oslo'), before);
  assert.deepEqual(stale, [['oslo', true]]);
  assert.equal(provider.isStale('oslo'), true);
  host.etag = '"v3"';
  host.contentType = 'text/calendar';
  host.body = icalFixture('icloud-utc-recurrence-id.ics');
  await provider.requestSync('oslo');
  assert.deepEqual(stale, [['oslo', true], ['oslo', false]]);
  assert.deepEqual(titles(store), ['Weekly standup (after DST)']);
});

for (const chunked of [false, true]) {
  test(`a 20 MB feed is refused by the size limit${chunked ? ' (no Content-Length)' : ''}; the last agenda kept, the room stale`, async (t) => {
    const { host, store, provider, stale } = await setup(t);
    host.body = icalFixture('outlook-windows-zones.ics');
    await provider.requestSync('oslo');
    const before = store.events.listForRoom('oslo');
    const event = (i: number): string => `BEGIN:VEVENT\r\nUID:big-${i}\r\nSUMMARY:${'x'.repeat(900)}\r\nDTSTART:20260326T090000Z\r\nDTEND:20260326T100000Z\r\nEND:VEVENT\r\n`;
    host.body = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${Array.from({ length: 21_000 }, (_, i) => event(i)).join('')}END:VCALENDAR\r\n`;
    assert.ok(Buffer.byteLength(host.body) > 20_000_000);
    host.etag = '"big"';
    host.chunked = chunked;
    await assert.rejects(provider.sync('oslo'), (e: unknown) => isDoorplateError(e) && e.code === 'PROVIDER_UNAVAILABLE' && /larger than the limit of 5242880 bytes/.test(e.message));
    await provider.requestSync('oslo');
    assert.deepEqual(store.events.listForRoom('oslo'), before);
    assert.deepEqual(stale, [['oslo', true]]);
  });
}

test('bookings, extends and releases on a feed answer READ_ONLY', async (t) => {
  const { host, provider } = await setup(t);
  host.body = icalFixture('outlook-windows-zones.ics');
  await provider.requestSync('oslo');
  const readOnly = (e: unknown): boolean => isDoorplateError(e) && e.code === 'READ_ONLY' && e.status === 405 && /read-only/.test(e.message);
  await assert.rejects(
    provider.book({ key: 'k1', roomId: 'oslo', start: '2026-03-25T09:00:00Z', end: '2026-03-25T09:30:00Z', title: 'x', organizer: null, bookedVia: 'panel', checkInRequired: false }),
    readOnly,
  );
  await assert.rejects(provider.setEnd('oslo', 'x', '2026-03-25T10:00:00Z'), readOnly);
  await assert.rejects(provider.cancel('oslo', 'x'), readOnly);
});

test('a host without ETags: If-Modified-Since brings a 304', async (t) => {
  const { host, store, provider } = await setup(t);
  host.etag = null;
  host.body = icalFixture('outlook-windows-zones.ics');
  await provider.requestSync('oslo');
  await provider.requestSync('oslo');
  assert.equal(host.requests[1]?.ifModifiedSince, 'Mon, 23 Mar 2026 08:00:00 GMT');
  assert.equal(host.requests[1]?.ifNoneMatch, null);
  assert.equal(store.events.listForRoom('oslo').length, 7);
});

test('a host answering 503 is retried; after that the room is stale with its agenda kept, and fresh again when the host is back', async (t) => {
  const { host, clock, store, provider, stale } = await setup(t);
  host.body = icalFixture('outlook-windows-zones.ics');
  await provider.requestSync('oslo');
  const before = store.events.listForRoom('oslo');
  host.failWith = 503;
  const n = host.requests.length;
  const sync = provider.requestSync('oslo');
  // The retry waits on the clock.
  for (let i = 0; i < 50 && host.requests.length < n + 2; i++) {
    await clock.advanceAsync(10);
    await new Promise((r) => setTimeout(r, 5));
  }
  await sync;
  assert.equal(host.requests.length - n, 2, 'one try and one retry');
  assert.deepEqual(stale, [['oslo', true]]);
  assert.deepEqual(store.events.listForRoom('oslo'), before);
  host.failWith = null;
  // The breaker lets a probe through after its cool-down.
  clock.set(clock.now() + 10 * 60_000);
  await provider.requestSync('oslo');
  assert.deepEqual(stale, [['oslo', true], ['oslo', false]]);
});
