import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import type { PushChannel } from '../../../server/store/repos/push-channels.js';
import { PushRenewals } from '../../../server/sync/push-renewals.js';

const DAY = 86_400_000;

/** A provider's channels kept in memory, with a room that refuses until told otherwise. */
function world() {
  const clock = new FakeClock();
  const channels = new Map<string, PushChannel>();
  const rooms = [{ id: 'ada' }, { id: 'bob' }];
  let bobRefuses = true;
  let made = 0;
  const dropped: string[] = [];
  const renewals = new PushRenewals({
    clock,
    log: silentLogger(),
    random: () => 0.5,
    renewBeforeMs: DAY,
    channels: () => [...channels.values()].sort((a, b) => a.expiresAt - b.expiresAt),
    rooms: () => rooms,
    ensure: async (room, force) => {
      if (room.id === 'bob' && bobRefuses) throw new Error('webhook not reachable');
      const live = [...channels.values()].find((c) => c.roomId === room.id);
      if (live && !force && live.expiresAt > clock.now() + DAY) return null;
      if (live) channels.delete(live.id);
      const c = { id: `ch${++made}`, roomId: room.id, provider: 'test', resourceId: null, tokenHash: null, expiresAt: clock.now() + 7 * DAY, createdAt: clock.now() };
      channels.set(c.id, c);
      return { id: c.id, roomId: c.roomId, provider: c.provider, expiresAt: c.expiresAt };
    },
    drop: async (c) => {
      dropped.push(c.id);
      channels.delete(c.id);
    },
    what: 'open a push channel',
  });
  return { clock, channels, rooms, renewals, dropped, letBobIn: () => (bobRefuses = false) };
}

test('a refusing room is reported and tried again with backoff while the others keep their channel', async () => {
  const w = world();
  await w.renewals.start();
  assert.deepEqual([...w.channels.values()].map((c) => c.roomId), ['ada']);
  w.letBobIn();
  // The retry comes within the first backoff step (30 s doubling, half of it with this random).
  await w.clock.advanceAsync(30_000);
  assert.deepEqual([...w.channels.values()].map((c) => c.roomId).sort(), ['ada', 'bob']);
});

test('channels are renewed a day before they run out, and a removed room\'s channel is ended', async () => {
  const w = world();
  w.letBobIn();
  await w.renewals.start();
  const first = [...w.channels.keys()];
  await w.clock.advanceAsync(6 * DAY - 60_000);
  assert.deepEqual([...w.channels.keys()], first, 'not renewed early');
  await w.clock.advanceAsync(120_000);
  assert.equal([...w.channels.keys()].filter((id) => first.includes(id)).length, 0, 'both replaced');
  w.rooms.splice(1, 1);
  const bob = [...w.channels.values()].find((c) => c.roomId === 'bob');
  await w.renewals.renewDue();
  assert.deepEqual(w.dropped, [bob?.id]);
  assert.deepEqual([...w.channels.values()].map((c) => c.roomId), ['ada']);
});

test('once stopped no timer is left, even when a later call arms', async () => {
  const w = world();
  await w.renewals.start();
  assert.ok(w.clock.pending() > 0);
  w.renewals.stop();
  assert.equal(w.clock.pending(), 0);
  w.renewals.arm();
  await w.renewals.renewDue();
  assert.equal(w.clock.pending(), 0);
});
