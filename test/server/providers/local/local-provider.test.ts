import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalProvider } from '../../../../server/providers/local/local-provider.js';
import { bookingEventId } from '../../../../server/providers/local/booking-id.js';
import type { BookingRequest } from '../../../../server/providers/provider.js';
import { Store } from '../../../../server/store/store.js';
import { FakeClock } from '../../../../shared/clock.js';
import { isDoorplateError, type DoorplateError, type ErrorCode } from '../../../../shared/errors.js';
import { silentLogger } from '../../../../shared/logger.js';
import { event } from '../../store/helpers.js';

function setup(): { store: Store; clock: FakeClock; provider: LocalProvider; changed: string[] } {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig([
    { id: 'ada', name: 'Ada Lovelace', capacity: 8, calendar: 'ada@example.com' },
    { id: 'tokyo', name: 'Tokyo', timeZone: 'Asia/Tokyo' },
  ]);
  const provider = new LocalProvider({ store, clock, defaultTimeZone: 'Europe/Berlin', logger: silentLogger() });
  const changed: string[] = [];
  provider.onRoomChanged((roomId) => changed.push(roomId));
  return { store, clock, provider, changed };
}

function req(over: Partial<BookingRequest> = {}): BookingRequest {
  return {
    key: 'device:pi-1:tx-0001',
    roomId: 'ada',
    start: '2026-03-02T09:00:00Z',
    end: '2026-03-02T09:30:00Z',
    title: 'Booked at the door',
    organizer: null,
    bookedVia: 'panel',
    checkInRequired: true,
    ...over,
  };
}

function code(c: ErrorCode) {
  return (e: unknown) => isDoorplateError(e) && e.code === c;
}

