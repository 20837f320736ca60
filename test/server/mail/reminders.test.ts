import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../shared/clock.js';
import type { DoorplateServer } from '../../../server/server.js';
import { api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';

const MIN = 60_000;

test('reminders over a simulated day: once each, not after a restart, not for a cancelled meeting, not where turned off', async () => {
  const sink = new SmtpSink();
  await sink.up();
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-remind-'));
  const clock = new FakeClock('2026-03-02T06:00:00Z');
  const config = {
    site: { timeZone: 'Europe/Berlin', remindBeforeMins: 10 },
    rooms: [
      { id: 'ada', name: 'Ada Lovelace' },
      { id: 'grace', name: 'Grace Hopper', remindBeforeMins: 0 },
    ],
    mail: { enabled: true, from: 'Rooms <rooms@example.org>', smtp: { host: '127.0.0.1', port: sink.port, security: 'none' } },
  };
  const notices: Array<{ room: string; message: string; at: number }> = [];
  const watch = (s: DoorplateServer) =>
    s.feed.subscribe((c) => {
      if (c.kind !== 'notify') return;
      const p = c.payload as { name: string; message: string; targets: { rooms: string[] } };
      if (p.name === 'reminder') notices.push({ room: p.targets.rooms[0] ?? '', message: p.message, at: c.at });
    });
  let t = await startTestServer({ clock, dataDir, config });
  try {
    watch(t.server);
    const book = async (room: string, start: string, end: string, title: string, attendees?: string[]) => {
      const r = await api(t.base, 'POST', '/api/v1/meetings', { room, start, end, title, ...(attendees ? { attendees } : {}) });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return (r.json as { meeting: { id: string } }).meeting.id;
    };
    await book('ada', '2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z', 'Standup', ['ann@example.com']);
    await book('ada', '2026-03-02T12:00:00Z', '2026-03-02T13:00:00Z', 'Lunch talk');
    await book('grace', '2026-03-02T15:00:00Z', '2026-03-02T16:00:00Z', 'Quiet room');
    const dropped = await book('ada', '2026-03-02T18:00:00Z', '2026-03-02T19:00:00Z', 'Called off', ['ann@example.com']);
    assert.equal((await api(t.base, 'DELETE', `/api/v1/meetings/${encodeURIComponent(dropped)}`)).status, 204);
    await until(() => sink.received.length === 3, 'two invitations and a cancellation');

    await clock.advanceAsync(114 * MIN); // 07:54, the reminder of 08:00 was due at 07:50
    assert.deepEqual(notices.map((n) => [n.room, new Date(n.at).toISOString()]), [['ada', '2026-03-02T07:50:00.000Z']]);
    // The room's locale and zone: 09:00 in Berlin.
    assert.equal(notices[0]?.message, 'Standup: 09:00 AM');
    await until(() => sink.received.length === 4, 'the reminder mail');
    assert.match(sink.received[3]?.parsed.subject ?? '', /^Reminder: Standup/);
    assert.equal(sink.received[3]?.parsed.attachments.length, 0, 'a reminder carries no calendar');

    // A restart inside the reminder window sends nothing again.
    await t.cleanup();
    t = await startTestServer({ clock, dataDir, config });
    watch(t.server);
    await clock.advanceAsync(3 * MIN);
    assert.equal(notices.length, 1);

    // The rest of the day and the night.
    await clock.advanceAsync(24 * 60 * MIN);
    assert.deepEqual(
      notices.map((n) => [n.room, new Date(n.at).toISOString()]),
      [
        ['ada', '2026-03-02T07:50:00.000Z'],
        ['ada', '2026-03-02T11:50:00.000Z'],
      ],
    );
    // Nobody checked in to the standup: released at 08:10, and its attendee told so (METHOD:CANCEL).
    await until(() => sink.received.length === 5, 'the cancellation of the released standup');
    assert.match(sink.received[4]?.parsed.subject ?? '', /^Cancelled: Standup/);
    assert.match(sink.received[4]?.raw ?? '', /method=CANCEL/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.received.length, 5, 'no other mail');
  } finally {
    await t.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    await sink.down();
  }
});
