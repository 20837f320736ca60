import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../../../shared/clock.js';
import { ADMIN_TOKEN, api, startTestServer } from '../../helpers/server.js';
import { freePort, until } from '../../helpers/wait.js';

const MAIN = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));
// Debian's interpreter, where python3-aiosmtpd is installed (a user-level python3 may come first on PATH).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function doorplate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('end to end: an invitation reaches a separate SMTP server process (aiosmtpd); the CLI manages the outbox', async (t) => {
  const port = await freePort();
  // The default handler (Debugging) prints every message it receives to stdout.
  const smtpd = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`], { env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  smtpd.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  smtpd.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  t.after(() => {
    smtpd.kill();
  });
  await until(
    () =>
      new Promise<boolean>((resolve) => {
        import('node:net').then(({ connect }) => {
          const s = connect(port, '127.0.0.1');
          s.once('connect', () => (s.destroy(), resolve(true)));
          s.once('error', () => resolve(false));
        }, () => resolve(false));
      }),
    `aiosmtpd listening (${err})`,
  );

  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const { base, cleanup } = await startTestServer({ clock, config: { mail: { enabled: true, from: 'Rooms <rooms@example.org>', smtp: { host: '127.0.0.1', port, security: 'none' } } } });
  t.after(cleanup);
  const booked = await api(base, 'POST', '/api/v1/meetings', {
    room: 'ada',
    start: '2026-03-09T10:00:00Z',
    end: '2026-03-09T11:00:00Z',
    title: 'Quarterly review',
    attendees: [{ email: 'bernd@example.com', name: 'Bernd', language: 'de' }],
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.json));
  await until(() => out.includes('END:VCALENDAR'), `the message printed by aiosmtpd (stdout so far: ${out.slice(0, 200)})`);
  assert.match(out, /Subject: =\?UTF-8\?Q\?Einladung=3A_Quarterly_review/);
  assert.match(out, /From: Rooms <rooms@example\.org>/);
  assert.match(out, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
  assert.match(out, /Content-Disposition: attachment; filename=invite\.ics/);
  assert.match(out, /method=REQUEST/);
  assert.match(out, /To: Bernd <bernd@example\.com>/);
  assert.match(out, /BEGIN:VEVENT/);

  const auth = ['--url', base, '--token', ADMIN_TOKEN];
  await until(async () => ((await api(base, 'GET', '/api/v1/mail?status=sent')).json as { mail: unknown[] }).mail.length === 1, 'marked sent');
  const people = await doorplate(['mail', 'list', '--status', 'sent', ...auth]);
  assert.equal(people.code, 0, people.stderr);
  assert.match(people.stdout, /^MAIL\s+STATUS\s+KIND\s+ROOM\s+TO\s+SUBJECT\s+TRIES\s+SENT \/ NEXT\s+LAST ERROR\n\s*\d+\s+sent\s+invite\s+/);
  assert.match(people.stdout, /"Bernd" <bernd@example\.com>/);
  const list = await doorplate(['mail', 'list', '--status', 'sent', '--json', ...auth]);
  assert.equal(list.code, 0, list.stderr);
  const rows = (JSON.parse(list.stdout) as { mail: Array<{ id: number; to: string; status: string }> }).mail;
  assert.deepEqual(rows.map((r) => [r.to, r.status]), [['"Bernd" <bernd@example.com>', 'sent']]);
  const id = String(rows[0]?.id);
  const show = await doorplate(['mail', 'show', id, ...auth]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /METHOD:REQUEST/);
  const retry = await doorplate(['mail', 'retry', id, ...auth]);
  assert.equal(retry.code, 1, 'a sent mail is not retried');
  assert.match(retry.stderr, /409 NOTHING_TO_DO/);
  const del = await doorplate(['mail', 'delete', id, ...auth]);
  assert.equal(del.code, 0, del.stderr);
  const empty = await doorplate(['mail', 'list', '--json', ...auth]);
  assert.deepEqual((JSON.parse(empty.stdout) as { mail: unknown[] }).mail, []);
  const bad = await doorplate(['mail', 'show', 'x', ...auth]);
  assert.equal(bad.code, 2);
});
