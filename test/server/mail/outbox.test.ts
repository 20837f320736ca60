import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { Store } from '../../../server/store/store.js';
import { MailWorker } from '../../../server/mail/mail-worker.js';
import { smtpTransport } from '../../../server/mail/smtp-transport.js';
import type { Mail, NewMail } from '../../../server/store/repos/mail-outbox.js';

/** A row of GET /api/v1/mail. */
interface MailRow {
  id: number;
  status: string;
  to: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}
import { api, startTestServer } from '../../helpers/server.js';
import { freePort, until } from '../../helpers/wait.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';

const MIN = 60_000;

function mailConfig(port: number, outbox: Record<string, number> = {}) {
  return { enabled: true, from: 'Rooms <rooms@example.org>', smtp: { host: '127.0.0.1', port, security: 'none', timeoutSecs: 5 }, outbox: { baseDelaySecs: 30, maxDelaySecs: 600, ...outbox } };
}

// A week ahead, so no release of the unattended meeting (and its cancellation) happens during a test.
const booking = (attendees: string[]) => ({ room: 'ada', start: '2026-03-09T10:00:00Z', end: '2026-03-09T11:00:00Z', title: 'Review', attendees });

async function outbox(base: string, status?: string): Promise<MailRow[]> {
  const r = await api(base, 'GET', `/api/v1/mail${status ? `?status=${status}` : ''}`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return (r.json as { mail: MailRow[] }).mail;
}

test('SMTP down, then up: the mail waits in the outbox and is delivered once', async () => {
  const port = await freePort();
  const sink = new SmtpSink();
  sink.port = port;
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  // Jitter fixed at its middle: the first retry is due 22.5 s after the failure.
  const { base, cleanup } = await startTestServer({ clock, config: { mail: mailConfig(port) }, mail: { random: () => 0.5 } });
  try {
    assert.equal((await api(base, 'POST', '/api/v1/meetings', booking(['ann@example.com']))).status, 201);
    await until(async () => (await outbox(base, 'failed')).length === 1, 'a failed first attempt');
    const [failed] = await outbox(base, 'failed');
    assert.equal(failed?.attempts, 1);
    assert.match(failed?.lastError ?? '', /ECONNREFUSED|ESOCKET|ECONNECTION/);
    assert.equal(Date.parse(String(failed?.nextAttemptAt)) - clock.now(), 22_500);

    await sink.up();
    await clock.advanceAsync(30_000);
    await until(() => sink.received.length === 1, 'the delivery');
    await until(async () => (await outbox(base, 'sent')).length === 1, 'the mark');
    // Time goes on; nothing is sent again.
    await clock.advanceAsync(60 * MIN);
    assert.equal(sink.received.length, 1);
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    assert.match(metrics, /doorplate_mail_sent_total 1\n/);
    assert.match(metrics, /doorplate_mail_failed_total 1\n/);
    assert.match(metrics, /doorplate_mail_outbox\{status="sent"\} 1\n/);
  } finally {
    await cleanup();
    await sink.down();
  }
});

test('a 5xx for one recipient: that mail is dead with the reply, the other is delivered', async () => {
  const sink = new SmtpSink();
  await sink.up();
  sink.refuse.add('nobody@example.com');
  const { base, cleanup } = await startTestServer({ clock: new FakeClock('2026-03-02T08:00:00Z'), config: { mail: mailConfig(sink.port) } });
  try {
    assert.equal((await api(base, 'POST', '/api/v1/meetings', booking(['ann@example.com', 'nobody@example.com']))).status, 201);
    await until(async () => (await outbox(base, 'sent')).length === 1 && (await outbox(base, 'dead')).length === 1, 'one sent, one dead');
    const [dead] = await outbox(base, 'dead');
    assert.equal(dead?.to, 'nobody@example.com');
    assert.match(dead?.lastError ?? '', /550 5\.1\.1 no such user here/);
    assert.equal(dead?.attempts, 1, 'a permanent refusal is not retried');
    assert.deepEqual(sink.received.map((m) => m.to), [['ann@example.com']]);
  } finally {
    await cleanup();
    await sink.down();
  }
});

test('dead after the attempts; retried from the API, then delivered; deleted by status', async () => {
  const sink = new SmtpSink();
  await sink.up();
  sink.busy.add('ann@example.com');
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const { base, cleanup } = await startTestServer({ clock, config: { mail: mailConfig(sink.port, { maxAttempts: 3 }) }, mail: { random: () => 0 } });
  try {
    assert.equal((await api(base, 'POST', '/api/v1/meetings', booking(['ann@example.com']))).status, 201);
    // Attempts at 0, +15 s, +30 s (half of 30 and 60 s with no jitter), then dead.
    for (let attempt = 1; attempt <= 3; attempt++) {
      await until(() => sink.rcptSeen === attempt, `attempt ${attempt}`);
      await until(async () => (await outbox(base)).some((m) => m.attempts === attempt && m.status !== 'sending'), `mark ${attempt}`);
      await clock.advanceAsync(60_000);
    }
    await until(async () => (await outbox(base, 'dead')).length === 1, 'dead');
    await clock.advanceAsync(24 * 60 * MIN);
    assert.equal(sink.rcptSeen, 3, 'no attempt after the last');
    const [dead] = await outbox(base, 'dead');
    assert.match(dead?.lastError ?? '', /451 4\.3\.2 try again later/);

    const detail = await api(base, 'GET', `/api/v1/mail/${dead?.id}`);
    const d = detail.json as { mail: { headers: { to: string; from: string }; text: string; html: string; calendar: { method: string; ics: string } } };
    assert.equal(d.mail.headers.to, 'ann@example.com');
    assert.match(d.mail.headers.from, /rooms@example\.org/);
    assert.match(d.mail.calendar.ics, /^BEGIN:VCALENDAR\r\n/);
    assert.equal(d.mail.calendar.method, 'REQUEST');

    sink.busy.clear();
    const retried = await api(base, 'POST', `/api/v1/mail/${dead?.id}/retry`);
    assert.equal(retried.status, 200, JSON.stringify(retried.json));
    await until(() => sink.received.length === 1, 'the retried mail');
    await until(async () => (await outbox(base, 'sent')).length === 1, 'marked sent');
    const again = await api(base, 'POST', `/api/v1/mail/${dead?.id}/retry`);
    assert.equal(again.status, 409, 'a sent mail is not retried');

    assert.equal((await api(base, 'DELETE', '/api/v1/mail?status=dead')).status, 200);
    const del = await api(base, 'DELETE', '/api/v1/mail?status=sending');
    assert.equal(del.status, 400);
    assert.match(JSON.stringify(del.json), /query\.status/);
    assert.equal((await api(base, 'DELETE', `/api/v1/mail/${dead?.id}`)).status, 204);
    assert.equal((await api(base, 'GET', `/api/v1/mail/${dead?.id}`)).status, 404);
  } finally {
    await cleanup();
    await sink.down();
  }
});

test('a crash between the SMTP answer and the mark: the mail is not sent again after the restart', async () => {
  const sink = new SmtpSink();
  await sink.up();
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-mail-'));
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const path = join(dir, 'doorplate.db');
  const smtp = { host: '127.0.0.1', port: sink.port, security: 'none' as const, timeoutSecs: 5 };
  const mail: NewMail = {
    channel: 'email',
    kind: 'invite',
    roomId: null,
    eventId: null,
    language: 'en',
    sender: 'rooms@example.org',
    recipient: 'ann@example.com',
    messageId: '<crash-1@example.org>',
    subject: 'Invitation',
    text: 'hello',
    html: '<p>hello</p>',
    ics: null,
    icsMethod: null,
  };
  try {
    // First life: claimed, handed to SMTP and accepted, then the process dies before the mark.
    const first = Store.open({ path, clock });
    const queued = first.mail.enqueue(mail);
    const claimed = first.mail.claimDue(clock.now());
    assert.equal(claimed?.status, 'sending');
    const t = smtpTransport(smtp, undefined);
    await t.send(claimed as Mail);
    t.close();
    first.close();
    assert.equal(sink.received.length, 1);

    // Second life: the worker finds it mid-send and leaves it for a person to decide.
    const second = Store.open({ path, clock });
    const worker = new MailWorker({ clock, log: silentLogger(), outbox: second.mail, transport: smtpTransport(smtp, undefined), maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 10_000, pollMs: 1000 });
    worker.start();
    await clock.advanceAsync(60_000);
    await worker.idle();
    const after = second.mail.get(queued.id);
    assert.equal(after?.status, 'interrupted');
    assert.match(after?.lastError ?? '', /<crash-1@example\.org>/);
    assert.equal(sink.received.length, 1, 'delivered once');
    assert.equal(sink.received[0]?.parsed.messageId, '<crash-1@example.org>');

    // A retry by hand sends it again, with the same Message-ID, so a receiver can tell.
    assert.ok(second.mail.retry(queued.id));
    worker.kick();
    await until(() => sink.received.length === 2, 'the retried copy');
    await worker.idle();
    assert.equal(sink.received[1]?.parsed.messageId, '<crash-1@example.org>');
    await worker.stop();
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sink.down();
  }
});

test('a restart resumes the queue', async () => {
  const port = await freePort();
  const sink = new SmtpSink();
  sink.port = port;
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-mail-'));
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  try {
    const first = await startTestServer({ clock, dataDir, config: { mail: mailConfig(port) } });
    assert.equal((await api(first.base, 'POST', '/api/v1/meetings', booking(['ann@example.com', 'bob@example.com']))).status, 201);
    await until(async () => (await outbox(first.base, 'failed')).length === 2, 'two failed attempts');
    await first.cleanup();

    await sink.up();
    const second = await startTestServer({ clock, dataDir, config: { mail: mailConfig(port) } });
    await clock.advanceAsync(60_000);
    await until(() => sink.received.length === 2, 'both delivered after the restart');
    await clock.advanceAsync(60 * MIN);
    assert.equal(sink.received.length, 2, 'and no invitation planned twice');
    await second.cleanup();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await sink.down();
  }
});
