import { test } from 'node:test';
import assert from 'node:assert/strict';
import { table, when } from '../../cli/table.js';
import { devicesTable, mailTable, roomsTable, usageTable } from '../../cli/commands/admin-views.js';

test('columns are as wide as their widest cell; empty cells read "-"; numbers may align right', () => {
  const out = table(
    [
      { a: 'x', n: 5, c: null },
      { a: 'longer', n: 120, c: 'last' },
    ],
    [
      { header: 'name', cell: (r) => r.a },
      { header: 'n', cell: (r) => r.n, align: 'right' },
      { header: 'note', cell: (r) => r.c },
    ],
  );
  assert.equal(out, ['NAME      N  NOTE', 'x         5  -', 'longer  120  last', ''].join('\n'));
});

test('a cell never breaks the table: line breaks and control characters are folded', () => {
  const out = table([{ t: 'a\nb\tc\u0007' }], [{ header: 'title', cell: (r) => r.t }]);
  assert.equal(out, 'TITLE\na b c\n');
});

test('wide characters count as two columns', () => {
  const out = table([{ a: '会議室', b: 'x' }, { a: 'abc', b: 'y' }], [
    { header: 'a', cell: (r) => r.a },
    { header: 'b', cell: (r) => r.b },
  ]);
  assert.equal(out, 'A       B\n会議室  x\nabc     y\n');
});

test('times: today as HH:MM, other days with the date, in the zone given', () => {
  const now = Date.parse('2026-03-02T09:00:00Z');
  assert.equal(when('2026-03-02T10:30:00Z', now, 'Europe/Berlin'), '11:30');
  assert.equal(when('2026-03-03T10:30:00Z', now, 'Europe/Berlin'), '2026-03-03 11:30');
  assert.equal(when(null, now), '-');
  assert.equal(when('not a time', now), '-');
});

test('rooms: room, status, until and the current meeting', () => {
  const now = Date.parse('2026-03-02T09:00:00Z');
  const answer = {
    rooms: [
      { id: 'ada', name: 'Ada Lovelace', timeZone: 'Europe/Berlin', state: { status: 'busy', busyUntil: '2026-03-02T10:00:00Z', freeUntil: null, current: { title: 'Sprint planning' } } },
      { id: 'grace', name: 'Grace Hopper', timeZone: 'Europe/Berlin', state: { status: 'free', busyUntil: null, freeUntil: null, current: null } },
      { id: 'alan', name: 'Alan Turing', timeZone: 'Europe/Berlin', state: null },
    ],
  };
  assert.equal(
    roomsTable(answer, now),
    [
      'ROOM   NAME          STATUS   UNTIL    CURRENT MEETING',
      'ada    Ada Lovelace  busy     11:00    Sprint planning',
      'grace  Grace Hopper  free     all day  -',
      'alan   Alan Turing   unknown  -        -',
      '',
    ].join('\n'),
  );
  // One room (`doorplate rooms ada`) is a table of one row.
  assert.equal(roomsTable(answer.rooms[0], now).split('\n').length, 3);
});

test('devices: device, status, online, room, panel, last seen', () => {
  const now = Date.parse('2026-03-02T09:00:00Z');
  const out = devicesTable(
    {
      devices: [
        { id: 'pi-1', status: 'approved', online: true, roomId: 'ada', hello: { model: 'Raspberry Pi Zero 2 W', panel: { model: 'epd7in5_V2' } }, lastSeenAt: now - 60_000 },
        { id: 'pi-2', status: 'pending', online: false, roomId: null, hello: null, lastSeenAt: null },
      ],
    },
    now,
  );
  const lines = out.split('\n');
  assert.match(lines[0] ?? '', /^DEVICE\s+STATUS\s+ONLINE\s+ROOM\s+PANEL\s+LAST SEEN$/);
  assert.match(lines[1] ?? '', /^pi-1\s+approved\s+yes\s+ada\s+epd7in5_V2\s+\d\d:\d\d$/);
  assert.match(lines[2] ?? '', /^pi-2\s+pending\s+no\s+-\s+-\s+-$/);
  // Columns line up: every row's "online" cell starts where its header does.
  const col = (lines[0] ?? '').indexOf('ONLINE');
  assert.equal(lines[1]?.slice(col, col + 3), 'yes');
  assert.equal(lines[2]?.slice(col, col + 2), 'no');
});

test('report usage: one aligned line per room and day, numbers right-aligned', () => {
  const out = usageTable({ rows: [
    { room: 'ada', day: '2026-03-02', bookedHours: 2, checkedInHours: 0.97, releasedNoShows: 1, releasedNoPresence: 2, adHocBookings: 1, presenceMinutes: 95 },
    { room: 'grace', day: '2026-03-02', bookedHours: 10.5, checkedInHours: 0, releasedNoShows: 0, releasedNoPresence: 0, adHocBookings: 12, presenceMinutes: null },
  ] });
  assert.equal(
    out,
    [
      'ROOM   DAY         BOOKED H  CHECKED-IN H  NO-SHOWS  NOBODY PRESENT  AT DOOR  PRESENT MIN',
      'ada    2026-03-02         2          0.97         1               2        1           95',
      'grace  2026-03-02      10.5             0         0               0       12            -',
      '',
    ].join('\n'),
  );
});

test('mail list: one aligned line per mail, sent or next try as a time, then the counts by status', () => {
  const now = Date.parse('2026-03-02T09:00:00Z');
  const answer = {
    mail: [
      { id: 7, channel: 'email', kind: 'invite', status: 'sent', room: 'ada', to: '"Bernd" <bernd@example.com>', subject: 'Einladung: Review', attempts: 1, nextAttemptAt: null, lastError: null, sentAt: '2026-03-01T16:05:00Z' },
      { id: 12, channel: 'email', kind: 'reminder', status: 'failed', room: null, to: 'ana@example.com', subject: 'Reminder:\nStand-up', attempts: 3, nextAttemptAt: '2026-03-02T09:10:00Z', lastError: '421 try later', sentAt: null },
    ],
    counts: { queued: 0, sending: 0, sent: 1, failed: 1, interrupted: 0, dead: 0 },
  };
  assert.equal(
    mailTable(answer, now),
    [
      'MAIL  STATUS  KIND      ROOM  TO                           SUBJECT             TRIES  SENT / NEXT       LAST ERROR',
      '   7  sent    invite    ada   "Bernd" <bernd@example.com>  Einladung: Review       1  2026-03-01 16:05  -',
      '  12  failed  reminder  -     ana@example.com              Reminder: Stand-up      3  09:10             421 try later',
      'sent 1, failed 1',
      '',
    ].join('\n'),
  );
  // The mail a retry queued again (`{mail: {...}}`) is a table of one row.
  const retried = mailTable({ mail: answer.mail[1] }, now).split('\n');
  assert.equal(retried.length, 3);
  assert.match(retried[1] ?? '', /^\s+12\s+failed\s+reminder/);
});
