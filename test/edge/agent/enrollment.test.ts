import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HelloSchema } from '../../../shared/api/index.js';
import { FileCredentialsStore } from '../../../edge/agent/credentials.js';
import { HELLO_RESEND_MS } from '../../../edge/agent/enrollment.js';
import { approveSealed, ENROLL_TOKEN, makeAgent, MemoryCredentials, startBroker, startServerClient, tmpDir, waitFor } from './harness.js';

const NEW_SECRET = 'approved-secret-abcdefghijklmnopqrstuvwxyz012345';

function hellos(server: Awaited<ReturnType<typeof startServerClient>>, device: string): Array<ReturnType<typeof HelloSchema.parse>> {
  return server.on(`doorplate/devices/${device}/hello`).map((m) => HelloSchema.parse(JSON.parse(m.text)));
}

test('enrollment: pending, then approved; the secret is stored 0600 and used to reconnect', async (t) => {
  const accounts = new Map([['enroll:dev-9', ENROLL_TOKEN]]);
  const broker = await startBroker(0, accounts);
  const server = await startServerClient(broker.port);
  const dir = await tmpDir();
  const file = join(dir, 'state', 'credentials.json');
  const rig = makeAgent(broker.port, { deviceId: 'dev-9', credentials: new FileCredentialsStore(file), enrollmentToken: ENROLL_TOKEN });
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });

  await rig.agent.start();
  assert.equal(rig.agent.phase, 'enrolling');
  const first = await waitFor(() => hellos(server, 'dev-9')[0], 'the enrolling hello');
  assert.equal(first.enrolling, true);
  assert.deepEqual(broker.connects, ['test-server', 'dev-9']);

  await server.client.publishAsync('doorplate/devices/dev-9/enrollment', JSON.stringify({ status: 'pending', message: 'waiting for approval' }));
  await waitFor(() => rig.log.some((l) => String(l.msg).startsWith('enrollment pending')), 'pending logged');
  await rig.clock.advanceAsync(HELLO_RESEND_MS);
  await waitFor(() => hellos(server, 'dev-9').length === 2, 'the hello sent again while pending');

  accounts.set('dev-9', NEW_SECRET);
  await approveSealed(server, 'dev-9', NEW_SECRET);
  await waitFor(() => rig.agent.phase === 'online', 'online with the secret');
  const last = await waitFor(() => hellos(server, 'dev-9').find((h) => !h.enrolling), 'the device hello');
  assert.equal(last.enrolling, false);
  await waitFor(() => server.on('doorplate/devices/dev-9/availability').some((m) => m.text === 'online'), 'online');

  const info = await stat(file);
  assert.equal(info.mode & 0o777, 0o600);
  const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  assert.equal(saved.deviceId, 'dev-9');
  // The secret as the server made it: a password any broker can check.
  assert.equal(saved.secret, NEW_SECRET);
  // The one-time key is gone once the secret is kept: enrolling again after a revocation makes a new one.
  await assert.rejects(stat(`${file}.key`), { code: 'ENOENT' });
  assert.ok(first.sealKey !== undefined);
  assert.equal(saved.enrolledAt, '2026-03-02T08:03:00.000Z');
  assert.ok(!rig.log.some((l) => JSON.stringify(l).includes(NEW_SECRET)), 'the secret never reaches a log line');

  // A later start reads the file and connects directly.
  const again = makeAgent(broker.port, { deviceId: 'dev-9', credentials: new FileCredentialsStore(file), enrollmentToken: ENROLL_TOKEN });
  await rig.agent.stop();
  await again.agent.start();
  t.after(() => again.agent.stop());
  await waitFor(() => again.agent.phase === 'online', 'restarted device online');
  assert.equal(hellos(server, 'dev-9').filter((h) => h.enrolling).length, 2);
});

test('enrollment refused: the device stops and says why', async (t) => {
  const broker = await startBroker(0, new Map([['enroll:dev-8', ENROLL_TOKEN]]));
  const server = await startServerClient(broker.port);
  const credentials = new MemoryCredentials(null);
  const rig = makeAgent(broker.port, { deviceId: 'dev-8', credentials, enrollmentToken: ENROLL_TOKEN });
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  await rig.agent.start();
  await waitFor(() => hellos(server, 'dev-8').length === 1, 'hello');
  await server.client.publishAsync('doorplate/devices/dev-8/enrollment', JSON.stringify({ status: 'refused', message: 'unknown device' }));
  await waitFor(() => rig.agent.phase === 'refused', 'refused');
  assert.ok(rig.log.some((l) => l.msg === 'enrollment refused by the server; not retrying' && l.message === 'unknown device'));
  await rig.clock.advanceAsync(HELLO_RESEND_MS * 2);
  assert.equal(hellos(server, 'dev-8').length, 1);
  assert.equal(credentials.saved.length, 0);
});

test('a refused stored secret falls back to enrollment when a token is configured', async (t) => {
  const accounts = new Map([['enroll:dev-7', ENROLL_TOKEN]]);
  const broker = await startBroker(0, accounts);
  const server = await startServerClient(broker.port);
  const credentials = new MemoryCredentials({ deviceId: 'dev-7', secret: 'revoked-secret-0123456789abcdef0123456789', enrolledAt: '2026-01-01T00:00:00Z' });
  const rig = makeAgent(broker.port, { deviceId: 'dev-7', credentials, enrollmentToken: ENROLL_TOKEN });
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  await rig.agent.start();
  await waitFor(() => hellos(server, 'dev-7')[0]?.enrolling === true, 'an enrolling hello');
  assert.ok(rig.log.some((l) => String(l.msg).startsWith('the broker refused this device secret') && l.code === 4));
  accounts.set('dev-7', NEW_SECRET);
  await approveSealed(server, 'dev-7', NEW_SECRET);
  await waitFor(() => rig.agent.phase === 'online', 'online');
  assert.equal(credentials.current?.secret, NEW_SECRET);
});

test('a refused stored secret without a token keeps retrying with backoff and logs it', async (t) => {
  const broker = await startBroker(0, new Map());
  const rig = makeAgent(broker.port, { deviceId: 'dev-6', enrollmentToken: null });
  t.after(async () => {
    await rig.agent.stop();
    await broker.close();
  });
  await rig.agent.start();
  await waitFor(() => rig.reconnects.length === 1, 'a retry scheduled');
  assert.equal(rig.agent.phase, 'connecting');
  assert.ok(rig.log.some((l) => String(l.msg).includes('no enrollment token is configured')));
});

test('no secret and no token: start() says what is missing', async () => {
  const rig = makeAgent(1, { deviceId: 'dev-5', credentials: new MemoryCredentials(null), enrollmentToken: null });
  await assert.rejects(rig.agent.start(), /dev-5: no device secret .* no edge\.enrollmentToken/);
  await rig.agent.stop();
});
