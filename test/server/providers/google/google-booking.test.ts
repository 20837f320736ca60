import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bookingEventId } from '../../../../server/providers/local/booking-id.js';
import { WRITE_KIND } from '../../../../server/providers/google/google-writes.js';
import { at, googleHarness, settle, until } from './harness.js';
import { googleProvider } from './provider-setup.js';

const ADA = 'ada@resource.example.com';
const req = (key: string, from = '10:00', to = '10:30') => ({ key, roomId: 'ada', start: at(from), end: at(to), title: 'Quick sync', organizer: null, bookedVia: 'panel' as const, checkInRequired: true });

test('a booking goes to Google once, with an id from its key and the room as resource attendee', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    const changed: string[] = [];
    p.onRoomChanged((r) => changed.push(r));
    const e1 = await p.book(req('k1'));
    const e2 = await p.book(req('k1'));
    assert.equal(e1.id, bookingEventId('k1'));
    assert.match(e1.id, /^[a-v0-9]{5,1024}$/);
    assert.deepEqual(e2, e1);
    assert.equal(h.fake.count('POST', '/events'), 1);
    const atGoogle = h.fake.get('primary', e1.id) ?? h.fake.get(ADA, e1.id);
    assert.ok(atGoogle, 'inserted');
    assert.deepEqual(h.fake.calendars.get('primary')?.get(e1.id)?.event.attendees, [{ email: ADA, resource: true }]);
    assert.equal(h.store.outbox.list({ kind: WRITE_KIND, state: 'done' }).length, 1);
    assert.deepEqual(changed, ['ada']);
    // The room's calendar now has the copy; a sync keeps our fields.
    await p.sync('ada');
    const synced = h.store.events.get('ada', e1.id);
    assert.equal(synced?.bookedVia, 'panel');
    assert.equal(synced?.checkInRequired, true);
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a crash between decided and sent neither loses nor doubles the booking', async () => {
  const h = await googleHarness();
  try {
    // Decided, not sent: the outbox row and the local event exist; Google has nothing yet.
    h.fake.fail({ status: 503 }, 6);
    const first = googleProvider(h);
    const booked = await settle(first.book(req('k2')), h.clock);
    assert.equal(h.fake.get('primary', booked.id), undefined);
    assert.equal(h.store.outbox.list({ kind: WRITE_KIND, state: 'pending' }).length, 1);
    await first.stop();
    // After a restart the worker sends it.
    const second = googleProvider(h);
    await second.start();
    await settle(second.ready(), h.clock);
    await until(() => h.fake.get('primary', booked.id) !== undefined, h.clock, 'the insert after restart');
    await until(() => h.store.outbox.list({ kind: WRITE_KIND, state: 'pending' }).length === 0, h.clock, 'the outbox to empty');
    // Sent but not marked done (crash right after): resending meets 409 and counts as done.
    const id = h.store.outbox.enqueue({ kind: WRITE_KIND, roomId: 'ada', payload: h.store.outbox.list({ kind: WRITE_KIND })[0]?.payload });
    await settle(second.book(req('k2')), h.clock);
    const third = googleProvider(h);
    await third.start();
    await settle(third.ready(), h.clock);
    await until(() => h.store.outbox.get(id)?.state === 'done', h.clock, 'the resend');
    assert.ok(h.fake.log.some((l) => l.status === 409));
    assert.equal([...(h.fake.calendars.get('primary')?.keys() ?? [])].length, 1);
    await second.stop();
    await third.stop();
  } finally {
    await h.close();
  }
});

test('extend patches the room calendar with If-Match and survives a concurrent change (412)', async () => {
  const h = await googleHarness();
  const p = googleProvider(h, { bookOn: 'room-calendar' });
  try {
    h.fake.put(ADA, { id: 'meet1', status: 'confirmed', summary: 'Planning', start: { dateTime: at('10:00') }, end: { dateTime: at('11:00') } });
    await p.sync('ada');
    // Someone edits the title at Google; our etag is now stale.
    h.fake.put(ADA, { id: 'meet1', status: 'confirmed', summary: 'Planning (moved)', start: { dateTime: at('10:00') }, end: { dateTime: at('11:00') } });
    const e = await p.setEnd('ada', 'meet1', at('11:30'));
    assert.equal(e.end, at('11:30'));
    assert.equal(h.fake.get(ADA, 'meet1')?.end.dateTime, at('11:30'));
    assert.equal(h.fake.get(ADA, 'meet1')?.summary, 'Planning (moved)');
    assert.ok(h.fake.log.some((l) => l.method === 'PATCH' && l.status === 412));
  } finally {
    await p.stop();
    await h.close();
  }
});

