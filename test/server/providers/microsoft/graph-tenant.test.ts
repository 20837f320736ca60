import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../shared/clock.js';
import { parseConfig } from '../../../../shared/config/load.js';
import { DoorplateError } from '../../../../shared/errors.js';
import { silentLogger } from '../../../../shared/logger.js';
import { occupiesRoom } from '../../../../shared/state/slots.js';
import { AutoRelease } from '../../../../server/bookings/auto-release.js';
import { BookingService } from '../../../../server/bookings/booking-service.js';
import { RoomDirectory } from '../../../../server/rooms/room-directory.js';
import { Store } from '../../../../server/store/store.js';
import { GRAPH_SCOPE, graphScope, sharedInFlight } from '../../../../server/providers/microsoft/graph-auth.js';
import { createGraphApi } from '../../../../server/providers/microsoft/graph-api.js';
import { MicrosoftProvider } from '../../../../server/providers/microsoft/microsoft-provider.js';
import { WebhookServer, type WebhookHandler } from '../../../../server/webhooks/webhook-server.js';
import { settle, until } from '../google/harness.js';
import { ADA, at, graphHarness, microsoftConfig, ROOMS, wall, type GraphHarness } from './harness.js';

const theirs = (id: string, from: string, to: string, extra: object = {}) => ({
  id,
  subject: `Their ${id}`,
  start: wall(from),
  end: wall(to),
  organizer: { emailAddress: { address: 'olga@example.com', name: 'Olga' } },
  attendees: [{ emailAddress: { address: ADA }, type: 'resource', status: { response: 'accepted' } }],
  responseStatus: { response: 'accepted' },
  ...extra,
});

const booking = (key: string, from: string, to: string, organizer: string | null = 'ana@example.com') => ({
  key,
  roomId: 'ada',
  start: at(from),
  end: at(to),
  title: 'Door booking',
  organizer,
  bookedVia: 'panel' as const,
  checkInRequired: false,
});

async function withWebhook(h: GraphHarness, extra: Record<string, unknown> = {}): Promise<{ p: MicrosoftProvider; hooks: WebhookServer }> {
  let provider: MicrosoftProvider | null = null;
  const route =
    (which: 'notification' | 'lifecycle'): WebhookHandler =>
    (req) =>
      provider ? provider[which](req) : { status: 503 };
  const hooks = new WebhookServer({
    host: '127.0.0.1',
    port: 0,
    keyPath: h.tls.keyPath,
    certPath: h.tls.certPath,
    routes: { '/webhooks/microsoft': route('notification'), '/webhooks/microsoft/lifecycle': route('lifecycle') },
    log: silentLogger(),
  });
  await hooks.start();
  provider = h.provider({ webhook: { port: hooks.port, key: h.tls.keyPath, cert: h.tls.certPath, publicUrl: `https://127.0.0.1:${hooks.port}` }, ...extra });
  return { p: provider, hooks };
}

