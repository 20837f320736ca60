import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { DoorplateError } from '../../../shared/errors.js';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { RoomDirectory } from '../../../server/rooms/room-directory.js';
import { Reminders } from '../../../server/mail/reminders.js';

const event = (id: string, start: string, extra: Partial<CalendarEvent> = {}): CalendarEvent => ({
  id,
  title: `Meeting ${id}`,
  organizer: null,
  start,
  end: new Date(Date.parse(start) + 3_600_000).toISOString(),
  allDay: false,
  status: 'confirmed',
  roomResponse: 'accepted',
  private: false,
  checkInRequired: false,
  checkedInAt: null,
  seriesId: null,
  bookedAt: null,
  bookedVia: 'api',
  ...extra,
});

test('a reminder refused by the notify budget is tried again a minute later, and still sent once', async () => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const config = parseConfig({ site: { timeZone: 'Europe/Paris', locale: 'de', privacy: 'organizer' }, rooms: [{ id: 'ada', name: 'Ada' }] });
  const claimed = new Set<string>();
  const notices: string[] = [];
  const mailed: string[] = [];
  let budget = 0;
  const events = [event('a', '2026-03-02T09:00:00Z'), event('b', '2026-03-02T09:00:00Z', { status: 'cancelled' }), event('c', '2026-03-02', { allDay: true, start: '2026-03-02', end: '2026-03-03' })];
  const reminders = new Reminders({
    clock,
    log: silentLogger(),
    rooms: new RoomDirectory(config),
    leadMins: () => 15,
    events: { listForRoom: () => events },
    claim: (r, e, s) => !claimed.has(`${r}/${e}/${s}`) && Boolean(claimed.add(`${r}/${e}/${s}`)),
    release: (r, e, s) => void claimed.delete(`${r}/${e}/${s}`),
    notifyPanels: (room, message) => {
      if (budget <= 0) throw new DoorplateError('RATE_LIMITED');
      budget--;
      notices.push(`${room.id} ${message}`);
    },
    mailAttendees: (_room, e) => void mailed.push(e.id),
  });
  reminders.start();
  await clock.advanceAsync(45 * 60_000); // 08:45: due, but the budget is spent
  assert.deepEqual(notices, []);
  assert.deepEqual(mailed, []);
  budget = 10;
  await clock.advanceAsync(60_000);
  // Titles are hidden in an `organizer` privacy room; the time is the room's (Paris, German).
  assert.deepEqual(notices, ['ada Meeting: 10:00']);
  assert.deepEqual(mailed, ['a']);
  await clock.advanceAsync(30 * 60_000);
  assert.equal(notices.length, 1);
  assert.equal(reminders.sent(), 1);
  reminders.stop();
});