test('release drops the room from our booking and declines for the room on others', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    const mine = await p.book(req('k3', '12:00', '12:30'));
    await p.cancel('ada', mine.id);
    assert.deepEqual(h.fake.get('primary', mine.id)?.attendees, []);
    assert.equal(h.store.events.get('ada', mine.id)?.status, 'cancelled');
    await p.cancel('ada', mine.id);
    h.fake.put(ADA, { id: 'theirs1', status: 'confirmed', start: { dateTime: at('14:00') }, end: { dateTime: at('15:00') }, attendees: [{ email: ADA, resource: true, responseStatus: 'accepted' }] });
    await p.sync('ada');
    await p.cancel('ada', 'theirs1');
    assert.equal(h.fake.get(ADA, 'theirs1')?.attendees?.[0]?.responseStatus, 'declined');
    const checked = await p.checkIn('ada', mine.id === 'x' ? 'x' : (await p.book(req('k4', '16:00', '16:30'))).id, at('16:01'));
    assert.equal(checked.checkedInAt, at('16:01'));
    assert.equal(h.fake.count('PATCH', '/events'), 2, 'check-in is not written to Google');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a booking Google refuses for good is taken back locally', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    h.fake.fail({ status: 400, reason: 'invalid', path: '/events' });
    await assert.rejects(p.book(req('k5')), /PROVIDER_UNAVAILABLE|Google refused the booking/);
    assert.equal(h.store.events.get('ada', bookingEventId('k5')), null);
    assert.equal(h.store.outbox.list({ kind: WRITE_KIND, state: 'failed' }).length, 1);
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a booking with people makes them guests of the event and has Google mail them, after a crash too; its extend and cancel mail them again', async () => {
  const h = await googleHarness();
  try {
    const people = [{ email: 'ana@example.com', name: 'Ana Lima' }, { email: 'bo@example.com' }];
    const withPeople = { ...req('k-people'), bookedVia: 'api' as const, organizer: 'Eve', attendees: people, organizerAddress: 'eve@example.com' };
    // Decided, not sent: Google is down and the process stops before the retry.
    h.fake.fail({ status: 503 }, 6);
    const first = googleProvider(h);
    const booked = await settle(first.book(withPeople), h.clock);
    assert.equal(h.fake.get('primary', booked.id), undefined);
    await first.stop();
    const p = googleProvider(h);
    await p.start();
    await settle(p.ready(), h.clock);
    await until(() => h.fake.get('primary', booked.id) !== undefined, h.clock, 'the insert after restart');
    assert.deepEqual(h.fake.calendars.get('primary')?.get(booked.id)?.event.attendees, [
      { email: ADA, resource: true },
      { email: 'ana@example.com', displayName: 'Ana Lima' },
      { email: 'bo@example.com' },
    ]);
    const inserts = h.fake.writes.filter((w) => w.method === 'POST');
    assert.deepEqual(inserts, [{ method: 'POST', calendarId: 'primary', eventId: booked.id, sendUpdates: 'all', mailed: ['ana@example.com', 'bo@example.com'] }]);

    // The booking's people as the mail part keeps them: changes of our booking reach them through Google.
    h.store.attendees.attach({ roomId: 'ada', eventId: booked.id, organizer: 'eve@example.com', organizerName: 'Eve', attendees: people, uid: 'u1@example.com' });
    await settle(p.setEnd('ada', booked.id, at('10:45')), h.clock);
    await until(() => h.fake.writes.some((w) => w.method === 'PATCH'), h.clock, 'the extend');
    assert.deepEqual(h.fake.writes.find((w) => w.method === 'PATCH')?.sendUpdates, 'all');
    await settle(p.cancel('ada', booked.id), h.clock);
    await until(() => h.fake.writes.some((w) => w.method === 'DELETE'), h.clock, 'the cancel');
    // Cancelled for everyone (not only left by the room), and the guests told.
    assert.deepEqual(h.fake.writes.find((w) => w.method === 'DELETE'), { method: 'DELETE', calendarId: 'primary', eventId: booked.id, sendUpdates: 'all', mailed: ['ana@example.com', 'bo@example.com'] });
    assert.equal(h.fake.calendars.get('primary')?.get(booked.id)?.event.status, 'cancelled');
    await p.stop();
  } finally {
    await h.close();
  }
});

test('a booking without people mails nobody: no sendUpdates, the room leaves our event on cancel', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    const e = await p.book(req('k-alone'));
    await p.cancel('ada', e.id);
    assert.deepEqual(
      h.fake.writes.map((w) => [w.method, w.sendUpdates, w.mailed.length]),
      [
        ['POST', null, 0],
        ['PATCH', null, 0],
      ],
    );
  } finally {
    await p.stop();
    await h.close();
  }
});
