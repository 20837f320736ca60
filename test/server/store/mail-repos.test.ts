import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { Store } from '../../../server/store/store.js';
import type { NewMail } from '../../../server/store/repos/mail-outbox.js';

const DAY = 86_400_000;

function mail(n: number): NewMail {
  return { channel: 'email', kind: 'invite', roomId: 'ada', eventId: 'e', language: 'en', sender: 's@example.org', recipient: `r${n}@example.org`, messageId: `<m${n}@example.org>`, subject: 's', text: 't', html: 'h', ics: null, icsMethod: null };
}

test('the outbox: claim order, statuses, retry rules, counts, pruning of old sent mail', () => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  const a = store.mail.enqueue(mail(1));
  const b = store.mail.enqueue(mail(2));
  assert.throws(() => store.mail.enqueue(mail(1)), /UNIQUE/, 'one Message-ID, one mail');
  assert.equal(store.mail.claimDue(clock.now())?.id, a.id);
  assert.equal(store.mail.retry(a.id), null, 'a mail being sent is not put back');
  assert.equal(store.mail.delete(a.id), false, 'nor deleted');
  store.mail.markSent(a.id);
  const claimed = store.mail.claimDue(clock.now());
  assert.equal(claimed?.id, b.id);
  store.mail.markFailed(b.id, '451 later', clock.now() + 60_000);
  assert.equal(store.mail.claimDue(clock.now()), null, 'not due yet');
  assert.equal(store.mail.nextDueAt(), clock.now() + 60_000);
  assert.deepEqual(store.mail.counts(), { queued: 0, sending: 0, sent: 1, failed: 1, interrupted: 0, dead: 0 });
  clock.advance(31 * DAY);
  assert.equal(store.mail.pruneSent(clock.now() - 30 * DAY), 1);
  assert.equal(store.mail.get(a.id), null);
  assert.equal(store.mail.get(b.id)?.status, 'failed', 'only sent mail is pruned');
  store.close();
});

test('the people of a booking: kept once per booking, forgotten after the meeting is long over', () => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  const first = store.attendees.attach({ roomId: 'ada', eventId: 'e', organizer: 'g@example.org', organizerName: null, attendees: [{ email: 'a@example.org' }], uid: 'u1' });
  const again = store.attendees.attach({ roomId: 'ada', eventId: 'e', organizer: 'x@example.org', organizerName: null, attendees: [{ email: 'b@example.org' }], uid: 'u2' });
  assert.deepEqual(again, first, 'a replayed booking keeps its first list');
  store.attendees.markMailed('ada', 'e', { sequence: 0, start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T11:00:00.000Z', status: 'confirmed' });
  assert.equal(store.attendees.pruneEndedBefore(Date.parse('2026-03-02T11:00:00Z')), 0);
  assert.equal(store.attendees.pruneEndedBefore(Date.parse('2026-03-02T11:00:01Z')), 1);
  assert.equal(store.attendees.get('ada', 'e'), null);
  store.close();
});
