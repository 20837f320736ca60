import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { FakeClock } from '../../../shared/clock.js';
import { api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { SmtpSink, type Received } from '../../helpers/smtp-sink.js';

function mailConfig(port: number) {
  return { enabled: true, from: 'Rooms <rooms@example.org>', publicUrl: 'https://rooms.example.org', smtp: { host: '127.0.0.1', port, security: 'none' } };
}

/** The calendar part of a received mail (mailparser lists the text/calendar alternative among the attachments). */
function calendarParts(m: Received) {
  return m.parsed.attachments.filter((a) => a.contentType === 'text/calendar' || a.contentType === 'application/ics');
}

function readIcs(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = cal.getFirstSubcomponent('vevent');
  assert.ok(vevent);
  return { method: cal.getFirstPropertyValue('method'), vevent, event: new ICAL.Event(vevent) };
}

test('invitations in four languages, an update with a higher SEQUENCE, a cancel', async () => {
  const sink = new SmtpSink();
  await sink.up();
  // Saturday 28 March 2026, the night Berlin moves to summer time.
  const clock = new FakeClock('2026-03-28T09:00:00Z');
  const { server, base, cleanup } = await startTestServer({ clock, config: { mail: mailConfig(sink.port) } });
  try {
    const attendees = [
      { email: 'ann@example.com', name: 'Ann', language: 'en' },
      { email: 'bernd@example.com', name: 'Bernd', language: 'de-AT' },
      { email: 'chloe@example.com', name: 'Chloé', language: 'fr' },
      { email: 'diego@example.com', language: 'es' },
    ];
    // 01:30 CET to 03:30 CEST: one hour of meeting, clocks jump in between.
    const booked = await api(base, 'POST', '/api/v1/meetings', {
      room: 'ada',
      start: '2026-03-29T00:30:00Z',
      end: '2026-03-29T01:30:00Z',
      title: 'Night shift handover',
      organizer: 'Grace <grace@example.com>',
      attendees,
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.json));
    const meeting = (booked.json as { meeting: { id: string; attendees: unknown[]; invitedBy: { email: string } } }).meeting;
    assert.equal(meeting.attendees.length, 4);
    assert.equal(meeting.invitedBy.email, 'grace@example.com');
    assert.equal((meeting as unknown as { organizer: string }).organizer, 'Grace', 'the calendar keeps the name, not the address');

    await until(() => sink.received.length === 4, 'four invitations');
    const byTo = new Map(sink.received.map((m) => [m.to[0], m]));
    const subjects: Record<string, RegExp> = {
      'ann@example.com': /^Invitation: Night shift handover/,
      'bernd@example.com': /^Einladung: Night shift handover/,
      'chloe@example.com': /^Invitation : Night shift handover|^Invitation: Night shift handover/,
      'diego@example.com': /^Invitación: Night shift handover/,
    };
    const greetings: Record<string, RegExp> = { 'ann@example.com': /Hello Ann/, 'bernd@example.com': /Hallo Bernd/, 'chloe@example.com': /Bonjour Chloé/, 'diego@example.com': /Hola diego@example.com/ };
    const uids = new Set<string>();
    for (const [to, m] of byTo) {
      assert.ok(to);
      assert.match(m.parsed.subject ?? '', subjects[to] as RegExp);
      assert.match(m.parsed.text ?? '', greetings[to] as RegExp);
      assert.match(String(m.parsed.html), /<html lang="(en|de|fr|es)">/);
      assert.match(m.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
      const parts = calendarParts(m);
      // The alternative and the attachment, the same calendar twice.
      assert.equal(parts.length, 2, 'the calendar as alternative and as attachment');
      assert.equal(parts[0]?.content.toString('utf8'), parts[1]?.content.toString('utf8'));
      assert.match(m.raw, /Content-Disposition: attachment; filename=invite\.ics/);
      assert.deepEqual(m.parsed.from?.value.map((a) => [a.name, a.address]), [['Grace via Rooms', 'rooms@example.org']]);
      const { method, vevent, event } = readIcs(parts[0]?.content.toString('utf8') ?? '');
      assert.equal(method, 'REQUEST');
      assert.equal(event.startDate.toJSDate().toISOString(), '2026-03-29T00:30:00.000Z');
      assert.equal(event.endDate.toJSDate().toISOString(), '2026-03-29T01:30:00.000Z');
      assert.equal(event.startDate.zone?.tzid, 'Europe/Berlin');
      assert.equal(event.startDate.toString(), '2026-03-29T01:30:00');
      assert.equal(event.endDate.toString(), '2026-03-29T03:30:00');
      assert.equal(event.sequence, 0);
      assert.equal(vevent.getFirstPropertyValue('organizer'), 'mailto:grace@example.com');
      assert.deepEqual(vevent.getAllProperties('attendee').map((p) => p.getFirstValue()), attendees.map((a) => `mailto:${a.email}`));
      assert.equal(event.location, 'Ada Lovelace');
      uids.add(event.uid);
    }
    assert.equal(uids.size, 1, 'one UID for the booking');
    // Only the German mail speaks German: the date helper used its language.
    assert.match(byTo.get('bernd@example.com')?.parsed.text ?? '', /Sonntag, 29\. März 2026/);
    assert.match(byTo.get('ann@example.com')?.parsed.text ?? '', /Sunday, March 29, 2026/);
    assert.match(byTo.get('ann@example.com')?.parsed.text ?? '', /Open the room page: https:\/\/rooms\.example\.org\/display\/ada/);

    // The public surfaces never show attendees.
    const kiosk = await fetch(`${base}/display/ada`).then((r) => r.text());
    assert.ok(kiosk.length > 0 && !kiosk.includes('bernd@example.com'));
    // What MQTT and the live stream carry for the room: the published agenda and state.
    const published = JSON.stringify(server.publisher.snapshot('ada')) + JSON.stringify(server.feed.room('ada'));
    assert.match(published, /Night shift handover/);
    assert.ok(!published.includes('bernd@example.com') && !published.includes('Chloé') && !published.includes('grace@example.com'));

    // Extend by 30 minutes: same UID, SEQUENCE 1, to every attendee.
    const extended = await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(meeting.id)}`, { extendMins: 30 });
    assert.equal(extended.status, 200, JSON.stringify(extended.json));
    await until(() => sink.received.length === 8, 'four updates');
    for (const m of sink.received.slice(4)) {
      const { method, event } = readIcs(calendarParts(m)[0]?.content.toString('utf8') ?? '');
      assert.equal(method, 'REQUEST');
      assert.equal(event.sequence, 1);
      assert.ok(uids.has(event.uid));
      assert.equal(event.endDate.toJSDate().toISOString(), '2026-03-29T02:00:00.000Z');
      assert.match(m.parsed.subject ?? '', /^(Updated invitation|Geänderte Einladung|Invitation modifiée|Invitación modificada):/);
    }

    // Cancel: METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE 2.
    const cancelled = await api(base, 'DELETE', `/api/v1/meetings/${encodeURIComponent(meeting.id)}`);
    assert.equal(cancelled.status, 204, JSON.stringify(cancelled.json));
    await until(() => sink.received.length === 12, 'four cancellations');
    for (const m of sink.received.slice(8)) {
      assert.match(m.raw, /method=CANCEL/);
      const { method, vevent, event } = readIcs(calendarParts(m)[0]?.content.toString('utf8') ?? '');
      assert.equal(method, 'CANCEL');
      assert.equal(vevent.getFirstPropertyValue('status'), 'CANCELLED');
      assert.equal(event.sequence, 2);
      assert.ok(uids.has(event.uid));
    }
    // Nothing more: a second look at the room repeats nothing.
    const list = await api(base, 'GET', '/api/v1/mail?status=sent');
    assert.equal((list.json as { mail: unknown[] }).mail.length, 12);
  } finally {
    await cleanup();
    await sink.down();
  }
});

test('bad attendees are refused with the path, and nothing is booked', async () => {
  const sink = new SmtpSink();
  await sink.up();
  const { base, cleanup } = await startTestServer({ clock: new FakeClock('2026-03-02T08:00:00Z'), config: { mail: { ...mailConfig(sink.port), maxAttendees: 2 } } });
  try {
    const body = { room: 'ada', start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z', title: 'x' };
    const bad = await api(base, 'POST', '/api/v1/meetings', { ...body, attendees: [{ email: 'ok@example.com' }, { email: 'not an address' }] });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /body\.attendees\.1\.email: \\"not an address\\" is not an email address/);
    const many = await api(base, 'POST', '/api/v1/meetings', { ...body, attendees: ['a@example.com', 'b@example.com', 'c@example.com'] });
    assert.equal(many.status, 400);
    assert.match(JSON.stringify(many.json), /body\.attendees: at most 2 attendees/);
    const twice = await api(base, 'POST', '/api/v1/meetings', { ...body, attendees: ['a@example.com', { email: 'A@example.com' }] });
    assert.equal(twice.status, 400);
    assert.match(JSON.stringify(twice.json), /body\.attendees\.1\.email: A@example\.com is listed twice/);
    const agenda = await api(base, 'GET', '/api/v1/meetings?room=ada');
    assert.equal((agenda.json as { next: unknown[] }).next.length, 0);
  } finally {
    await cleanup();
    await sink.down();
  }
});
