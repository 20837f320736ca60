import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bookingEventId } from '../../../../server/providers/local/booking-id.js';
import { WRITE_KIND } from '../../../../server/providers/microsoft/graph-writes.js';
import { settle, until } from '../google/harness.js';
import { ADA, at, graphHarness, wall } from './harness.js';

const req = (key: string, from = '10:00', to = '10:30') => ({ key, roomId: 'ada', start: at(from), end: at(to), title: 'Quick sync', organizer: null, bookedVia: 'panel' as const, checkInRequired: true });

test('a booking reaches the room calendar once, with a transactionId from its key; a sync keeps our id and fields', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    const e1 = await p.book(req('k1'));
    const e2 = await p.book(req('k1'));
    assert.equal(e1.id, bookingEventId('k1'));
    assert.deepEqual(e2, e1);
    assert.equal(h.fake.count('POST', '/events'), 1);
    const [atGraph] = h.fake.live(ADA);
    assert.equal(atGraph?.transactionId, e1.id);
    assert.deepEqual(atGraph?.start, { dateTime: '2026-03-02T10:00:00', timeZone: 'UTC' });
    await p.sync('ada');
    assert.deepEqual(h.store.events.listForRoom('ada').map((e) => [e.id, e.bookedVia, e.checkInRequired]), [[e1.id, 'panel', true]]);
    // Extend, then release: both go to Graph's id for our event.
    await p.setEnd('ada', e1.id, at('10:45'));
    assert.equal(h.fake.get(ADA, atGraph?.id ?? '')?.end.dateTime, '2026-03-02T10:45:00');
    await p.cancel('ada', e1.id);
    assert.equal(h.fake.get(ADA, atGraph?.id ?? ''), undefined, 'cancelled by the room, its organizer');
    await p.sync('ada');
    assert.equal(h.store.events.get('ada', e1.id), null, '@removed reaches our id');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('releasing someone else\'s meeting declines it for the room', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    h.fake.put(ADA, { id: 'theirs1', subject: 'Theirs', start: wall('14:00'), end: wall('15:00'), organizer: { emailAddress: { address: 'olga@example.com' } }, attendees: [{ emailAddress: { address: ADA }, type: 'resource', status: { response: 'accepted' } }] });
    await p.sync('ada');
    await p.cancel('ada', 'theirs1');
    assert.equal(h.fake.get(ADA, 'theirs1')?.attendees?.[0]?.status?.response, 'declined');
    assert.equal(h.fake.count('POST', '/decline'), 1);
    await p.sync('ada');
    assert.equal(h.store.events.get('ada', 'theirs1')?.roomResponse, 'declined');
  } finally {
    await p.stop();
    await h.close();
  }
});

test('a crash around the outbox send neither loses nor doubles the booking', async () => {
  const h = await graphHarness();
  try {
    // Decided, not sent: Graph keeps failing, the row stays pending.
    h.fake.fail({ status: 503 }, 6);
    const first = h.provider();
    const booked = await settle(first.book(req('k2')), h.clock);
    assert.equal(h.fake.live(ADA).length, 0);
    assert.equal(h.store.outbox.list({ kind: WRITE_KIND, state: 'pending' }).length, 1);
    await first.stop();
    // After a restart the worker sends it.
    const second = h.provider();
    await second.start();
    await settle(second.ready(), h.clock);
    await until(() => h.store.outbox.list({ kind: WRITE_KIND, state: 'pending' }).length === 0, h.clock, 'the create after restart');
    assert.equal(h.fake.live(ADA).length, 1);
    await second.stop();
    // Sent but not marked done (a crash right after Graph answered): the resend carries the same transactionId.
    const payload = h.store.outbox.list({ kind: WRITE_KIND })[0]?.payload;
    const id = h.store.outbox.enqueue({ kind: WRITE_KIND, roomId: 'ada', payload });
    const third = h.provider();
    await third.start();
    await settle(third.ready(), h.clock);
    await until(() => h.store.outbox.get(id)?.state === 'done', h.clock, 'the resend');
    assert.equal(h.fake.log.filter((l) => l.method === 'POST' && l.path.endsWith('/events') && l.status === 201).length, 2, 'answered twice');
    assert.equal(h.fake.live(ADA).length, 1, 'one event at Graph');
    assert.deepEqual(h.store.events.listForRoom('ada').map((e) => e.id), [booked.id]);
    await third.stop();
  } finally {
    await h.close();
  }
});

test('a booking Graph refuses for good is taken back locally', async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    h.fake.fail({ status: 400, code: 'ErrorInvalidRequest', path: '/events' });
    await assert.rejects(p.book(req('k5')), /Microsoft Graph refused the booking/);
    assert.equal(h.store.events.get('ada', bookingEventId('k5')), null);
  } finally {
    await p.stop();
    await h.close();
  }
});

test("a booking with people makes them required attendees of the room's event, so Exchange invites them once; a cancel tells them", async () => {
  const h = await graphHarness();
  const p = h.provider();
  try {
    const people = [{ email: 'ana@example.com', name: 'Ana Lima' }, { email: 'bo@example.com' }];
    const withPeople = { ...req('k-people'), bookedVia: 'api' as const, organizer: 'Eve', attendees: people, organizerAddress: 'eve@example.com' };
    const e = await p.book(withPeople);
    await p.book(withPeople);
    const [atGraph] = h.fake.live(ADA);
    assert.deepEqual(atGraph?.attendees, [
      { emailAddress: { address: 'ana@example.com', name: 'Ana Lima' }, type: 'required' },
      { emailAddress: { address: 'bo@example.com' }, type: 'required' },
    ]);
    assert.deepEqual(h.fake.sent, [{ kind: 'invitation', from: ADA, eventId: atGraph?.id, to: [{ address: 'ana@example.com', name: 'Ana Lima' }, { address: 'bo@example.com' }] }]);
    await p.sync('ada');
    assert.equal(h.store.events.get('ada', e.id)?.organizer, 'Eve', 'the panels show the name the booking gave');
    await p.cancel('ada', e.id);
    assert.deepEqual(
      h.fake.sent.map((m) => [m.kind, m.to.length]),
      [
        ['invitation', 2],
        ['cancellation', 2],
      ],
    );
  } finally {
    await p.stop();
    await h.close();
  }
});
