import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { FileCredentialsStore } from '../../../edge/agent/credentials.js';
import { Enrollment } from '../../../edge/agent/enrollment.js';
import type { ConnectOptions, MqttTransport, TransportEvents } from '../../../edge/agent/transport.js';
import { ENROLLMENT_KEY_PATTERN, HelloSchema, enrollmentKeyHash, splitKey } from '../../../shared/api/index.js';
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

async function enrollOnce(store: FileCredentialsStore): Promise<{ transport: RecordingTransport; secret: string }> {
  const transport = new RecordingTransport();
  const enrollment = new Enrollment({ clock: new FakeClock(0), log: silentLogger(), transport, prefix: 'doorplate', deviceId: 'dev-1', url: 'mqtt://x', token: 'site-token-0123456789', hello: () => HELLO, keys: store });
  const outcome = enrollment.run();
  while (transport.published.length === 0) await new Promise((r) => setTimeout(r, 5));
  transport.emit('doorplate/devices/dev-1/enrollment', JSON.stringify({ status: 'approved', secret: 's'.repeat(43) }));
  const done = await outcome;
  assert.equal(done.status, 'approved');
  return { transport, secret: done.status === 'approved' ? done.secret : '' };
}

test('the enrollment key: kept in a 0600 file, the same across restarts, its hash in the hello, with the token and the secret', async () => {
  const dir = await tmpDir();
  const store = new FileCredentialsStore(join(dir, 'credentials.json'));
  const first = await enrollOnce(store);
  const second = await enrollOnce(store);

  const key = (await readFile(join(dir, 'credentials.json.key'), 'utf8')).trim();
  assert.match(key, ENROLLMENT_KEY_PATTERN);
  assert.equal((await stat(join(dir, 'credentials.json.key'))).mode & 0o777, 0o600);
  for (const run of [first, second]) {
    assert.deepEqual(splitKey(run.transport.connects[0]?.password ?? ''), { value: 'site-token-0123456789', key });
    const hello = HelloSchema.parse(JSON.parse(run.transport.published[0]?.payload.toString() ?? '{}'));
    assert.equal(hello.enrollmentKey, enrollmentKeyHash(key));
    assert.deepEqual(splitKey(run.secret), { value: 's'.repeat(43), key });
  }
  // Only the hash ever travels in a message.
  assert.ok(!first.transport.published.some((p) => p.payload.toString().includes(key)));

  await writeFile(join(dir, 'credentials.json.key'), 'not a key\n');
  await assert.rejects(store.loadEnrollmentKey(), /not an enrollment key/);
});
