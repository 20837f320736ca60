import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { FakeClock } from '../../../shared/clock.js';
import { api, startTestServer } from '../../helpers/server.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';
import { startDavServer } from '../providers/caldav/dav-servers.js';

test('book later with attendees on a CalDAV room: the calendar object invites them, doorplate queues no invitation of its own', async (t) => {
  const dav = await startDavServer('radicale');
  t.after(() => dav.stop());
  const collection = await dav.makeCalendar('ada');
  const sink = new SmtpSink();
  await sink.up();
  t.after(() => sink.down());
  const clock = new FakeClock('2026-03-23T08:00:00Z');
  const { base, cleanup } = await startTestServer({
    clock,
    config: {
      rooms: [{ id: 'ada', name: 'Ada Lovelace', calendar: collection }],
      provider: { kind: 'caldav', auth: { type: 'none' } },
      mail: { enabled: true, from: 'Rooms <rooms@example.org>', publicUrl: 'https://rooms.example.org', smtp: { host: '127.0.0.1', port: sink.port, security: 'none' } },
    },
  });
  t.after(cleanup);
  const booked = await api(base, 'POST', '/api/v1/meetings', {
    room: 'ada',
    start: '2026-03-23T09:00:00Z',
    end: '2026-03-23T09:30:00Z',
    title: 'Review',
    organizer: 'Grace <grace@example.com>',
    attendees: [{ email: 'ann@example.com', name: 'Ann' }, 'bo@example.com'],
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.json));
  const meeting = (booked.json as { meeting: { eventId: string; organizer: string; attendees: unknown[] } }).meeting;
  assert.equal(meeting.organizer, 'Grace');
  assert.equal(meeting.attendees.length, 2);

  const res = await fetch(`${collection}${meeting.eventId}`);
  assert.equal(res.status, 200);
  const ev = new ICAL.Component(ICAL.parse(await res.text())).getFirstSubcomponent('vevent');
  assert.ok(ev);
  assert.equal(ev.getFirstPropertyValue('organizer'), 'mailto:grace@example.com');
  assert.deepEqual(
    ev.getAllProperties('attendee').map((p) => [p.getFirstValue(), p.getParameter('partstat'), p.getParameter('rsvp')]),
    [
      ['mailto:ann@example.com', 'NEEDS-ACTION', 'TRUE'],
      ['mailto:bo@example.com', 'NEEDS-ACTION', 'TRUE'],
    ],
  );
  // The calendar invites; the mail part keeps the people (for reminders) and queues nothing now.
  const outbox = await api(base, 'GET', '/api/v1/mail');
  assert.equal(outbox.status, 200);
  assert.deepEqual((outbox.json as { mail: unknown[] }).mail, []);
});
