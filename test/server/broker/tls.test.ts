import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { ServerClient } from '../../../server/broker/server-client.js';
import { silentLogger } from '../../../shared/logger.js';
import { MemoryDirectory, tryConnect } from './helpers.js';

const SERVER_PASSWORD = 'server-internal-password-0123456789';

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 30_000 }, (err, _out, stderr) => (err ? reject(new Error(`openssl failed: ${stderr}`)) : resolve()));
  });
}

test('the TLS listener serves MQTT with the PEM certificate and the same access rules', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'doorplate-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=doorplate-test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath]);
    const directory = new MemoryDirectory(SERVER_PASSWORD);
    directory.addDevice('d1', 'secret-of-d1', 'r1');
    const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, tls: { port: 0, keyPath, certPath }, prefix: 'doorplate', directory, logger: silentLogger() });
    await broker.start();
    try {
      const tlsPort = broker.tlsPort;
      assert.ok(tlsPort !== null && tlsPort !== broker.port);
      const url = `mqtts://127.0.0.1:${tlsPort}`;
      const ca = await readFile(certPath);
      const sc = new ServerClient({ url, prefix: 'doorplate', username: '$server', password: SERVER_PASSWORD, clientId: 'srv', ca, logger: silentLogger() });
      await sc.start();
      assert.equal(sc.connected, true);
      await sc.stop();
      assert.deepEqual(await tryConnect(url, { ca, clientId: 'd1', username: 'd1', password: 'wrong' }), { ok: false, code: 4 });
      const untrusted = await tryConnect(url, { clientId: 'd1', username: 'd1', password: 'secret-of-d1' });
      assert.equal(untrusted.ok, false, 'a client that does not trust the certificate does not connect');
    } finally {
      await broker.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing certificate file is reported with its config path', async () => {
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    tls: { port: 0, keyPath: '/nonexistent/key.pem', certPath: '/nonexistent/cert.pem' },
    prefix: 'doorplate',
    directory: new MemoryDirectory(SERVER_PASSWORD),
    logger: silentLogger(),
  });
  await assert.rejects(broker.start(), /broker\.tls\.key: cannot read \/nonexistent\/key\.pem/);
  assert.equal(broker.running, false);
});
