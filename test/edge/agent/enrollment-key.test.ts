import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { FileCredentialsStore } from '../../../edge/agent/credentials.js';
import { Enrollment } from '../../../edge/agent/enrollment.js';
import type { ConnectOptions, MqttTransport, TransportEvents } from '../../../edge/agent/transport.js';
import { ENROLLMENT_KEY_PATTERN, HelloSchema, enrollmentKeyHash, loginKeyOf, sealKeyOf, sealSecret, withKey } from '../../../shared/api/index.js';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { tmpDir } from './harness.js';

/** A transport that records what enrollment sends and connects at once; no broker involved. */
class RecordingTransport implements MqttTransport {
  connected = false;
  readonly connects: ConnectOptions[] = [];
  readonly published: { topic: string; payload: Buffer }[] = [];
  private readonly events = new EventEmitter();
  connect(options: ConnectOptions): void {
    this.connects.push(options);
    this.connected = true;
    queueMicrotask(() => this.events.emit('connect'));
  }
  async publish(topic: string, payload: Buffer): Promise<void> {
    if (!this.connected) throw new Error('not connected');
    this.published.push({ topic, payload });
  }
  async subscribe(): Promise<void> {}
  async unsubscribe(): Promise<void> {}
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.events.on(event, listener);
  }
  async end(): Promise<void> {
    this.connected = false;
  }
  emit(topic: string, payload: string): void {
    this.events.emit('message', topic, Buffer.from(payload), false);
  }
}

const HELLO = { model: 't', panel: { model: 'png', width: 1, height: 1, colors: 'bw' as const }, buttons: [], leds: [], versions: { agent: '0', node: '20' }, address: null, uptimeSec: 0, enrolling: true };

const SECRET = 's'.repeat(43);

function sentHello(transport: RecordingTransport, at = 0) {
  return HelloSchema.parse(JSON.parse(transport.published[at]?.payload.toString() ?? '{}'));
}

async function started(store: FileCredentialsStore): Promise<{ transport: RecordingTransport; enrollment: Enrollment; outcome: ReturnType<Enrollment['run']> }> {
  const transport = new RecordingTransport();
  const enrollment = new Enrollment({ clock: new FakeClock(0), log: silentLogger(), transport, prefix: 'doorplate', deviceId: 'dev-1', url: 'mqtt://x', token: 'site-token-0123456789', hello: () => HELLO, keys: store });
  const outcome = enrollment.run();
  while (transport.published.length === 0) await new Promise((r) => setTimeout(r, 5));
  return { transport, enrollment, outcome };
}

async function enrollOnce(store: FileCredentialsStore): Promise<{ transport: RecordingTransport; secret: string }> {
  const { transport, outcome } = await started(store);
  const sealKey = sentHello(transport).sealKey ?? '';
  transport.emit('doorplate/devices/dev-1/enrollment', JSON.stringify({ status: 'approved', sealedSecret: sealSecret(SECRET, sealKey, 'dev-1') }));
  const done = await outcome;
  assert.equal(done.status, 'approved');
  return { transport, secret: done.status === 'approved' ? done.secret : '' };
}

test('the enrollment key: kept in a 0600 file, the same across restarts, its public key and login key hash in the hello, the secret opened', async () => {
  const dir = await tmpDir();
  const store = new FileCredentialsStore(join(dir, 'credentials.json'));
  const first = await enrollOnce(store);
  const second = await enrollOnce(store);

  const key = (await readFile(join(dir, 'credentials.json.key'), 'utf8')).trim();
  assert.match(key, ENROLLMENT_KEY_PATTERN);
  assert.equal((await stat(join(dir, 'credentials.json.key'))).mode & 0o777, 0o600);
  for (const run of [first, second]) {
    // The token with the login key, and the token alone for a broker that compares plain passwords.
    assert.equal(run.transport.connects[0]?.password, withKey('site-token-0123456789', loginKeyOf(key)));
    assert.equal(run.transport.connects[0]?.altPassword, 'site-token-0123456789');
    assert.equal(sentHello(run.transport).sealKey, sealKeyOf(key));
    assert.equal(sentHello(run.transport).enrollmentKey, enrollmentKeyHash(loginKeyOf(key)));
    // The secret as the server made it: a password on its own.
    assert.equal(run.secret, SECRET);
  }
  // The private key never travels.
  assert.ok(!first.transport.published.some((p) => p.payload.toString().includes(key)));

  await writeFile(join(dir, 'credentials.json.key'), 'not a key\n');
  await assert.rejects(store.loadEnrollmentKey(), /not an enrollment key/);
});

test('an approval with a plain secret, or one sealed to another key or device, is not taken: the display waits on', async () => {
  const dir = await tmpDir();
  const store = new FileCredentialsStore(join(dir, 'credentials.json'));
  const { transport, enrollment, outcome } = await started(store);
  const sealKey = sentHello(transport).sealKey ?? '';
  const otherKey = sealKeyOf(Buffer.alloc(32, 7).toString('base64url'));
  let settled = false;
  void outcome.then(() => (settled = true));
  for (const reply of [
    { status: 'approved', secret: SECRET },
    { status: 'approved', sealedSecret: sealSecret(SECRET, otherKey, 'dev-1') },
    { status: 'approved', sealedSecret: sealSecret(SECRET, sealKey, 'dev-2') },
    { status: 'approved', sealedSecret: 'v1.not-sealed' },
  ]) {
    transport.emit('doorplate/devices/dev-1/enrollment', JSON.stringify(reply));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, JSON.stringify(reply));
  }
  transport.emit('doorplate/devices/dev-1/enrollment', JSON.stringify({ status: 'approved', sealedSecret: sealSecret(SECRET, sealKey, 'dev-1') }));
  assert.deepEqual(await outcome, { status: 'approved', secret: SECRET });
  await enrollment.stop();
});
