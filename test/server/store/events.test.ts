import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../server/store/store.js';
import { FakeClock } from '../../../shared/clock.js';
import { isDoorplateError } from '../../../shared/errors.js';
import { event } from './helpers.js';

function open(): Store {
  const store = Store.open({ path: ':memory:', clock: new FakeClock('2026-03-02T08:00:00Z') });
  store.rooms.upsertFromConfig([
    { id: 'ada', name: 'Ada Lovelace' },
    { id: 'grace', name: 'Grace Hopper' },
  ]);
  return store;
}

test('upsert stores every field and reports whether a display would see a change', () => {
  const store = open();
  const e = event({
    id: 'e1',
    organizer: null,
    status: 'tentative',
    roomResponse: 'needsAction',
    private: true,
    checkInRequired: true,
    checkedInAt: '2026-03-02T09:01:00Z',
    seriesId: 'series-1',
    bookedAt: '2026-03-01T12:00:00Z',
    bookedVia: 'api',
  });
  assert.equal(store.events.upsert('ada', e), true);
  assert.deepEqual(store.events.get('ada', 'e1'), e);
  assert.equal(store.events.upsert('ada', { ...e }), false);
  assert.equal(store.events.upsert('ada', e, { etag: '"v2"', sequence: 2 }), false, 'meta alone is not a visible change');
  assert.deepEqual(store.events.meta('ada', 'e1'), { etag: '"v2"', sequence: 2 });
  assert.equal(store.events.upsert('ada', { ...e, title: 'Renamed' }), true);
  assert.deepEqual(store.events.meta('ada', 'e1'), { etag: '"v2"', sequence: 2 }, 'meta kept when not given');
  // The same id in another room is another event.
  assert.equal(store.events.upsert('grace', e), true);
  assert.equal(store.events.get('ada', 'e1')?.title, 'Renamed');
  store.close();
});

test('upsert refuses bad events and unknown rooms with a message naming them', () => {
  const store = open();
  assert.throws(
    () => store.events.upsert('ada', event({ id: 'bad', start: 'tomorrow' })),
    (e: unknown) => isDoorplateError(e) && e.code === 'VALIDATION' && e.message.startsWith('room ada, event bad: start:'),
  );
  assert.throws(
    () => store.events.upsert('ada', event({ id: 'backwards', start: '2026-03-02T10:00:00Z', end: '2026-03-02T09:00:00Z' })),
    /room ada, event backwards: end is before start/,
  );
  assert.throws(
    () => store.events.upsert('ada', event({ id: 'mixed', start: '2026-03-02', end: '2026-03-03' })),
    /allDay: all-day events take dates/,
  );
  assert.throws(
    () => store.events.upsert('nowhere', event({ id: 'x' })),
    (e: unknown) => isDoorplateError(e) && e.code === 'ROOM_NOT_FOUND',
  );
  store.close();
});

test('listForRoom returns the events overlapping a window, in start order', () => {
  const store = open();
  store.events.upsert('ada', event({ id: 'late', start: '2026-03-02T15:00:00Z', end: '2026-03-02T16:00:00Z' }));
  store.events.upsert('ada', event({ id: 'early', start: '2026-03-02T08:00:00Z', end: '2026-03-02T09:00:00Z' }));
  store.events.upsert('ada', event({ id: 'offset', start: '2026-03-02T10:30:00+01:00', end: '2026-03-02T11:30:00+01:00' }));
  store.events.upsert('ada', event({ id: 'allday', start: '2026-03-03', end: '2026-03-04', allDay: true }));
  store.events.upsert('grace', event({ id: 'other' }));

  assert.deepEqual(
    store.events.listForRoom('ada').map((e) => e.id),
    ['early', 'offset', 'allday', 'late'],
    'the all-day event sorts at the earliest start its date has in any zone (10:00Z the day before)',
  );
  const ids = (from: string, to: string): string[] => store.events.listForRoom('ada', Date.parse(from), Date.parse(to)).map((e) => e.id);
  // The window is half-open: an event ending at its start is not in it.
  assert.deepEqual(ids('2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z'), ['offset']);
  assert.deepEqual(ids('2026-03-02T09:30:00Z', '2026-03-02T10:00:00Z'), ['offset']);
  // An all-day event is found from any zone: 2026-03-03 starts at 10:00Z in Pacific/Kiritimati (UTC+14).
  assert.deepEqual(ids('2026-03-02T10:30:00Z', '2026-03-02T11:00:00Z'), ['allday']);
  assert.deepEqual(ids('2026-03-04T11:00:00Z', '2026-03-04T11:30:00Z'), ['allday']);
  assert.deepEqual(ids('2026-03-04T12:00:00Z', '2026-03-05T00:00:00Z'), []);
  store.close();
});

test('remove and replaceAll report what changed, in one transaction', () => {
  const store = open();
  store.events.upsert('ada', event({ id: 'keep' }));
  store.events.upsert('ada', event({ id: 'drop' }));
  store.events.upsert('ada', event({ id: 'edit' }));
  store.events.upsert('grace', event({ id: 'untouched' }));

  const result = store.events.replaceAll('ada', [event({ id: 'keep' }), event({ id: 'edit', title: 'Edited' }), event({ id: 'new' })]);
  assert.deepEqual(result, { changed: true, added: 1, updated: 1, removed: 1 });
  assert.deepEqual(
    store.events.listForRoom('ada').map((e) => e.id).sort(),
    ['edit', 'keep', 'new'],
  );
  assert.equal(store.events.get('grace', 'untouched')?.id, 'untouched');

  const same = store.events.replaceAll('ada', [event({ id: 'keep' }), event({ id: 'edit', title: 'Edited' }), event({ id: 'new' })]);
  assert.deepEqual(same, { changed: false, added: 0, updated: 0, removed: 0 });

  // A bad event anywhere in the list changes nothing.
  assert.throws(() => store.events.replaceAll('ada', [event({ id: 'a' }), event({ id: 'b', end: 'soon' })]), /event b/);
  assert.throws(() => store.events.replaceAll('ada', [event({ id: 'a' }), event({ id: 'a' })]), /"a" appears twice/);
  assert.equal(store.events.listForRoom('ada').length, 3);

  assert.equal(store.events.remove('ada', 'keep'), true);
  assert.equal(store.events.remove('ada', 'keep'), false);
  assert.deepEqual(store.events.replaceAll('ada', []), { changed: true, added: 0, updated: 0, removed: 2 });
  store.close();
});

test('pruneEndedBefore drops only events that are over', () => {
  const store = open();
  store.events.upsert('ada', event({ id: 'old', start: '2026-02-01T09:00:00Z', end: '2026-02-01T10:00:00Z' }));
  store.events.upsert('ada', event({ id: 'now' }));
  assert.equal(store.events.pruneEndedBefore(Date.parse('2026-03-01T00:00:00Z')), 1);
  assert.deepEqual(
    store.events.listForRoom('ada').map((e) => e.id),
    ['now'],
  );
  store.close();
});
