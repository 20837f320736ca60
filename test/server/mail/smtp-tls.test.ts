import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import { Store } from '../../../server/store/store.js';
import { MailWorker } from '../../../server/mail/mail-worker.js';
import { smtpTransport } from '../../../server/mail/smtp-transport.js';
import { selfSignedCert } from '../providers/google/tls.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';
import { until } from '../../helpers/wait.js';

const mail = {
  channel: 'email' as const,
  kind: 'invite' as const,
  roomId: null,
  eventId: null,
  language: 'en',
  sender: 'rooms@example.org',
  recipient: 'ann@example.com',
  subject: 'Invitation',
  text: 'hello',
  html: '<p>hello</p>',
  ics: null,
  icsMethod: null,
};

function smtpConfig(port: number, extra: Record<string, unknown>) {
  return parseConfig({ mail: { smtp: { host: '127.0.0.1', port, timeoutSecs: 5, ...extra } } }).mail.smtp;
}

async function sendOnce(smtp: ReturnType<typeof smtpConfig>, password: string | undefined, id: string) {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  const queued = store.mail.enqueue({ ...mail, messageId: `<${id}@example.org>` });
  const worker = new MailWorker({ clock, log: silentLogger(), outbox: store.mail, transport: smtpTransport(smtp, password), maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000, pollMs: 60_000 });
  worker.start();
  await until(() => store.mail.get(queued.id)?.status !== 'sending' && store.mail.get(queued.id)?.attempts === 1, 'one attempt');
  await worker.idle();
  const row = store.mail.get(queued.id);
  await worker.stop();
  store.close();
  return row;
}

test('STARTTLS with a private CA and a login; TLS from the first byte; a server without STARTTLS is refused', async (t) => {
  const cert = selfSignedCert();
  t.after(cert.cleanup);
  const logins: Array<{ user: string | undefined; password: string | undefined }> = [];
  const tlsOpts = { key: readFileSync(cert.keyPath), cert: readFileSync(cert.certPath) };
  const starttls = new SmtpSink({ ...tlsOpts, disabledCommands: [], authOptional: false, onAuth: (auth, _s, cb) => (logins.push({ user: auth.username, password: auth.password ?? undefined }), cb(null, { user: auth.username ?? '' })) });
  await starttls.up();
  t.after(() => starttls.down());
  const row = await sendOnce(smtpConfig(starttls.port, { security: 'starttls', user: 'rooms', caFile: cert.certPath }), 'pw-from-file', 'tls-1');
  assert.equal(row?.status, 'sent', row?.lastError ?? '');
  assert.deepEqual(logins, [{ user: 'rooms', password: 'pw-from-file' }]);
  assert.equal(starttls.received.length, 1);

  // Without the CA the certificate is not trusted, and nothing is sent.
  const untrusted = await sendOnce(smtpConfig(starttls.port, { security: 'starttls', user: 'rooms' }), 'pw', 'tls-2');
  assert.equal(untrusted?.status, 'failed', untrusted?.lastError ?? '');
  assert.match(untrusted?.lastError ?? '', /self[- ]signed|certificate/i);
  assert.equal(starttls.received.length, 1);

  const implicit = new SmtpSink({ ...tlsOpts, secure: true });
  await implicit.up();
  t.after(() => implicit.down());
  const viaTls = await sendOnce(smtpConfig(implicit.port, { security: 'tls', caFile: cert.certPath }), undefined, 'tls-3');
  assert.equal(viaTls?.status, 'sent', viaTls?.lastError ?? '');
  assert.equal(implicit.received.length, 1);

  // `starttls` never falls back to plain text.
  const plain = new SmtpSink();
  await plain.up();
  t.after(() => plain.down());
  const refused = await sendOnce(smtpConfig(plain.port, { security: 'starttls' }), undefined, 'tls-4');
  assert.equal(refused?.status, 'failed', refused?.lastError ?? '');
  assert.match(refused?.lastError ?? '', /^ETLS: 500/);
  assert.equal(plain.received.length, 0);
});