test('book creates one event per key and returns it again on a repeat', async () => {
  const { store, provider, changed } = setup();
  const first = await provider.book(req());
  assert.equal(first.id, bookingEventId('device:pi-1:tx-0001'));
  assert.match(first.id, /^[0-9a-v]{5,1024}$/);
  assert.deepEqual(
    [first.status, first.roomResponse, first.bookedVia, first.bookedAt, first.checkInRequired, first.allDay],
    ['confirmed', 'accepted', 'panel', '2026-03-02T08:00:00.000Z', true, false],
  );
  assert.deepEqual(store.events.get('ada', first.id), first);
  assert.deepEqual(changed, ['ada']);

  const again = await provider.book(req());
  assert.deepEqual(again, first);
  assert.equal(store.events.listForRoom('ada').length, 1);
  assert.deepEqual(changed, ['ada'], 'a repeat changes nothing, so nothing is announced');

  const api = await provider.book(req({ key: 'api:other', start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z', bookedVia: 'api', organizer: 'Sofia Rossi' }));
  assert.notEqual(api.id, first.id);
  assert.equal(api.bookedVia, 'api');
  assert.equal(api.organizer, 'Sofia Rossi');
  assert.equal(store.events.listForRoom('ada').length, 2);
});

test('book refuses an overlap with CONFLICT naming the meeting in the way, and stores nothing', async () => {
  const { store, provider, changed } = setup();
  provider.addEvent('ada', event({ id: 'standup', start: '2026-03-02T09:15:00Z', end: '2026-03-02T09:30:00Z' }));
  changed.length = 0;
  await assert.rejects(provider.book(req()), (e: unknown) => {
    assert.ok(isDoorplateError(e));
    assert.equal(e.code, 'CONFLICT');
    assert.deepEqual((e as DoorplateError).details, { conflicting: { id: 'standup', start: '2026-03-02T09:15:00Z', end: '2026-03-02T09:30:00Z' } });
    return true;
  });
  assert.deepEqual(
    store.events.listForRoom('ada').map((e) => e.id),
    ['standup'],
  );
  assert.deepEqual(changed, []);

  // Back to back is fine; cancelled and declined events do not block.
  await provider.book(req({ key: 'k2', start: '2026-03-02T09:30:00Z', end: '2026-03-02T10:00:00Z' }));
  provider.addEvent('ada', event({ id: 'gone', start: '2026-03-02T11:00:00Z', end: '2026-03-02T12:00:00Z', status: 'cancelled' }));
  provider.addEvent('ada', event({ id: 'declined', start: '2026-03-02T11:00:00Z', end: '2026-03-02T12:00:00Z', roomResponse: 'declined' }));
  await provider.book(req({ key: 'k3', start: '2026-03-02T11:00:00Z', end: '2026-03-02T11:30:00Z' }));
});

test('an all-day event blocks its day in the room zone only', async () => {
  const { provider } = setup();
  provider.addEvent('tokyo', event({ id: 'offsite', start: '2026-03-03', end: '2026-03-04', allDay: true }));
  // 2026-03-03 in Tokyo is 2026-03-02T15:00Z to 2026-03-03T15:00Z.
  await provider.book(req({ key: 'before', roomId: 'tokyo', start: '2026-03-02T14:00:00Z', end: '2026-03-02T15:00:00Z' }));
  await assert.rejects(provider.book(req({ key: 'inside', roomId: 'tokyo', start: '2026-03-02T15:00:00Z', end: '2026-03-02T15:30:00Z' })), code('CONFLICT'));
  await provider.book(req({ key: 'after', roomId: 'tokyo', start: '2026-03-03T15:00:00Z', end: '2026-03-03T16:00:00Z' }));
});

test('book validates its request', async () => {
  const { provider } = setup();
  await assert.rejects(provider.book(req({ roomId: 'nowhere' })), code('ROOM_NOT_FOUND'));
  await assert.rejects(provider.book(req({ end: req().start })), /booking.end: must be after start/);
  await assert.rejects(provider.book(req({ start: '2026-03-02' })), /booking.start: "2026-03-02" is not an ISO instant/);
  await assert.rejects(provider.book(req({ key: '' })), code('VALIDATION'));
  await assert.rejects(provider.book(req({ title: 'x'.repeat(2000) })), /title/);
});

test('setEnd extends into free time, refuses to run into the next meeting, and ends early', async () => {
  const { store, provider, changed } = setup();
  const booked = await provider.book(req());
  provider.addEvent('ada', event({ id: 'next', start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z' }));
  changed.length = 0;

  const extended = await provider.setEnd('ada', booked.id, '2026-03-02T10:00:00Z');
  assert.equal(extended.end, '2026-03-02T10:00:00Z');
  assert.deepEqual(changed, ['ada']);
  await assert.rejects(provider.setEnd('ada', booked.id, '2026-03-02T10:15:00Z'), (e: unknown) => isDoorplateError(e) && e.code === 'CONFLICT' && (e.details?.conflicting as { id: string }).id === 'next');

  const early = await provider.setEnd('ada', booked.id, '2026-03-02T09:10:00Z');
  assert.equal(store.events.get('ada', booked.id)?.end, '2026-03-02T09:10:00Z');
  assert.equal(early.end, '2026-03-02T09:10:00Z');
  assert.deepEqual(changed, ['ada', 'ada']);

  await provider.setEnd('ada', booked.id, '2026-03-02T09:10:00Z');
  assert.equal(changed.length, 2, 'the same end again is no change');

  await assert.rejects(provider.setEnd('ada', booked.id, '2026-03-02T09:00:00Z'), /must be after the meeting's start/);
  await assert.rejects(provider.setEnd('ada', 'missing', '2026-03-02T10:00:00Z'), code('MEETING_NOT_FOUND'));
  provider.addEvent('ada', event({ id: 'day', start: '2026-03-05', end: '2026-03-06', allDay: true }));
  await assert.rejects(provider.setEnd('ada', 'day', '2026-03-05T12:00:00Z'), code('BAD_REQUEST'));
});

test('cancel frees the room, keeps the booking id taken, and is idempotent', async () => {
  const { store, provider, changed } = setup();
  const booked = await provider.book(req());
  changed.length = 0;
  await provider.cancel('ada', booked.id);
  assert.equal(store.events.get('ada', booked.id)?.status, 'cancelled');
  assert.deepEqual(changed, ['ada']);
  await provider.cancel('ada', booked.id);
  assert.deepEqual(changed, ['ada']);

  // A late retry of the original booking does not bring it back.
  assert.equal((await provider.book(req())).status, 'cancelled');
  // The slot is free for another booking.
  await provider.book(req({ key: 'someone-else' }));
  await assert.rejects(provider.cancel('ada', 'missing'), code('MEETING_NOT_FOUND'));
  await assert.rejects(provider.setEnd('ada', booked.id, '2026-03-02T09:45:00Z'), code('NOTHING_TO_DO'));
});

test('checkIn records the first check-in time only', async () => {
  const { store, provider, changed } = setup();
  const booked = await provider.book(req());
  changed.length = 0;
  const first = await provider.checkIn('ada', booked.id, '2026-03-02T09:02:00Z');
  assert.equal(first.checkedInAt, '2026-03-02T09:02:00Z');
  assert.equal(store.events.get('ada', booked.id)?.checkedInAt, '2026-03-02T09:02:00Z');
  const second = await provider.checkIn('ada', booked.id, '2026-03-02T09:05:00Z');
  assert.equal(second.checkedInAt, '2026-03-02T09:02:00Z');
  assert.deepEqual(changed, ['ada']);
  await assert.rejects(provider.checkIn('ada', booked.id, 'now'), code('VALIDATION'));
  await assert.rejects(provider.checkIn('ada', 'missing', '2026-03-02T09:05:00Z'), code('MEETING_NOT_FOUND'));
});

test('listeners: unsubscribe works and a throwing listener does not stop the others', async () => {
  const { provider, changed } = setup();
  const other: string[] = [];
  const off = provider.onRoomChanged((r) => other.push(r));
  provider.onRoomChanged(() => {
    throw new Error('listener bug');
  });
  await provider.book(req());
  assert.deepEqual(other, ['ada']);
  assert.deepEqual(changed, ['ada']);
  off();
  await provider.book(req({ key: 'k2', start: '2026-03-02T12:00:00Z', end: '2026-03-02T13:00:00Z' }));
  assert.deepEqual(other, ['ada']);
  assert.deepEqual(changed, ['ada', 'ada']);
});

test('addEvent announces only real changes; sync checks the room; listResources lists rooms', async () => {
  const { provider, changed } = setup();
  provider.addEvent('ada', event({ id: 'e1' }));
  provider.addEvent('ada', event({ id: 'e1' }));
  assert.deepEqual(changed, ['ada']);
  assert.throws(() => provider.addEvent('nowhere', event({ id: 'e1' })), code('ROOM_NOT_FOUND'));
  assert.deepEqual(await provider.sync('ada'), { changed: false });
  await assert.rejects(provider.sync('nowhere'), code('ROOM_NOT_FOUND'));
  assert.deepEqual(await provider.listResources(), [
    { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', capacity: 8 },
    { id: 'tokyo', name: 'Tokyo', email: null, capacity: null },
  ]);
  assert.equal(provider.kind, 'local');
  assert.equal(provider.readOnly, false);
});
