import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleaseRecord } from '../../../server/bookings/auto-release.js';
import { at, meeting, ms } from '../bookings/world.js';
import { presenceWorld, type PresenceWorld } from './presence-world.js';

const N = 15;
const config = { site: { timeZone: 'Europe/Berlin', presence: { releaseAfterMins: N } }, rooms: [{ id: 'ada', name: 'Ada Lovelace' }, { id: 'grace', name: 'Grace Hopper' }] };

function releases(w: PresenceWorld): ReleaseRecord[] {
  return w.store.changes
    .since(0)
    .filter((c) => c.kind === 'release')
    .map((c) => c.payload as ReleaseRecord);
}

async function until(w: PresenceWorld, hhmm: string): Promise<void> {
  await w.clock.advanceAsync(ms(hhmm) - w.clock.now());
}

test('a checked-in meeting everybody left is released after N minutes without presence', async () => {
  const w = presenceWorld({ start: '09:50', config });
  try {
    w.display('door', 'ada');
    w.add('ada', meeting('m10', '10:00', '11:00'));
    w.release.start();
    await until(w, '10:02');
    w.report('door', true);
    await w.bookings.checkIn('ada', { scope: 'device:door' });
    await until(w, '10:20');
    w.report('door', false);
    assert.equal(w.release.nextReleaseAt('ada'), ms('10:35'));
    await w.clock.advanceAsync(ms('10:35') - w.clock.now() - 1);
    assert.equal(w.event('ada', 'm10')?.status, 'confirmed', 'kept one millisecond before');
    await w.clock.advanceAsync(1);
    assert.equal(w.event('ada', 'm10')?.status, 'cancelled');
    const [r] = releases(w);
    assert.equal(r?.cause, 'no-presence');
    assert.equal(r?.absentSince, at('10:20'));
    assert.equal(r?.releasedAt, at('10:35'));
    assert.match(r?.reason ?? '', /nobody present since 10:20 \(15 min without presence\)/);
    assert.deepEqual(
      w.store.usageReleases.list(0, ms('23:00')).map((u) => [u.eventId, u.cause]),
      [['m10', 'no-presence']],
      'kept for the usage report with its cause',
    );
  } finally {
    w.close();
  }
});

test('nobody at all: released N minutes into the meeting, before the check-in window would', async () => {
  const w = presenceWorld({ start: '09:50', config: { ...config, site: { ...config.site, checkIn: { closesAfterMins: 20 } } } });
  try {
    w.display('door', 'ada');
    w.report('door', false);
    w.add('ada', meeting('m10', '10:00', '11:00'));
    w.release.start();
    assert.equal(w.release.nextReleaseAt('ada'), ms('10:15'), 'the earlier of the window close (10:20) and N minutes into it');
    await until(w, '10:16');
    assert.equal(w.event('ada', 'm10')?.status, 'cancelled');
    assert.equal(releases(w)[0]?.cause, 'no-presence');
  } finally {
    w.close();
  }
});

test('presence back before N minutes keeps the meeting', async () => {
  const w = presenceWorld({ start: '09:50', config });
  try {
    w.display('door', 'ada');
    w.add('ada', meeting('m10', '10:00', '11:00', { checkedInAt: at('09:58') }));
    w.release.start();
    w.report('door', true);
    await until(w, '10:20');
    w.report('door', false);
    await until(w, '10:34');
    w.report('door', true);
    assert.equal(w.release.nextReleaseAt('ada'), null, 'someone is back: nothing armed');
    await until(w, '10:50');
    w.report('door', false);
    // 10:50 + 15 is past the end at 11:00: nothing left to free.
    await until(w, '12:00');
    assert.equal(w.event('ada', 'm10')?.status, 'confirmed');
    assert.deepEqual(releases(w), []);
  } finally {
    w.close();
  }
});

test('exempt meetings are kept: booked at the panel, booked late, long', async () => {
  const w = presenceWorld({ start: '09:50', config });
  try {
    w.display('door', 'ada');
    w.report('door', false);
    w.add('ada', meeting('door-booked', '10:00', '11:00', { bookedVia: 'panel', checkedInAt: at('10:00') }));
    w.add('ada', meeting('late', '11:00', '12:00', { bookedAt: at('10:55'), checkedInAt: at('11:00') }));
    w.add('ada', meeting('workshop', '12:00', '20:00', { checkedInAt: at('12:00') }));
    w.release.start();
    await until(w, '21:00');
    for (const id of ['door-booked', 'late', 'workshop']) assert.equal(w.event('ada', id)?.status, 'confirmed', id);
    assert.deepEqual(releases(w), []);
  } finally {
    w.close();
  }
});

test('no sensor reporting (never, or offline) never releases by presence', async () => {
  const w = presenceWorld({ start: '09:50', config });
  try {
    w.add('grace', meeting('no-sensor', '10:00', '11:00', { checkedInAt: at('10:00') }));
    w.display('door', 'ada');
    w.report('door', false);
    w.online('door', false);
    w.add('ada', meeting('offline', '10:00', '11:00', { checkedInAt: at('10:00') }));
    w.release.start();
    await until(w, '10:40');
    // Back online at 10:40 saying nobody: the absence counts from then, 10:55 is before the end.
    w.online('door', true);
    assert.equal(w.release.nextReleaseAt('ada'), ms('10:55'));
    w.online('door', false);
    await until(w, '12:00');
    assert.equal(w.event('grace', 'no-sensor')?.status, 'confirmed');
    assert.equal(w.event('ada', 'offline')?.status, 'confirmed', 'offline again before 10:55: unknown, kept');
    assert.deepEqual(releases(w), []);
  } finally {
    w.close();
  }
});

test('off unless configured: a room without releaseAfterMins keeps an empty meeting', async () => {
  const w = presenceWorld({ start: '09:50', config: { ...config, rooms: [{ id: 'ada', name: 'Ada', presence: { releaseAfterMins: null } }, { id: 'grace', name: 'Grace' }] } });
  try {
    w.display('door', 'ada');
    w.report('door', false);
    w.add('ada', meeting('m10', '10:00', '11:00', { checkedInAt: at('10:00') }));
    w.release.start();
    await until(w, '12:00');
    assert.equal(w.event('ada', 'm10')?.status, 'confirmed');
  } finally {
    w.close();
  }
});
