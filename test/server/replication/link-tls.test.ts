import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { MqttLink } from '../../../server/replication/mqtt-link.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { silentLogger } from '../../../shared/logger.js';
import { MemoryDirectory } from '../broker/helpers.js';
import { until } from '../../helpers/wait.js';

const FLEET = 'fleet-secret-0123456789abcdef';

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 30_000 }, (err, _out, stderr) => (err ? reject(new Error(`openssl failed: ${stderr}`)) : resolve()));
  });
}

async function selfSigned(dir: string, name: string): Promise<{ keyPath: string; certPath: string }> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.pem`);
  // A name that matches no address: the site certificate is the same on every Pi.
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=DNS:doorplate.invalid', '-keyout', keyPath, '-out', certPath]);
  return { keyPath, certPath };
}

test('a standby over TLS trusts the site certificate whatever the leader\'s address, and no other certificate', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'doorplate-link-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const site = await selfSigned(dir, 'site');
  const other = await selfSigned(dir, 'other');
  const directory = new MemoryDirectory('server-password-0123456789');
  directory.standbyHash = sha256Hex(FLEET);
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, tls: { port: 0, ...site }, prefix: 'doorplate', directory, logger: silentLogger() });
  await broker.start();
  t.after(() => broker.stop());
  const url = `mqtts://127.0.0.1:${broker.tlsPort}`;
  const trusted = new MqttLink({ url, username: 'standby:b', password: FLEET, clientId: 'standby:b', ca: await readFile(site.certPath), log: silentLogger() }, { message: () => undefined });
  trusted.start(['doorplate-replication/b/feed']);
  t.after(() => trusted.stop());
  await until(() => trusted.connected, 'the standby to connect over TLS', 10_000);
  await trusted.stop();

  const problems: string[] = [];
  const refused = new MqttLink(
    { url, username: 'standby:b', password: FLEET, clientId: 'standby:b', ca: await readFile(other.certPath), log: silentLogger() },
    { message: () => undefined, error: (e) => problems.push(e.message) },
  );
  refused.start([]);
  t.after(() => refused.stop());
  await until(() => problems.length > 0, 'the link with another certificate to be refused', 10_000);
  assert.match(problems[0] ?? '', /certificate/i);
  assert.equal(refused.connected, false);
});
