import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { FakeClock } from '../../../shared/clock.js';
import { api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';

const booking = { room: 'ada', start: '2026-03-09T10:00:00Z', end: '2026-03-09T11:00:00Z', title: 'Review', attendees: [{ email: 'ann@example.com', name: 'Ann' }] };

function capture() {
  const lines: string[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  return { log, lines };
}

test('a refused login: the mail is failed with the SMTP reply, and the password is nowhere', async () => {
  const PASSWORD = 'correct-horse-battery-staple';
  process.env.DOORPLATE_TEST_SMTP_PASSWORD = PASSWORD;
  const sink = new SmtpSink({
    authOptional: false,
    allowInsecureAuth: true,
    onAuth: (_auth, _session, cb) => cb(new Error('5.7.8 authentication credentials invalid')),
  });
  await sink.up();
  const { log, lines } = capture();
  const { base, cleanup } = await startTestServer({
    clock: new FakeClock('2026-03-02T08:00:00Z'),
    logger: log,
    config: { mail: { enabled: true, from: 'rooms@example.org', smtp: { host: '127.0.0.1', port: sink.port, security: 'none', user: 'rooms', password: { env: 'DOORPLATE_TEST_SMTP_PASSWORD' } } } },
  });
  try {
    assert.equal((await api(base, 'POST', '/api/v1/meetings', booking)).status, 201);
    let rows: Array<{ id: number; status: string; lastError: string }> = [];
    await until(async () => {
      rows = ((await api(base, 'GET', '/api/v1/mail?status=failed')).json as { mail: typeof rows }).mail;
      return rows.length === 1;
    }, 'a failed attempt');
    assert.match(rows[0]?.lastError ?? '', /EAUTH: 535 5\.7\.8 authentication credentials invalid/);
    const detail = await api(base, 'GET', `/api/v1/mail/${rows[0]?.id}`);
    assert.ok(!JSON.stringify(detail.json).includes(PASSWORD));
    assert.equal(sink.received.length, 0);
    assert.ok(lines.some((l) => l.includes('mail attempt failed')));
    assert.ok(!lines.join('').includes(PASSWORD));
  } finally {
    await cleanup();
    await sink.down();
    delete process.env.DOORPLATE_TEST_SMTP_PASSWORD;
  }
});

test('dry run: rendered and logged (subject and recipients), nothing queued or sent', async () => {
  const sink = new SmtpSink();
  await sink.up();
  const { log, lines } = capture();
  const { base, cleanup } = await startTestServer({
    clock: new FakeClock('2026-03-02T08:00:00Z'),
    logger: log,
    config: { mail: { enabled: true, dryRun: true, from: 'rooms@example.org', smtp: { host: '127.0.0.1', port: sink.port, security: 'none' } } },
  });
  try {
    assert.equal((await api(base, 'POST', '/api/v1/meetings', booking)).status, 201);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.dryRun === true && l.to !== undefined);
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.to, '"Ann" <ann@example.com>');
    assert.match(String(logged[0]?.subject), /^Invitation: Review/);
    assert.equal(logged[0]?.text, undefined, 'no body in the log');
    assert.deepEqual((await api(base, 'GET', '/api/v1/mail')).json, { mail: [], counts: { queued: 0, sending: 0, sent: 0, failed: 0, interrupted: 0, dead: 0 } });
    assert.equal(sink.received.length, 0);
  } finally {
    await cleanup();
    await sink.down();
  }
});

test('mail off: attendees are kept and returned, nothing is queued', async () => {
  const { base, cleanup } = await startTestServer({ clock: new FakeClock('2026-03-02T08:00:00Z') });
  try {
    // Later today, so the meeting is among the next ones the room's panels show.
    const r = await api(base, 'POST', '/api/v1/meetings', { ...booking, start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z' });
    assert.equal(r.status, 201);
    assert.deepEqual((r.json as { meeting: { attendees: unknown } }).meeting.attendees, [{ email: 'ann@example.com', name: 'Ann' }]);
    const listed = await api(base, 'GET', '/api/v1/meetings?room=ada');
    assert.deepEqual((listed.json as { next: Array<{ attendees: unknown }> }).next[0]?.attendees, [{ email: 'ann@example.com', name: 'Ann' }]);
    assert.equal(((await api(base, 'GET', '/api/v1/mail')).json as { mail: unknown[] }).mail.length, 0);
  } finally {
    await cleanup();
  }
});

test('a template directory that does not exist stops the start; a bad sender is a config error', async () => {
  await assert.rejects(
    startTestServer({ config: { mail: { enabled: true, templatesDir: '/nonexistent/doorplate-templates' } } }),
    /mail\.templatesDir: \/nonexistent\/doorplate-templates is not a directory/,
  );
  await assert.rejects(startTestServer({ config: { mail: { from: 'Rooms <rooms>' } } }), /mail\.from: must be `Name <address>` or an address/);
});
