import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../../shared/config/load.js';
import { DoorplateError } from '../../../../shared/errors.js';
import { silentLogger } from '../../../../shared/logger.js';
import { occupiesRoom } from '../../../../shared/state/slots.js';
import { AutoRelease } from '../../../../server/bookings/auto-release.js';
import { BookingService } from '../../../../server/bookings/booking-service.js';
import { RoomDirectory } from '../../../../server/rooms/room-directory.js';
import type { GoogleProvider } from '../../../../server/providers/google/google-provider.js';
import { WebhookServer, type WebhookHandler } from '../../../../server/webhooks/webhook-server.js';
import { at, googleHarness, ROOMS, settle, until, type Harness } from './harness.js';
import { googleProvider } from './provider-setup.js';
import { selfSignedCert } from './tls.js';

const ADA = 'ada@resource.example.com';
const HOUR = 3_600_000;
const req = (key: string, from: string, to: string, extra: Partial<{ organizer: string | null; bookedVia: 'panel' | 'api'; checkInRequired: boolean }> = {}) => ({
  key,
  roomId: 'ada',
  start: at(from),
  end: at(to),
  title: 'Door booking',
  organizer: null,
  bookedVia: 'panel' as const,
  checkInRequired: false,
  ...extra,
});

/** A provider with its webhook listening over HTTPS, as a real server runs it. */
async function withWebhook(h: Harness, tls: ReturnType<typeof selfSignedCert>, extra: Record<string, unknown> = {}): Promise<{ p: GoogleProvider; hooks: WebhookServer }> {
  let provider: GoogleProvider | null = null;
  const route: WebhookHandler = (r) => (provider ? provider.notification(r) : { status: 503 });
  const hooks = new WebhookServer({ host: '127.0.0.1', port: 0, keyPath: tls.keyPath, certPath: tls.certPath, routes: { '/webhooks/google': route }, log: silentLogger() });
  await hooks.start();
  provider = googleProvider(h, { webhook: { port: hooks.port, key: tls.keyPath, cert: tls.certPath, publicUrl: `https://127.0.0.1:${hooks.port}` }, ...extra });
  return { p: provider, hooks };
}