test('a meeting the room declined, or one shown as free, does not hold the room (statuses read none in the room\'s copy)', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    h.fake.put(ADA, theirs('declined1', '10:00', '11:00', { responseStatus: { response: 'declined' } }));
    h.fake.put(ADA, theirs('free1', '12:00', '13:00', { showAs: 'free' }));
    h.fake.put(ADA, theirs('held1', '14:00', '15:00'));
    await settle(p.sync('ada'), h.clock);
    const get = (id: string) => h.store.events.get('ada', id);
    assert.equal(get('declined1')?.roomResponse, 'declined');
    assert.equal(occupiesRoom(get('declined1')!), false);
    assert.equal(occupiesRoom(get('free1')!), false);
    assert.equal(occupiesRoom(get('held1')!), true);
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a door booking never lands on an Outlook booking the store has not heard of: the slot is checked at Graph first', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    await settle(p.sync('ada'), h.clock);
    h.fake.put(ADA, theirs('outlook1', '10:00', '11:00'));
    await assert.rejects(settle(p.book(booking('race1', '10:30', '11:00')), h.clock), (e: unknown) => {
      assert.ok(e instanceof DoorplateError);
      assert.equal(e.code, 'CONFLICT');
      assert.deepEqual(e.details?.conflicting, { id: 'outlook1', start: at('10:00'), end: at('11:00') });
      return true;
    });
    assert.equal(h.fake.count('POST', '/events'), 0, 'nothing created');
    assert.equal(h.fake.count('GET', '/calendarView') - h.fake.count('GET', '/calendarView/delta'), 1, 'one request');
    // A free slot books as before.
    const ok = await settle(p.book(booking('free1', '11:00', '11:30')), h.clock);
    assert.ok(h.fake.live(ADA).some((e) => e.transactionId === ok.id));
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a server rebuilt on an empty data directory recognises its bookings from the room\'s copy, shows their booker, and cancels rather than declines them', async () => {
  const h = await graphHarness();
  const first = h.provider();
  const booked = await settle(first.book(booking('door1', '10:00', '10:30')), h.clock);
  await first.stop();
  const clock = new FakeClock('2026-03-02T09:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(ROOMS);
  const api = createGraphApi({ getToken: async () => h.fake.token, apiRoot: h.root, ca: h.tls.cert, now: () => clock.now() });
  const rebuilt = new MicrosoftProvider({ api, store, clock, config: microsoftConfig({ apiRoot: h.root }), log: silentLogger(), random: () => 0.5 });
  try {
    await settle(rebuilt.sync('ada'), clock);
    const e = store.events.get('ada', booked.id);
    assert.ok(e, 'kept under its own id');
    assert.equal(e.bookedVia, 'panel');
    assert.equal(e.checkInRequired, false);
    assert.equal(e.organizer, 'ana@example.com', 'the booker, not the room');
    await settle(rebuilt.cancel('ada', booked.id), clock);
    assert.equal(h.fake.live(ADA).length, 0, 'cancelled at Graph (a decline would be refused: the room organizes it)');
  } finally {
    await rebuilt.stop();
    store.close();
    await h.close();
  }
});

test('ending someone else\'s meeting early is refused for good: rolled back, answered 409 with Graph\'s reason', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    h.fake.put(ADA, theirs('theirs1', '09:00', '10:00'));
    await settle(p.sync('ada'), h.clock);
    await assert.rejects(settle(p.setEnd('ada', 'theirs1', at('09:20')), h.clock), (e: unknown) => {
      assert.ok(e instanceof DoorplateError);
      assert.equal(e.code, 'PROVIDER_REFUSED');
      assert.match(e.message, /ErrorAccessDenied/);
      return true;
    });
    assert.equal(h.store.events.get('ada', 'theirs1')?.end, at('10:00'));
  } finally {
    await p.stop();
    await h.close();
  }
});

test('subscriptions: a notification before the create answers is accepted, a failed validation is retried with backoff, list/renew/stop work, getSchedule is the safety net', async () => {
  const h = await graphHarness();
  h.fake.earlyNotify = true;
  h.fake.refuseValidations = 1;
  const { p, hooks } = await withWebhook(h);
  try {
    await p.start();
    await settle(p.ready(), h.clock);
    assert.equal(h.fake.subscriptions.size, 1, 'one room subscribed, the other refused at first');
    assert.deepEqual(h.fake.earlyAnswers, [202], 'the early notification was taken');
    await until(() => h.fake.subscriptions.size === 2, h.clock, 'the retry', 5_000, 200);
    assert.deepEqual(h.fake.earlyAnswers, [202, 202]);
    assert.equal([...h.fake.subscriptions.keys()].filter((id) => p.listChannels().some((c) => c.id === id)).length, 2, 'none deleted as a stray');
    // Listed, renewed, stopped through the provider-neutral calls.
    const listed = p.listChannels();
    assert.equal(listed.length, 2);
    const renewed = await settle(p.renewChannels({ all: true }), h.clock);
    assert.equal(renewed.opened.length, 2);
    assert.equal(await settle(p.stopChannel(listed[0]!.id), h.clock), true);
    assert.equal(h.fake.subscriptions.has(listed[0]!.id), false);
    assert.equal(await settle(p.stopAllChannels(), h.clock), 1);
    assert.equal(h.fake.subscriptions.size, 0);
    // The safety net: a change whose notification was lost is found with one getSchedule.
    h.fake.put(ADA, theirs('lost1', '15:00', '16:00'));
    assert.deepEqual(await settle(p.safetyNet(), h.clock), ['ada']);
    assert.ok(h.store.events.get('ada', 'lost1'));
    assert.deepEqual(await settle(p.safetyNet(), h.clock), []);
    assert.equal(h.fake.count('POST', '/getSchedule'), 2);
  } finally {
    await p.stop();
    await hooks.stop();
    await h.close();
  }
});

