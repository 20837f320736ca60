import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSecret } from '../../../shared/config/secret.js';
import { parseConfig } from '../../../shared/config/index.js';

test('a secret is read inline, from the first line of a file, or from the environment', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'pw'), 's3cret-from-file\nsecond line ignored\n');
  writeFileSync(join(dir, 'empty'), '\n');
  assert.equal(readSecret('inline-one', 'broker.password'), 'inline-one');
  assert.equal(readSecret({ value: 'inline-two' }, 'broker.password'), 'inline-two');
  assert.equal(readSecret({ file: join(dir, 'pw') }, 'broker.password'), 's3cret-from-file');
  assert.equal(readSecret({ env: 'DP_PW' }, 'broker.password', { DP_PW: 'from-env' }), 'from-env');
  assert.throws(() => readSecret({ file: join(dir, 'missing') }, 'mail.smtp.password'), /^Error: mail\.smtp\.password\.file: cannot read .*missing \(ENOENT\)$/);
  assert.throws(() => readSecret({ file: join(dir, 'empty') }, 'mail.smtp.password'), /mail\.smtp\.password\.file: .*empty is empty/);
  assert.throws(() => readSecret({ env: 'DP_NOT_SET' }, 'provider.clientSecret', {}), /provider\.clientSecret\.env: environment variable DP_NOT_SET is not set/);
});

test('every login secret of the config takes the same forms', () => {
  const c = parseConfig({
    broker: { url: 'mqtt://broker.example:1883', username: 'server', password: { env: 'BROKER_PASSWORD' } },
    homeAssistant: { enabled: true, url: 'mqtt://ha.example:1883', password: { file: '/etc/doorplate/ha' } },
    mail: { smtp: { password: 'inline' } },
  });
  assert.deepEqual(c.broker.password, { env: 'BROKER_PASSWORD' });
  assert.deepEqual(c.homeAssistant.password, { file: '/etc/doorplate/ha' });
  assert.equal(c.mail.smtp.password, 'inline');
  assert.throws(() => parseConfig({ homeAssistant: { password: { path: '/x' } } }), /homeAssistant\.password: /);
});
