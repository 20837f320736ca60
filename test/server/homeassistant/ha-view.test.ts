import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomState } from '../../../shared/model/room-state.js';
import { roomHaView } from '../../../server/homeassistant/ha-view.js';
import { bookTopicRoom } from '../../../server/homeassistant/ha-topics.js';

const current = { id: 'm1', title: null, organizer: null, start: '2026-07-01T08:00:00.000Z', end: '2026-07-01T09:30:00.000Z', allDay: false, status: 'confirmed' as const, private: true, checkInRequired: false, checkedInAt: null };

test('the Home Assistant view: a hidden title stays hidden, times in the room zone with its offset', () => {
  const state: RoomState = { room: 'ada', status: 'busy', current, next: null, freeUntil: null, busyUntil: '2026-07-01T09:30:00.000Z', checkIn: null, nextChangeAt: null, stale: false };
  const v = roomHaView(state, 'America/New_York');
  assert.equal(v.occupied, 'ON');
  assert.equal(v.meeting, 'Private meeting');
  assert.equal(v.busy_until, '2026-07-01T05:30:00-04:00');
  assert.equal(v.free_until, null);
  const free = roomHaView({ ...state, status: 'free', current: null, busyUntil: null, freeUntil: '2026-12-01T15:00:00Z', next: { ...current, title: 'Plan', private: false, start: '2026-12-01T15:00:00Z' } }, 'Europe/Berlin');
  assert.deepEqual([free.occupied, free.meeting, free.free_until, free.next_start], ['OFF', '', '2026-12-01T16:00:00+01:00', '2026-12-01T16:00:00+01:00']);
});

test('book topics: only a room id one level deep under the prefix', () => {
  assert.equal(bookTopicRoom('doorplate', 'doorplate/homeassistant/rooms/ada/book'), 'ada');
  assert.equal(bookTopicRoom('doorplate', 'doorplate/homeassistant/rooms/a/b/book'), null);
  assert.equal(bookTopicRoom('doorplate', 'doorplate/homeassistant/rooms//book'), null);
  assert.equal(bookTopicRoom('doorplate', 'other/homeassistant/rooms/ada/book'), null);
});
