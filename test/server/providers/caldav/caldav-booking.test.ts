import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { FakeClock } from '../../../../shared/clock.js';
import { bookingEventId } from '../../../../server/providers/local/booking-id.js';
import type { BookingRequest } from '../../../../server/providers/provider.js';
import { vcalendar, vevent } from './calendar-data.js';
import { putObject, startDavServer, type DavServerKind } from './dav-servers.js';
import { agendaTable, freshRead, newProvider, newStore } from './harness.js';

const booking = (key: string, start: string, end: string, title = 'Ad-hoc'): BookingRequest => ({ key, roomId: 'room1', start, end, title, organizer: 'eve@example.com', bookedVia: 'panel', checkInRequired: true });

async function getObject(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

for (const kind of ['radicale', 'xandikos'] as const satisfies readonly DavServerKind[]) {
  test(`${kind}: book, book again with the same key, extend, end early and release reach the server and come back the same`, async (t) => {
    const server = await startDavServer(kind);
    t.after(() => server.stop());
    const collection = await server.makeCalendar('room1');
    const clock = new FakeClock('2026-03-23T08:00:00Z');
    const rooms = [{ id: 'room1', calendar: collection }];
    const store = newStore(clock, rooms);
    t.after(() => store.close());
    const provider = newProvider(store, clock);
    await provider.requestSync('room1');

    const made = await provider.book(booking('k1', '2026-03-23T09:00:00Z', '2026-03-23T09:30:00Z'));
    const name = `${bookingEventId('k1')}.ics`;
    assert.equal(made.id, name);
    const again = await provider.book(booking('k1', '2026-03-23T09:00:00Z', '2026-03-23T09:30:00Z'));
    assert.deepEqual(again, made);
    const onServer = await getObject(`${collection}${name}`);
    assert.equal(onServer.status, 200);
    assert.match(onServer.text, /X-DOORPLATE-VIA:panel/);
    assert.match(onServer.text, /ORGANIZER:mailto:eve@example.com/);

    await provider.requestSync('room1');
    const synced = store.events.get('room1', name);
    assert.equal(synced?.bookedVia, 'panel');
    assert.equal(synced?.checkInRequired, true);
    assert.equal(synced?.organizer, 'eve@example.com');
    assert.equal(store.events.listForRoom('room1').length, 1);

    await provider.setEnd('room1', name, '2026-03-23T10:00:00Z');
    assert.deepEqual(agendaTable(await freshRead(clock, rooms, 'room1')), ['2026-03-23T09:00:00.000Z 2026-03-23T10:00:00.000Z Ad-hoc']);
    await provider.setEnd('room1', name, '2026-03-23T09:15:00Z');
    assert.deepEqual(agendaTable(await freshRead(clock, rooms, 'room1')), ['2026-03-23T09:00:00.000Z 2026-03-23T09:15:00.000Z Ad-hoc']);

    // Another client renames it meanwhile: the extend meets 412, reads again, and keeps both changes.
    const renamed = (await getObject(`${collection}${name}`)).text.replace('SUMMARY:Ad-hoc', 'SUMMARY:Renamed elsewhere');
    assert.ok((await putObject(`${collection}${name}`, renamed)) < 300);
    await provider.setEnd('room1', name, '2026-03-23T09:45:00Z');
    assert.deepEqual(agendaTable(await freshRead(clock, rooms, 'room1')), ['2026-03-23T09:00:00.000Z 2026-03-23T09:45:00.000Z Renamed elsewhere']);

    await provider.cancel('room1', name);
    assert.equal((await getObject(`${collection}${name}`)).status, 404);
    await provider.requestSync('room1');
    assert.deepEqual(agendaTable(store.events.listForRoom('room1')), []);
    assert.deepEqual(store.outbox.list({ state: 'pending' }), []);
  });

  test(`${kind}: meetings the room did not book: the room attendee declines; an instance is cancelled or extended alone`, async (t) => {
    const server = await startDavServer(kind);
    t.after(() => server.stop());
    const collection = await server.makeCalendar('room1');
    const L = (local: string): string => `;TZID=Europe/Berlin:${local}`;
    await putObject(
      `${collection}invite.ics`,
      vcalendar(vevent('invite-1', [`DTSTART${L('20260323T140000')}`, `DTEND${L('20260323T150000')}`, 'SUMMARY:Invited', 'ORGANIZER:mailto:bo@example.com', 'ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room1@example.com'])),
    );
    await putObject(`${collection}daily.ics`, vcalendar(vevent('daily-1', [`DTSTART${L('20260323T090000')}`, `DTEND${L('20260323T093000')}`, 'SUMMARY:Daily', 'RRULE:FREQ=DAILY;COUNT=3'])));
    const clock = new FakeClock('2026-03-23T06:00:00Z');
    const rooms = [{ id: 'room1', calendar: collection }];
    const store = newStore(clock, rooms);
    t.after(() => store.close());
    const provider = newProvider(store, clock);
    await provider.requestSync('room1');
    assert.equal(agendaTable(store.events.listForRoom('room1')).length, 4);

    await provider.cancel('room1', 'invite.ics');
    await provider.cancel('room1', 'daily.ics/20260324T080000Z');
    assert.match((await getObject(`${collection}invite.ics`)).text, /PARTSTAT=DECLINED/);
    assert.deepEqual(agendaTable(await freshRead(clock, rooms, 'room1')), [
      '2026-03-23T08:00:00.000Z 2026-03-23T08:30:00.000Z Daily',
      '2026-03-23T13:00:00.000Z 2026-03-23T14:00:00.000Z Invited [declined]',
      '2026-03-25T08:00:00.000Z 2026-03-25T08:30:00.000Z Daily',
    ]);
    await provider.requestSync('room1');
    assert.deepEqual(agendaTable(store.events.listForRoom('room1')), agendaTable(await freshRead(clock, rooms, 'room1')));

    // Extending one instance of the series writes an override for it alone.
    await provider.setEnd('room1', 'daily.ics/20260325T080000Z', '2026-03-25T09:00:00.000Z');
    assert.deepEqual(agendaTable(await freshRead(clock, rooms, 'room1')), [
      '2026-03-23T08:00:00.000Z 2026-03-23T08:30:00.000Z Daily',
      '2026-03-23T13:00:00.000Z 2026-03-23T14:00:00.000Z Invited [declined]',
      '2026-03-25T08:00:00.000Z 2026-03-25T09:00:00.000Z Daily',
    ]);
    await provider.requestSync('room1');
    assert.deepEqual(agendaTable(store.events.listForRoom('room1')), agendaTable(await freshRead(clock, rooms, 'room1')));
  });
}

test('radicale: a booking with people stores them as ATTENDEE lines with the ORGANIZER that invites them; the panels keep the name the booking gave', async (t) => {
  const server = await startDavServer('radicale');
  t.after(() => server.stop());
  const collection = await server.makeCalendar('room1');
  const clock = new FakeClock('2026-03-23T08:00:00Z');
  const rooms = [{ id: 'room1', calendar: collection }];
  const store = newStore(clock, rooms);
  t.after(() => store.close());
  const provider = newProvider(store, clock);
  await provider.requestSync('room1');

  const people = [{ email: 'ana@example.com', name: 'Ana Lima' }, { email: 'bo@example.com' }];
  const req: BookingRequest = { ...booking('k-people', '2026-03-23T09:00:00Z', '2026-03-23T09:30:00Z', 'Review'), organizer: 'Eve', attendees: people, organizerAddress: 'eve@example.com' };
  const made = await provider.book(req);
  const onServer = await getObject(`${collection}${made.id}`);
  assert.equal(onServer.status, 200);
  const ev = new ICAL.Component(ICAL.parse(onServer.text)).getFirstSubcomponent('vevent');
  assert.ok(ev);
  const organizer = ev.getFirstProperty('organizer');
  assert.equal(organizer?.getFirstValue(), 'mailto:eve@example.com');
  assert.equal(organizer?.getParameter('cn'), 'Eve');
  const attendees = ev.getAllProperties('attendee').map((p) => ({
    to: p.getFirstValue(),
    cn: p.getParameter('cn') ?? null,
    partstat: p.getParameter('partstat'),
    rsvp: p.getParameter('rsvp'),
    role: p.getParameter('role'),
  }));
  assert.deepEqual(attendees, [
    { to: 'mailto:ana@example.com', cn: 'Ana Lima', partstat: 'NEEDS-ACTION', rsvp: 'TRUE', role: 'REQ-PARTICIPANT' },
    { to: 'mailto:bo@example.com', cn: null, partstat: 'NEEDS-ACTION', rsvp: 'TRUE', role: 'REQ-PARTICIPANT' },
  ]);

  // Read back: the people do not make the room look invited or declined; the organizer is the name given.
  await provider.requestSync('room1');
  const synced = store.events.get('room1', made.id);
  assert.equal(synced?.organizer, 'Eve');
  assert.equal(synced?.roomResponse, 'accepted');
  assert.deepEqual(agendaTable(store.events.listForRoom('room1')), ['2026-03-23T09:00:00.000Z 2026-03-23T09:30:00.000Z Review']);
});
