import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, MemoryDirectory, mustConnect } from './helpers.js';

/**
 * The broker against Debian's mosquitto clients (package mosquitto-clients), the tools admins
 * inspect a site with. Each run is bounded by a process timeout; nothing is timed.
 */
const SUB = '/usr/bin/mosquitto_sub';
const PUB = '/usr/bin/mosquitto_pub';
const SERVER_PASSWORD = 'server-internal-password-0123456789';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) return reject(new Error(`${file} ${args.join(' ')} was killed after its timeout`));
      const code = err ? Number((err as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let broker: EmbeddedBroker;
let dir: MemoryDirectory;
let server: MqttClient;
let inbox: Inbox;
let conn: string[];

before(async () => {
  dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.anonymous = true;
  dir.addDevice('d1', 'secret-of-d1', 'r1');
  dir.addDevice('d2', 'secret-of-d2', 'r2');
  broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, logger: silentLogger() });
  await broker.start();
  conn = ['-h', '127.0.0.1', '-p', String(broker.port)];
  server = await mustConnect(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'doorplate-server', username: '$server', password: SERVER_PASSWORD, reconnectPeriod: 0 });
  inbox = new Inbox(server);
  await server.subscribeAsync('doorplate/devices/+/hello', { qos: 1 });
  await server.publishAsync('doorplate/rooms/r1/state', '{"status":"free"}', { qos: 1, retain: true });
});

after(async () => {
  server.end(true);
  await broker.stop();
});

test('mosquitto_sub as an anonymous loopback inspector reads a retained room state', async () => {
  const r = await run(SUB, [...conn, '-t', 'doorplate/rooms/r1/state', '-C', '1', '-W', '5']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '{"status":"free"}');
});

test('mosquitto_pub as anonymous cannot change a room state: the retained value stays', async () => {
  await run(PUB, [...conn, '-t', 'doorplate/rooms/r1/state', '-r', '-m', '{"status":"busy"}']);
  const r = await run(SUB, [...conn, '-t', 'doorplate/rooms/r1/state', '-C', '1', '-W', '5']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '{"status":"free"}');
  assert.ok(broker.stats().refused.publish >= 1);
});

test("mosquitto_pub with a device's credentials cannot publish under another device's topics", async () => {
  const device = ['-i', 'd1', '-u', 'd1', '-P', 'secret-of-d1'];
  await run(PUB, [...conn, ...device, '-q', '0', '-t', 'doorplate/devices/d2/hello', '-m', 'forged by d1']);
  // The same credentials on its own topic do get through; the forged message would have come first.
  const own = await run(PUB, [...conn, ...device, '-q', '1', '-t', 'doorplate/devices/d1/hello', '-m', 'hello from d1']);
  assert.equal(own.code, 0, own.stderr);
  await inbox.waitFor('doorplate/devices/d1/hello', 'hello from d1');
  assert.equal(inbox.has('doorplate/devices/d2/hello'), false);
});

test('mosquitto_sub with a wrong secret is refused at connect', async () => {
  const r = await run(SUB, [...conn, '-i', 'd1', '-u', 'd1', '-P', 'not-the-secret', '-t', 'doorplate/devices/d1/config', '-C', '1', '-W', '5']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /bad user ?name or password|not authori[sz]ed|refused/i);
});

test("mosquitto_sub with a device's credentials gets nothing from another room", async () => {
  await server.publishAsync('doorplate/rooms/r2/state', '{"status":"busy"}', { qos: 1, retain: true });
  // Both filters in one SUBSCRIBE: the refused one yields nothing, the allowed one its retained value.
  const r = await run(SUB, [...conn, '-i', 'd1', '-u', 'd1', '-P', 'secret-of-d1', '-v', '-t', 'doorplate/rooms/r2/state', '-t', 'doorplate/rooms/r1/state', '-C', '1', '-W', '5']);
  assert.equal(r.stdout.trim(), 'doorplate/rooms/r1/state {"status":"free"}');
});