test('the delta window moves with the clock: a quiet room sees a meeting booked far ahead when its day comes', async () => {
  const h = await graphHarness();
  const p = h.provider({ pollSecs: 86_400 });
  try {
    h.fake.put(ADA, theirs('far1', '10:00', '11:00', { start: wall('10:00', '2026-03-16'), end: wall('11:00', '2026-03-16') }));
    await p.start();
    await settle(p.ready(), h.clock);
    assert.equal(h.store.events.get('ada', 'far1'), null, 'beyond the window today');
    await until(() => h.store.events.get('ada', 'far1') !== null, h.clock, 'the window to move', 60_000, 24 * 60);
    assert.ok(h.clock.now() < Date.parse('2026-03-03T00:10:00Z'), 'just after midnight, not at the next poll');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a simulated day: a panel booking on a Microsoft room is never released and keeps its organizer', async () => {
  const h = await graphHarness();
  const p = h.provider();
  const config = parseConfig({ site: { timeZone: 'UTC' }, rooms: ROOMS });
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
    await until(() => h.clock.now() >= Date.parse(at('18:00')), h.clock, 'the end of the day', 60_000, 24 * 60);
    const door = h.store.events.get('ada', event.id);
    assert.equal(door?.status, 'confirmed');
    assert.equal(door?.bookedVia, 'panel');
    assert.equal(door?.organizer, 'ana@example.com');
    assert.deepEqual(h.store.changes.since(0).filter((c) => c.kind === 'release'), []);
    assert.equal(h.fake.live(ADA).filter((e) => e.transactionId === event.id && !e.isCancelled).length, 1);
  } finally {
    release.stop();
    await p.stop();
    await h.close();
  }
});

test('one token request serves every room asking at once; the authority and a SHA-256 thumbprint are configurable', async () => {
  let calls = 0;
  const token = sharedInFlight(async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 5));
    return `t${calls}`;
  });
  assert.deepEqual(await Promise.all(Array.from({ length: 10 }, () => token())), Array(10).fill('t1'));
  assert.equal(await token(), 't2', 'a later call asks again (MSAL caches the token itself)');
  const cfg = microsoftConfig({ clientSecret: undefined, certificate: { keyFile: '/k.pem', thumbprint: 'a'.repeat(64) }, authority: 'https://login.microsoftonline.us' });
  assert.equal(cfg.certificate?.thumbprint.length, 64);
  assert.equal(cfg.authority, 'https://login.microsoftonline.us');
  assert.throws(() => microsoftConfig({ certificate: { keyFile: '/k.pem', thumbprint: 'abc' } }), /SHA-256/);
  // A national cloud's Graph takes tokens issued for itself.
  assert.equal(graphScope(undefined), GRAPH_SCOPE);
  assert.equal(graphScope('https://graph.microsoft.us/v1.0/'), 'https://graph.microsoft.us/.default');
  assert.equal(graphScope('https://microsoftgraph.chinacloudapi.cn/v1.0'), 'https://microsoftgraph.chinacloudapi.cn/.default');
});

test('releasing a meeting the room organizes itself (not one of ours) cancels it: the room never declines its own meeting', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    h.fake.put(ADA, { id: 'roomown1', subject: 'Entered at the mailbox', start: wall('10:00'), end: wall('11:00'), organizer: { emailAddress: { address: ADA } }, responseStatus: { response: 'organizer' } });
    h.fake.put(ADA, theirs('theirs2', '12:00', '13:00'));
    await settle(p.sync('ada'), h.clock);
    await settle(p.cancel('ada', 'roomown1'), h.clock);
    assert.equal(h.fake.get(ADA, 'roomown1'), undefined, 'cancelled');
    await settle(p.cancel('ada', 'theirs2'), h.clock);
    assert.equal(h.fake.get(ADA, 'theirs2')?.responseStatus?.response, 'declined', 'someone else\'s is declined');
  } finally {
    await p.stop();
    await h.close();
  }
});
