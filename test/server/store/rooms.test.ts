import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../server/store/store.js';
import { FakeClock } from '../../../shared/clock.js';
import { isDoorplateError } from '../../../shared/errors.js';
import { event } from './helpers.js';

function open(): { store: Store; clock: FakeClock } {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  return { store: Store.open({ path: ':memory:', clock }), clock };
}

test('upsertFromConfig adds, updates only what changed, and removes rooms no longer configured', () => {
  const { store, clock } = open();
  const first = store.rooms.upsertFromConfig([
    { id: 'ada', name: 'Ada Lovelace', capacity: 8, timeZone: 'Europe/Berlin' },
    { id: 'grace', name: 'Grace Hopper', calendar: 'grace@example.com' },
  ]);
  assert.deepEqual(first, { added: ['ada', 'grace'], updated: [], removed: [] });
  const ada = store.rooms.get('ada');
  assert.equal(ada?.timeZone, 'Europe/Berlin');
  assert.equal(ada?.config.capacity, 8);
  assert.equal(store.rooms.get('grace')?.calendar, 'grace@example.com');

  clock.advance(60_000);
  store.events.upsert('grace', event({ id: 'e1' }));
  const second = store.rooms.upsertFromConfig([
    { id: 'ada', name: 'Ada Lovelace', capacity: 8, timeZone: 'Europe/Berlin' },
    { id: 'alan', name: 'Alan Turing' },
  ]);
  assert.deepEqual(second, { added: ['alan'], updated: [], removed: ['grace'] });
  assert.equal(store.rooms.get('ada')?.updatedAt, Date.parse('2026-03-02T08:00:00Z'));
  assert.equal(store.rooms.get('grace'), null);
  // The removed room's events went with it.
  assert.deepEqual(store.events.listForRoom('grace'), []);

  clock.advance(60_000);
  const third = store.rooms.upsertFromConfig([
    { id: 'ada', name: 'Ada Lovelace (big)', capacity: 8 },
    { id: 'alan', name: 'Alan Turing' },
  ]);
  assert.deepEqual(third, { added: [], updated: ['ada'], removed: [] });
  const updated = store.rooms.get('ada');
  assert.equal(updated?.name, 'Ada Lovelace (big)');
  assert.equal(updated?.timeZone, null);
  assert.equal(updated?.updatedAt, clock.now());
  assert.deepEqual(
    store.rooms.list().map((r) => r.id),
    ['ada', 'alan'],
  );
  store.close();
});

test('upsertFromConfig refuses invalid or duplicate rooms, saying where, and changes nothing', () => {
  const { store } = open();
  store.rooms.upsertFromConfig([{ id: 'ada', name: 'Ada' }]);
  assert.throws(
    () => store.rooms.upsertFromConfig([{ id: 'x', name: 'X' }, { id: 'bad/id', name: 'Bad' }]),
    (e: unknown) => isDoorplateError(e) && e.code === 'VALIDATION' && e.message.startsWith('rooms.1: id:'),
  );
  assert.throws(
    () => store.rooms.upsertFromConfig([{ id: 'x', name: 'X' }, { id: 'x', name: 'Y' }]),
    /rooms\.1\.id: "x" appears twice/,
  );
  assert.deepEqual(
    store.rooms.list().map((r) => r.id),
    ['ada'],
  );
  store.close();
});