test('a door booking in attendee mode keeps its fields and its organizer on the room\'s copy, even read by a server with an empty store', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    const booked = await p.book(req('door1', '10:00', '10:30', { organizer: 'ana@example.com' }));
    const roomCopy = h.fake.get(ADA, booked.id);
    assert.ok(roomCopy, 'the room has its copy');
    assert.equal(roomCopy.extendedProperties?.private, undefined, 'the fake keeps private properties on the organizer\'s copy only');
    assert.equal(roomCopy.organizer?.email, 'admin@example.com', 'Google makes the booking account the organizer');
    await p.sync('ada');
    const synced = h.store.events.get('ada', booked.id);
    assert.equal(synced?.bookedVia, 'panel');
    assert.equal(synced?.checkInRequired, false);
    assert.equal(synced?.bookedAt, booked.bookedAt);
    assert.equal(synced?.organizer, 'ana@example.com', 'the organizer the booking named');
    // A server rebuilt on an empty store reads the same from Google alone.
    h.store.events.remove('ada', booked.id);
    h.store.syncState.clear('ada', 'google');
    await p.sync('ada');
    assert.equal(h.store.events.get('ada', booked.id)?.bookedVia, 'panel');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a simulated day: a panel booking on a Google room with default settings is never released and keeps its organizer', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  const config = parseConfig({ site: { timeZone: 'UTC' }, rooms: ROOMS, provider: { kind: 'google', subject: 'admin@example.com', credentials: { client_email: 'x', private_key: 'y' } } });
  const rooms = new RoomDirectory(config);
  const bookings = new BookingService({ clock: h.clock, rooms, events: h.store.events, calendar: p, idempotency: h.store.idempotency });
  const release = new AutoRelease({ clock: h.clock, rooms, events: h.store.events, calendar: p, changes: h.store.changes, flags: h.store.seriesFlags, log: silentLogger() });
  p.onRoomChanged((r) => release.refresh(r));
  try {
    await p.start();
    await settle(p.ready(), h.clock);
    release.start();
    await settle(h.clock.advanceAsync(Date.parse(at('09:00')) - h.clock.now()), h.clock);
    const { event } = await settle(bookings.bookNow('ada', { via: 'panel', scope: 'device:door', durationMins: 30, organizer: 'ana@example.com' }), h.clock);
    const later = await settle(bookings.bookLater('ada', { start: at('14:00'), end: at('15:00'), title: 'Planning', organizer: 'bo@example.com', scope: 'api' }), h.clock);
    // The day goes by with the poll (every 300 s) bringing the room's copies back.
    await until(() => h.clock.now() >= Date.parse(at('14:02')), h.clock, 'the afternoon meeting', 60_000, 24 * 60);
    assert.equal(h.store.events.get('ada', later.event.id)?.organizer, 'bo@example.com');
    assert.equal(h.store.events.get('ada', later.event.id)?.bookedVia, 'api');
    await settle(bookings.checkIn('ada', { eventId: later.event.id, scope: 'api' }), h.clock);
    await until(() => h.clock.now() >= Date.parse(at('18:00')), h.clock, 'the end of the day', 60_000, 24 * 60);
    const door = h.store.events.get('ada', event.id);
    assert.equal(door?.status, 'confirmed');
    assert.equal(door?.bookedVia, 'panel');
    assert.equal(door?.organizer, 'ana@example.com');
    assert.deepEqual(h.store.changes.since(0).filter((c) => c.kind === 'release'), [], 'nothing released');
    const atGoogle = h.fake.get(ADA, event.id);
    assert.notEqual(atGoogle?.status, 'cancelled');
    assert.notEqual(atGoogle?.attendees?.find((a) => a.email === ADA)?.responseStatus, 'declined');
  } finally {
    release.stop();
    await p.stop();
    await h.close();
  }
});

