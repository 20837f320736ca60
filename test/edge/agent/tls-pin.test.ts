import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { MqttJsTransport } from '../../../edge/agent/mqtt-transport.js';
import { normalizeFingerprint } from '../../../edge/agent/tls-pin.js';
import type { TransportError } from '../../../edge/agent/transport.js';
import { parseConfig } from '../../../shared/config/load.js';
import { createEdge } from '../../../edge/main.js';
import { PngPanel } from '../../../edge/hal/png-panel.js';
import { FakeActions, fakeRender, MemoryCredentials, PANEL, recordingLogger, RecordingLight, RecordingSink, SECRET, SYSTEM, waitFor } from './harness.js';

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 30_000 }, (err, _out, stderr) => (err ? reject(new Error(`openssl ${args[0]} failed: ${stderr}`)) : resolve()));
  });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA, a broker certificate it signed, and an unrelated self-signed one, made by the openssl CLI. */
async function makeCertificates(dir: string): Promise<Record<'ca' | 'caKey' | 'leaf' | 'leafKey' | 'other' | 'otherKey', Buffer>> {
  await openssl(['req', '-x509', ...EC, '-days', '1', '-subj', '/CN=doorplate-test-ca', '-keyout', 'ca.key', '-out', 'ca.pem'], dir);
  await openssl(['req', ...EC, '-subj', '/CN=doorplate-broker', '-keyout', 'leaf.key', '-out', 'leaf.csr'], dir);
  await openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'leaf.pem'], dir);
  await openssl(['req', '-x509', ...EC, '-days', '1', '-subj', '/CN=doorplate-broker', '-keyout', 'other.key', '-out', 'other.pem'], dir);
  const read = (f: string) => readFile(join(dir, f));
  return { ca: await read('ca.pem'), caKey: await read('ca.key'), leaf: await read('leaf.pem'), leafKey: await read('leaf.key'), other: await read('other.pem'), otherKey: await read('other.key') };
}

const fingerprint = (pem: Buffer): string => new X509Certificate(pem).fingerprint256;

/** An aedes broker behind a TLS listener that accepts anyone, and records which client ids logged in. */
async function tlsBroker(key: Buffer, cert: Buffer): Promise<{ port: number; logins: string[]; close(): Promise<void> }> {
  const { Aedes } = await import('aedes');
  const logins: string[] = [];
  const aedes = await Aedes.createBroker({
    authenticate: (client, _u, _p, done) => {
      logins.push(client.id);
      done(null, true);
    },
  });
  const server: Server = createTlsServer({ key, cert }, (socket) => aedes.handle(socket));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    logins,
    close: async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function attempt(port: number, pin: string): { transport: MqttJsTransport; errors: TransportError[] } {
  const transport = new MqttJsTransport({ clock: new FakeClock(), random: () => 0.5, logger: silentLogger(), pinnedFingerprint: pin });
  const errors: TransportError[] = [];
  transport.on('error', (e) => errors.push(e));
  transport.connect({ url: `mqtts://127.0.0.1:${port}`, clientId: 'dev-1', username: 'dev-1', password: 'the-device-secret' });
  return { transport, errors };
}

test('TLS pinning: the broker certificate or its CA by SHA-256; any other is refused before the secret is sent', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'doorplate-pin-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const certs = await makeCertificates(dir);

  await t.test('the pinned broker certificate itself: connected', async () => {
    const broker = await tlsBroker(certs.otherKey, certs.other);
    const { transport } = attempt(broker.port, fingerprint(certs.other));
    await waitFor(() => transport.connected, 'connected');
    await transport.end(true);
    await broker.close();
    assert.deepEqual(broker.logins, ['dev-1']);
  });

  await t.test('the pinned CA, which signed the broker certificate: connected (colons optional, any case)', async () => {
    const broker = await tlsBroker(certs.leafKey, Buffer.concat([certs.leaf, certs.ca]));
    const { transport } = attempt(broker.port, fingerprint(certs.ca).replaceAll(':', '').toLowerCase());
    await waitFor(() => transport.connected, 'connected');
    await transport.end(true);
    await broker.close();
  });

  await t.test('another certificate: refused with a clear error, and no login reached the broker', async () => {
    const broker = await tlsBroker(certs.otherKey, certs.other);
    const { transport, errors } = attempt(broker.port, fingerprint(certs.leaf));
    await waitFor(() => errors.length > 0, 'the refusal');
    await transport.end(true);
    await broker.close();
    assert.equal(transport.connected, false);
    assert.equal(errors[0]?.kind, 'tls');
    assert.equal(
      errors[0]?.message,
      `the broker's certificate (sha256 ${fingerprint(certs.other)}) is not the pinned one and not signed by it (edge.server.caFingerprint ${fingerprint(certs.leaf)})`,
    );
    assert.deepEqual(broker.logins, [], 'the secret never left the device');
  });

  await t.test('the pinned CA sent along with a certificate it did not sign: refused', async () => {
    // The CA certificate is public; showing it proves nothing without its signature on the broker's.
    const broker = await tlsBroker(certs.otherKey, Buffer.concat([certs.other, certs.ca]));
    const { transport, errors } = attempt(broker.port, fingerprint(certs.ca));
    await waitFor(() => errors.length > 0, 'the refusal');
    await transport.end(true);
    await broker.close();
    assert.equal(errors[0]?.kind, 'tls');
    assert.deepEqual(broker.logins, []);
  });
});

test('TLS pinning: fingerprints are compared in one spelling', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(normalizeFingerprint(hex), Array(32).fill('AB').join(':'));
  assert.equal(normalizeFingerprint(Array(32).fill('ab').join(':')), Array(32).fill('AB').join(':'));
  assert.throws(() => normalizeFingerprint('AB:CD'), /edge\.server\.caFingerprint: "AB:CD" is not a SHA-256 fingerprint/);
});

test('TLS pinning from the config: edge.server.caFingerprint reaches the connection', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'doorplate-pin-edge-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const certs = await makeCertificates(dir);
  const broker = await tlsBroker(certs.otherKey, certs.other);
  t.after(() => broker.close());
  const edgeWith = (pin: string) => {
    const { logger, lines } = recordingLogger();
    const config = parseConfig({ edge: { deviceId: 'dev-1', server: { host: '127.0.0.1', port: broker.port, tls: true, caFingerprint: pin } } });
    const sink = new RecordingSink();
    sink.start();
    const edge = createEdge(config, {
      panel: new PngPanel({ info: PANEL }),
      sink,
      light: new RecordingLight(),
      actions: new FakeActions(),
      render: fakeRender,
      clock: new FakeClock(),
      system: SYSTEM,
      credentials: new MemoryCredentials({ deviceId: 'dev-1', secret: SECRET, enrolledAt: '2026-03-01T00:00:00Z' }),
      logger,
    });
    return { edge, lines };
  };

  const wrong = edgeWith(fingerprint(certs.leaf));
  await wrong.edge.start();
  await waitFor(() => wrong.lines.some((l) => l.msg === 'refused the broker: its TLS certificate is not the pinned one; retrying with backoff'), 'the refusal in the log');
  assert.notEqual(wrong.edge.phase, 'online');
  await wrong.edge.stop();
  assert.deepEqual(broker.logins, []);

  const right = edgeWith(fingerprint(certs.other));
  await right.edge.start();
  await waitFor(() => right.edge.phase === 'online', 'online with the pinned certificate');
  await right.edge.stop();
  assert.deepEqual(broker.logins, ['dev-1']);
});
