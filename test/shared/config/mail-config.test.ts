import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../../shared/config/load.js';

test('mail settings: off by default, with defaults that make a valid sender', () => {
  const c = parseConfig({});
  assert.equal(c.mail.enabled, false);
  assert.equal(c.mail.smtp.security, 'starttls');
  assert.equal(c.mail.outbox.maxAttempts, 8);
  assert.equal(c.site.remindBeforeMins, 0);
});

test('bad mail settings are refused with their path', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ mail: { smtp: { security: 'ssl' } } }, /mail\.smtp\.security: /],
    [{ mail: { smtp: { password: { env: 'smtp password' } } } }, /mail\.smtp\.password\.env: must be an environment variable name/],
    [{ mail: { smtp: { password: { file: '/etc/doorplate/smtp', env: 'SMTP_PASSWORD' } } } }, /mail\.smtp\.password: needs exactly one of value, file, env/],
    [{ mail: { smtp: { passwordFile: '/etc/doorplate/smtp' } } }, /mail\.smtp: .*passwordFile/],
    [{ mail: { from: 'nobody' } }, /mail\.from: must be `Name <address>` or an address/],
    [{ mail: { defaultLanguage: 'it' } }, /mail\.defaultLanguage: /],
    [{ mail: { outbox: { maxAttempts: 0 } } }, /mail\.outbox\.maxAttempts: /],
    [{ mail: { webhook: { url: 'ftp://example.com/x' } } }, /mail\.webhook\.url: must be an http/],
    [{ mail: { enable: true } }, /mail: .*enable/],
    [{ site: { remindBeforeMins: -5 } }, /site\.remindBeforeMins: /],
    [{ rooms: [{ id: 'ada', name: 'Ada', remindBeforeMins: 2000 }] }, /rooms\.0\.remindBeforeMins: /],
  ];
  for (const [raw, message] of bad) {
    assert.throws(() => parseConfig(raw), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(raw));
  }
});
