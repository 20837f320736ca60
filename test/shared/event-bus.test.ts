import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { EventBus } from '../../shared/event-bus.js';
import { silentLogger } from '../../shared/logger.js';

interface Events {
  'room.changed': { roomId: string };
  'token.rotated': Record<string, never>;
}

test('event bus: typed events reach every listener; an owner\'s listeners go together', () => {
  const bus = new EventBus<Events>(silentLogger());
  const seen: string[] = [];
  bus.on('publisher', 'room.changed', ({ roomId }) => void seen.push(`publisher ${roomId}`));
  bus.on('bookings', 'room.changed', ({ roomId }) => void seen.push(`bookings ${roomId}`));
  bus.on('publisher', 'token.rotated', () => void seen.push('publisher rotated'));
  bus.emit('room.changed', { roomId: 'ada' });
  bus.emit('token.rotated', {});
  assert.deepEqual(seen, ['publisher ada', 'bookings ada', 'publisher rotated']);

  bus.off('publisher');
  assert.equal(bus.listenerCount(), 1);
  bus.emit('room.changed', { roomId: 'grace' });
  bus.emit('token.rotated', {});
  assert.deepEqual(seen.slice(3), ['bookings grace']);
  bus.off('bookings');
  assert.equal(bus.listenerCount(), 0);
});

test('event bus: a listener that throws or rejects is logged and the others still run', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const bus = new EventBus<Events>(pino({ level: 'warn' }, sink));
  const seen: string[] = [];
  bus.on('a', 'room.changed', () => {
    throw new Error('boom');
  });
  bus.on('b', 'room.changed', async () => {
    throw new Error('later');
  });
  bus.on('c', 'room.changed', ({ roomId }) => void seen.push(roomId));
  bus.emit('room.changed', { roomId: 'ada' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, ['ada']);
  const logged = lines.map((l) => JSON.parse(l) as { owner: string; err: string });
  assert.deepEqual(logged.map((l) => [l.owner, l.err]), [['a', 'boom'], ['b', 'later']]);
});
