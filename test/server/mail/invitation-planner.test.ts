import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { RoomDirectory } from '../../../server/rooms/room-directory.js';
import { Store } from '../../../server/store/store.js';
import { MailComposer } from '../../../server/mail/compose.js';
import { InvitationPlanner } from '../../../server/mail/invitation-planner.js';
import { loadTemplates } from '../../../server/mail/templates.js';

function setup() {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const config = parseConfig({ site: { timeZone: 'Europe/Paris', locale: 'fr' }, rooms: [{ id: 'ada', name: 'Ada' }] });
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(config.rooms);
  const planner = new InvitationPlanner({
    clock,
    log: silentLogger(),
    rooms: new RoomDirectory(config),
    events: store.events,
    attendees: store.attendees,
    outbox: store.mail,
    transaction: (fn) => store.transaction(fn),
    composer: new MailComposer({ templates: loadTemplates({}), sender: { name: 'Rooms', email: 'rooms@example.org' }, defaultLanguage: 'en' }),
    dryRun: false,
  });
  const event: CalendarEvent = {
    id: 'e1',
    title: 'Revue',
    organizer: null,
    start: '2026-03-02T10:00:00Z',
    end: '2026-03-02T11:00:00Z',
    allDay: false,
    status: 'confirmed',
    roomResponse: 'accepted',
    private: false,
    checkInRequired: false,
    checkedInAt: null,
    seriesId: null,
    bookedAt: '2026-03-02T08:00:00Z',
    bookedVia: 'api',
  };
  store.events.upsert('ada', event);
  store.attendees.attach({ roomId: 'ada', eventId: 'e1', organizer: 'grace@example.com', organizerName: 'Grace', attendees: [{ email: 'a@example.com' }, { email: 'b@example.com', language: 'es' }], uid: 'u1@example.org' });
  const sequences = () => store.mail.list().reverse().map((m) => [m.kind, m.icsMethod, /SEQUENCE:(\d+)/.exec(m.ics ?? '')?.[1], m.language]);
  return { clock, store, planner, event, sequences };
}

test('one mail per attendee in their language (else the room\'s), then updates on each time change, then one cancel', () => {
  const { store, planner, event, sequences } = setup();
  assert.equal(planner.reconcileRoom('ada'), 2);
  assert.equal(planner.reconcileRoom('ada'), 0, 'nothing new, nothing queued');
  // Moved by an hour (a time change), then ended early.
  store.events.upsert('ada', { ...event, start: '2026-03-02T11:00:00Z', end: '2026-03-02T12:00:00Z' });
  assert.equal(planner.reconcileRoom('ada'), 2);
  store.events.upsert('ada', { ...event, start: '2026-03-02T11:00:00Z', end: '2026-03-02T11:30:00Z' });
  assert.equal(planner.reconcileRoom('ada'), 2);
  store.events.upsert('ada', { ...event, start: '2026-03-02T11:00:00Z', end: '2026-03-02T11:30:00Z', status: 'cancelled' });
  assert.equal(planner.reconcileRoom('ada'), 2);
  assert.equal(planner.reconcileRoom('ada'), 0);
  assert.deepEqual(sequences(), [
    ['invite', 'REQUEST', '0', 'fr'],
    ['invite', 'REQUEST', '0', 'es'],
    ['update', 'REQUEST', '1', 'fr'],
    ['update', 'REQUEST', '1', 'es'],
    ['update', 'REQUEST', '2', 'fr'],
    ['update', 'REQUEST', '2', 'es'],
    ['cancel', 'CANCEL', '3', 'fr'],
    ['cancel', 'CANCEL', '3', 'es'],
  ]);
  assert.match(store.mail.list()[0]?.ics ?? '', /STATUS:CANCELLED/);
});

test('a meeting over and pruned from the calendar is not taken for a cancellation', () => {
  const { clock, store, planner } = setup();
  assert.equal(planner.reconcileRoom('ada'), 2);
  clock.set('2026-03-03T08:00:00Z');
  store.events.pruneEndedBefore(clock.now());
  assert.equal(store.events.get('ada', 'e1'), null);
  assert.equal(planner.reconcileRoom('ada'), 0);
});

test('a booking cancelled before anyone was told gets no mail', () => {
  const { store, planner, event } = setup();
  store.events.upsert('ada', { ...event, status: 'cancelled' });
  assert.equal(planner.reconcileRoom('ada'), 0);
  store.events.upsert('ada', event);
  assert.equal(planner.reconcileRoom('ada'), 0, 'settled for good');
  assert.equal(store.mail.list().length, 0);
});
