import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { RoomStateSchema, type RoomState } from '../../../shared/model/room-state.js';
import type { ServerBus } from '../../../server/bus.js';
import { RoomDirectory } from '../../../server/rooms/room-directory.js';
import { freeRoomsNear } from '../../../server/state/free-rooms.js';
import { StatePublisher } from '../../../server/state/state-publisher.js';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const iso = (mins: number): string => new Date(NOW + mins * 60_000).toISOString();

function directory(): RoomDirectory {
  return new RoomDirectory(
    parseConfig({
      site: { timeZone: 'Europe/Berlin' },
      rooms: [
        { id: 'ada', name: 'Ada', group: 'floor-1', order: 1 },
        { id: 'grace', name: 'Grace', group: 'floor-2', order: 2 },
        { id: 'alan', name: 'Alan', group: 'floor-1', order: 5 },
        { id: 'edsger', name: 'Edsger', group: 'floor-1', order: 3 },
        { id: 'barbara', name: 'Barbara', group: 'floor-1', order: 4 },
        { id: 'claude', name: 'Claude' },
      ],
    }),
  );
}

const free = (room: string, freeUntil: string | null, extra: Partial<RoomState> = {}): RoomState => ({
  room,
  status: 'free',
  current: null,
  next: null,
  freeUntil,
  busyUntil: null,
  checkIn: null,
  nextChangeAt: iso(600),
  stale: false,
  ...extra,
});

test('free rooms near a busy room: same group first, then by order distance; at most three', () => {
  const d = directory();
  const states: Record<string, RoomState> = {
    grace: free('grace', null),
    alan: free('alan', iso(120)),
    edsger: free('edsger', iso(60)),
    barbara: free('barbara', iso(10)), // free for only 10 more minutes: not worth walking to
    claude: free('claude', null),
  };
  const others = d.list().map((info) => ({ info, state: states[info.id] }));
  const list = freeRoomsNear(d.get('ada')!, { status: 'busy' }, others, NOW);
  assert.deepEqual(list, [
    { room: 'edsger', name: 'Edsger', freeUntil: iso(60) },
    { room: 'alan', name: 'Alan', freeUntil: iso(120) },
    { room: 'grace', name: 'Grace', freeUntil: null },
  ]);
  assert.equal(freeRoomsNear(d.get('ada')!, { status: 'free' }, others, NOW), undefined, 'a free room gets no list');
  const stale = d.list().map((info) => ({ info, state: states[info.id] && { ...states[info.id]!, stale: true } }));
  assert.equal(freeRoomsNear(d.get('ada')!, { status: 'busy' }, stale, NOW), undefined, 'a stale state is not trusted');
  // The list is valid for the wire contract.
  assert.ok(RoomStateSchema.safeParse({ ...free('ada', null), status: 'busy', freeRooms: list }).success);
  assert.ok(!RoomStateSchema.safeParse({ ...free('ada', null), status: 'busy', freeRooms: [...list!, ...list!] }).success, 'more than three is refused');
});

function meeting(id: string, from: number, to: number): CalendarEvent {
  return {
    id,
    title: id,
    organizer: null,
    start: iso(from),
    end: iso(to),
    allDay: false,
    status: 'confirmed',
    roomResponse: 'accepted',
    private: false,
    checkInRequired: false,
    checkedInAt: null,
    seriesId: null,
    bookedAt: null,
    bookedVia: 'provider',
  };
}

test('the publisher puts the free list on busy rooms and follows other rooms as they change', async () => {
  const clock = new FakeClock(NOW);
  const events = new Map<string, CalendarEvent[]>([
    ['ada', [meeting('a1', -30, 60)]],
    ['edsger', [meeting('e1', 30, 90)]],
  ]);
  const sent: Array<{ room: string; state: RoomState }> = [];
  const bus: ServerBus = {
    async publish(name, params, payload) {
      if (name === 'roomState') sent.push({ room: (params as { room: string }).room, state: RoomStateSchema.parse(payload) });
    },
    async clearRetained() {},
    async subscribe() {
      return undefined;
    },
  };
  const publisher = new StatePublisher({ clock, rooms: directory(), events: { listForRoom: (id: string) => events.get(id) ?? [] } as never, bus, log: silentLogger() });
  await publisher.start();
  const last = (room: string): RoomState | undefined => sent.filter((s) => s.room === room).at(-1)?.state;
  assert.deepEqual(last('ada')?.freeRooms?.map((r) => r.room), ['edsger', 'barbara', 'alan']);
  assert.equal(last('grace')?.freeRooms, undefined, 'free rooms carry no list');
  const adaSends = sent.filter((s) => s.room === 'ada').length;
  assert.equal(adaSends, 1, 'start publishes each room once, with its list');

  // Barbara is booked now: Ada's list moves on to the next nearest.
  events.set('barbara', [meeting('b1', 0, 45)]);
  await publisher.refresh('barbara');
  assert.deepEqual(last('ada')?.freeRooms?.map((r) => r.room), ['edsger', 'alan', 'grace']);
  // Barbara (floor 1, order 4): Alan and Edsger are one step away (by name), then Claude (no group, order 5).
  assert.deepEqual(last('barbara')?.freeRooms?.map((r) => r.room), ['alan', 'edsger', 'claude']);
  // Edsger's meeting starts in 30 minutes and then it is busy: the lists drop it at once.
  await clock.advanceAsync(30 * 60_000);
  assert.deepEqual(last('ada')?.freeRooms?.map((r) => r.room), ['alan', 'grace', 'claude']);
  publisher.stop();
});