test('ending someone else\'s meeting early is refused by Google for good: the local copy is rolled back and the person gets a 4xx with the reason', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    h.fake.put(ADA, { id: 'theirs1', status: 'confirmed', summary: 'Theirs', organizer: { email: 'ana@example.com' }, attendees: [{ email: ADA, resource: true, responseStatus: 'accepted' }], start: { dateTime: at('09:00') }, end: { dateTime: at('10:00') } });
    await p.sync('ada');
    await assert.rejects(settle(p.setEnd('ada', 'theirs1', at('09:20')), h.clock), (e: unknown) => {
      assert.ok(e instanceof DoorplateError);
      assert.equal(e.code, 'PROVIDER_REFUSED');
      assert.ok(e.status >= 400 && e.status < 500);
      assert.match(e.message, /forbiddenForNonOrganizer/);
      return true;
    });
    assert.equal(h.store.events.get('ada', 'theirs1')?.end, at('10:00'), 'the end Google still has');
    await settle(p.ready(), h.clock);
    assert.deepEqual(await p.safetyNet(), [], 'the store and Google agree');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a transparent ("free") event does not hold the room, and the safety net does not resync rooms with all-day events', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    h.fake.put(ADA, { id: 'closed1', status: 'confirmed', summary: 'Office closed', transparency: 'transparent', start: { date: '2026-03-02' }, end: { date: '2026-03-03' } });
    h.fake.put(ADA, { id: 'offsite1', status: 'confirmed', summary: 'Offsite', start: { date: '2026-03-03' }, end: { date: '2026-03-04' } });
    await p.sync('ada');
    await p.sync('grace');
    const closed = h.store.events.get('ada', 'closed1');
    assert.ok(closed);
    assert.equal(occupiesRoom(closed), false);
    assert.equal(occupiesRoom(h.store.events.get('ada', 'offsite1') ?? closed), true);
    // The slot check at Google agrees: a booking over the free note goes through.
    await p.book(req('free1', '11:00', '11:30'));
    const lists = h.fake.count('GET', '/events');
    assert.deepEqual(await p.safetyNet(), []);
    assert.equal(h.fake.count('GET', '/events'), lists, 'no extra sync');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a booking never lands on a meeting Google has and the store has not heard of yet', async () => {
  const h = await googleHarness();
  const p = googleProvider(h, { bookOn: 'room-calendar' });
  try {
    await p.sync('ada');
    h.fake.put(ADA, { id: 'outlook1', status: 'confirmed', summary: 'Booked elsewhere', start: { dateTime: at('10:00') }, end: { dateTime: at('11:00') } });
    await assert.rejects(p.book(req('race1', '10:30', '11:00')), (e: unknown) => {
      assert.ok(e instanceof DoorplateError);
      assert.equal(e.code, 'CONFLICT');
      // freeBusy answers within the slot asked about.
      assert.deepEqual((e.details?.conflicting as { start: string; end: string }), { id: null, start: new Date(at('10:30')).toISOString(), end: new Date(at('11:00')).toISOString() });
      return true;
    });
    assert.equal(h.fake.get(ADA, 'race1'), undefined);
    assert.equal(h.store.events.listForRoom('ada').filter((e) => e.bookedVia !== 'provider').length, 0, 'nothing kept locally');
    await until(() => h.store.events.get('ada', 'outlook1') !== null, h.clock, 'the room to sync');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a "sync" message that overtakes the watch answer is accepted, the channel kept; channels open before the first sync; the poll runs slowly with a webhook', async () => {
  const tls = selfSignedCert();
  const h = await googleHarness({ tlsCa: tls.cert });
  h.fake.earlySync = true;
  const { p, hooks } = await withWebhook(h, tls);
  try {
    await p.start();
    await settle(p.ready(), h.clock);
    assert.deepEqual(h.fake.earlySyncAnswers, [200, 200]);
    assert.equal(h.fake.channels.size, 2, 'no channel stopped');
    const firstWatch = h.fake.log.findIndex((l) => l.path.endsWith('/watch'));
    const firstList = h.fake.log.findIndex((l) => l.method === 'GET' && l.path.endsWith('/events'));
    assert.ok(firstWatch >= 0 && firstWatch < firstList, 'the channel opens before the first sync');
    h.fake.put(ADA, { id: 'pushed1', status: 'confirmed', start: { dateTime: at('13:00') }, end: { dateTime: at('14:00') } });
    assert.deepEqual(await h.fake.notify(ADA), [200]);
    await until(() => h.store.events.get('ada', 'pushed1') !== null, h.clock, 'the pushed event');
    // A change whose notification is lost (a title: free/busy cannot see it) arrives with the slow poll.
    h.fake.put(ADA, { id: 'pushed1', status: 'confirmed', summary: 'Renamed', start: { dateTime: at('13:00') }, end: { dateTime: at('14:00') } });
    const t0 = h.clock.now();
    await until(() => h.store.events.get('ada', 'pushed1')?.title === 'Renamed', h.clock, 'the slow poll', 600_000, 60);
    assert.ok(h.clock.now() - t0 > HOUR, 'not a fast poll');
    assert.ok(h.clock.now() - t0 <= 6 * HOUR + 600_000);
  } finally {
    await p.stop();
    await hooks.stop();
    await h.close();
    tls.cleanup();
  }
});

test('a push channel that could not be opened at start is tried again with backoff, not left until the next restart', async () => {
  const tls = selfSignedCert();
  const h = await googleHarness({ tlsCa: tls.cert });
  const { p, hooks } = await withWebhook(h, tls);
  try {
    h.fake.fail({ status: 400, reason: 'push.webhookUrlUnauthorized', path: '/watch' });
    await p.start();
    await settle(p.ready(), h.clock);
    assert.equal(h.fake.channels.size, 1);
    await until(() => h.fake.channels.size === 2, h.clock, 'the second channel', 5_000, 200);
    assert.equal(p.listChannels().length, 2);
  } finally {
    await p.stop();
    await hooks.stop();
    await h.close();
    tls.cleanup();
  }
});
