import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { ADMIN_TOKEN, startTestServer } from '../../helpers/server.js';
import { at, meeting, ms } from '../bookings/world.js';
import { SseReader, type SseMessage } from './sse-reader.js';

interface ChangeData {
  id: number;
  kind: string;
  roomId: string | null;
  at: string;
  payload: Record<string, unknown>;
}

/** Reads events until one named `event` arrives; returns it and everything read before it. */
async function readUntil(s: SseReader, event: string): Promise<{ hit: SseMessage; seen: SseMessage[] }> {
  const seen: SseMessage[] = [];
  for (;;) {
    const m = await s.next(`a ${event} event`);
    if (m.event === event) return { hit: m, seen };
    seen.push(m);
  }
}

test('a no-show released by the timer reaches an open stream at once, as a release event without the title', async (t) => {
  const clock = new FakeClock(at('08:00'));
  const secret = meeting('weekly-1', '09:00', '09:30', { seriesId: 'weekly', title: 'Secret merger talks', organizer: 'ceo@example.com' });
  const { server, base, cleanup } = await startTestServer({
    clock,
    seed: new Map([['ada', [secret]]]),
    config: {
      site: { timeZone: 'Europe/Berlin', autoRelease: { flagSeriesAfter: 1 } },
      rooms: [{ id: 'ada', name: 'Ada', privacy: 'private' }, { id: 'grace', name: 'Grace' }],
    },
  });
  const stream = await SseReader.open(`${base}/api/v1/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
  t.after(async () => {
    stream.close();
    await cleanup();
  });

  const snap = await stream.nextJson<{ id: number }>('the snapshot');
  assert.equal(snap.event, 'snapshot');

  // Nothing but the server's own timer acts: the stream stays open, no resume.
  await clock.advanceAsync(ms('09:10') - clock.now());
  assert.equal(server.store.events.get('ada', 'weekly-1')?.status, 'cancelled');

  const { hit, seen } = await readUntil(stream, 'release');
  const release = JSON.parse(hit.data) as ChangeData;
  assert.equal(release.kind, 'release');
  assert.equal(release.roomId, 'ada');
  assert.equal(release.payload.eventId, 'weekly-1');
  assert.equal(release.payload.seriesId, 'weekly');
  assert.equal(release.payload.checkInClosedAt, at('09:10'));
  assert.equal(release.at, at('09:10'));
  assert.ok(release.id > snap.data.id);
  assert.equal(hit.id, String(release.id));

  const flagged = await readUntil(stream, 'series-flagged');
  const flag = JSON.parse(flagged.hit.data) as ChangeData;
  assert.equal(flag.roomId, 'ada');
  assert.deepEqual(flag.payload, { seriesId: 'weekly', releases: 1, threshold: 1 });
  assert.ok(flag.id > release.id);

  // The room is 'private': neither the release nor the room changes around it carry who or what.
  for (const m of [...seen, hit, ...flagged.seen, flagged.hit]) {
    assert.doesNotMatch(m.data, /Secret merger|ceo@example\.com/, `${m.event} event ${m.id ?? ''} leaks the meeting`);
  }

  // The same records are in the log, so a client that resumes from the snapshot gets them again.
  const resumed = await SseReader.open(`${base}/api/v1/stream?since=${snap.data.id}`, { authorization: `Bearer ${ADMIN_TOKEN}` });
  t.after(() => resumed.close());
  const again = await readUntil(resumed, 'release');
  assert.equal((JSON.parse(again.hit.data) as ChangeData).id, release.id);
});
