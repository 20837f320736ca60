import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { EnrollmentReply, Hello } from '../../../shared/api/payloads.js';
import { enrollmentKeyHash, loginKeyOf, newEnrollmentKey, openSealedSecret, sealKeyOf, withKey } from '../../../shared/api/index.js';
import { HELLO, keyedEnrollment } from '../../helpers/hello.js';
import { ENROLL_TOKEN, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { tryConnect } from '../broker/helpers.js';


type Site = Awaited<ReturnType<typeof startTestServer>>;

/** What the agent sends: the token with its login key, and both keys in its hello. */
const keyed = (key: string): [string, Partial<Hello>] => {
  const { password, keys } = keyedEnrollment(key);
  return [password, keys];
};

/** An enrolling client that says hello with `extra` and collects its enrollment replies. */
async function enrolling(site: Site, id: string, password: string, extra: Partial<Hello>): Promise<{ client: mqtt.MqttClient; replies: EnrollmentReply[] }> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${site.server.mqttPort}`, { clientId: id, username: `enroll:${id}`, password, reconnectPeriod: 0 });
  const replies: EnrollmentReply[] = [];
  client.on('message', (_t, payload) => replies.push(JSON.parse(payload.toString('utf8')) as EnrollmentReply));
  await client.subscribeAsync(`doorplate/devices/${id}/enrollment`, { qos: 1 });
  await client.publishAsync(`doorplate/devices/${id}/hello`, JSON.stringify({ ...HELLO, ...extra }), { qos: 1 });
  return { client, replies };
}

/** A test server whose enrolling clients are closed with it. */
async function siteFor(t: TestContext): Promise<{ site: Site; clients: mqtt.MqttClient[] }> {
  const site = await startTestServer();
  const clients: mqtt.MqttClient[] = [];
  t.after(async () => {
    for (const c of clients) await c.endAsync(true);
    await site.cleanup();
  });
  return { site, clients };
}

async function reply(replies: EnrollmentReply[], status: EnrollmentReply['status']): Promise<EnrollmentReply> {
  await until(() => replies.some((r) => r.status === status), `a reply ${status}`);
  return replies.find((r) => r.status === status) as EnrollmentReply;
}

test('sealed enrollment: the secret goes out sealed to the hello\'s key and is the device\'s plain password', async (t) => {
  const site = await startTestServer();
  const key = newEnrollmentKey();
  const device = await enrolling(site, 'door-s', ...keyed(key));
  t.after(async () => {
    await device.client.endAsync(true);
    await site.cleanup();
  });
  await until(() => device.replies.some((r) => r.status === 'pending'), 'pending');
  assert.equal(site.server.store.devices.get('door-s')?.enrollSealKey, sealKeyOf(key));
  assert.equal(site.server.store.devices.get('door-s')?.enrollKeyHash, enrollmentKeyHash(loginKeyOf(key)));

  await site.server.devices.approve('door-s');
  const approved = await reply(device.replies, 'approved');
  assert.equal(approved.secret, undefined, 'never in plain');
  const secret = openSealedSecret(approved.sealedSecret ?? '', key, 'door-s');
  assert.throws(() => openSealedSecret(approved.sealedSecret ?? '', newEnrollmentKey(), 'door-s'), /not sealed to this device key/);
  await device.client.endAsync(true);

  const url = `mqtt://127.0.0.1:${site.server.mqttPort}`;
  const login = await tryConnect(url, { clientId: 'door-s', username: 'door-s', password: secret });
  assert.equal(login.ok, true);
  await until(() => site.server.store.devices.get('door-s')?.secretConfirmed === true, 'the secret confirmed by its use');
  if (login.ok) await login.client.endAsync(true);
});

test('sealed enrollment: a token holder cannot take a pending id; hellos bound to nothing or to a key nothing seals to are refused', async (t) => {
  const { site, clients } = await siteFor(t);
  const key = newEnrollmentKey();
  const url = `mqtt://127.0.0.1:${site.server.mqttPort}`;
  const first = await enrolling(site, 'door-t', ...keyed(key));
  clients.push(first.client);
  await until(() => first.replies.some((r) => r.status === 'pending'), 'pending');

  // A holder of the token, with no key or a key of its own, cannot log in under the pending id.
  for (const password of [ENROLL_TOKEN, keyed(newEnrollmentKey())[0]]) {
    const thief = await tryConnect(url, { clientId: 'door-t', username: 'enroll:door-t', password });
    assert.deepEqual(thief.ok ? 'connected' : thief.code, 5);
  }
  // The device itself takes over its own (stale) connection.
  const again = await enrolling(site, 'door-t', ...keyed(key));
  clients.push(again.client);
  await site.server.devices.approve('door-t');
  const approved = await reply(again.replies, 'approved');
  assert.equal(typeof openSealedSecret(approved.sealedSecret ?? '', key, 'door-t'), 'string');

  const refusedBefore = site.server.devices.stats().refused;
  const bare = await enrolling(site, 'door-u', ENROLL_TOKEN, {});
  clients.push(bare.client);
  const refused = await reply(bare.replies, 'refused');
  assert.match(refused.message ?? '', /without a sealKey/);
  assert.equal(site.server.store.devices.get('door-u'), null, 'and not recorded');

  const lowOrder = await enrolling(site, 'door-v', ENROLL_TOKEN, { sealKey: 'A'.repeat(43) });
  clients.push(lowOrder.client);
  await until(() => site.server.devices.stats().refused >= refusedBefore + 2, 'a key nothing can be sealed to refused');
  assert.equal(site.server.store.devices.get('door-v'), null);
});

test('a device of an older agent (a key hash, `secret|key`) still enrolls and logs in', async (t) => {
  const site = await startTestServer();
  const key = newEnrollmentKey();
  const device = await enrolling(site, 'door-o', withKey(ENROLL_TOKEN, key), { enrollmentKey: enrollmentKeyHash(key) });
  t.after(async () => {
    await device.client.endAsync(true);
    await site.cleanup();
  });
  await until(() => device.replies.some((r) => r.status === 'pending'), 'pending');
  await site.server.devices.approve('door-o');
  const approved = await reply(device.replies, 'approved');
  await device.client.endAsync(true);
  const url = `mqtt://127.0.0.1:${site.server.mqttPort}`;
  assert.equal((await tryConnect(url, { clientId: 'door-o', username: 'door-o', password: approved.secret ?? '' })).ok, false, 'the secret alone is not enough');
  const login = await tryConnect(url, { clientId: 'door-o', username: 'door-o', password: withKey(approved.secret ?? '', key) });
  assert.equal(login.ok, true);
  if (login.ok) await login.client.endAsync(true);
});

test('asking again gets the same sealed reply: a stranger who knows the public keys cannot replace the secret', async (t) => {
  const { site, clients } = await siteFor(t);
  const key = newEnrollmentKey();
  const first = await enrolling(site, 'door-r', ...keyed(key));
  clients.push(first.client);
  await reply(first.replies, 'pending');
  await site.server.devices.approve('door-r');
  const sent = await reply(first.replies, 'approved');
  const hash = site.server.store.devices.get('door-r')?.secretHash;
  await first.client.endAsync(true);

  // Its own hello again (it lost the reply), and an admin approving again: the same reply, the same secret.
  const again = await enrolling(site, 'door-r', ...keyed(key));
  clients.push(again.client);
  const resent = await reply(again.replies, 'approved');
  assert.equal(resent.sealedSecret, sent.sealedSecret);
  await site.server.devices.approve('door-r');
  await until(() => again.replies.filter((r) => r.status === 'approved').length === 2, 'sent again on approval');
  assert.equal(again.replies.at(-1)?.sealedSecret, sent.sealedSecret);
  assert.equal(site.server.store.devices.get('door-r')?.secretHash, hash);

  // Its secret works, and then no reply is kept.
  const login = await tryConnect(`mqtt://127.0.0.1:${site.server.mqttPort}`, { clientId: 'door-r', username: 'door-r', password: openSealedSecret(sent.sealedSecret ?? '', key, 'door-r') });
  assert.equal(login.ok, true);
  await until(() => site.server.store.devices.get('door-r')?.enrollReply === null, 'the kept reply dropped once the secret is used');
  if (login.ok) await login.client.endAsync(true);
});

test('a revoked device approved again waits as pending for its new enrolling hello; no secret goes out before', async (t) => {
  const { site, clients } = await siteFor(t);
  const first = await enrolling(site, 'door-q', ...keyed(newEnrollmentKey()));
  clients.push(first.client);
  await reply(first.replies, 'pending');
  await site.server.devices.approve('door-q');
  await reply(first.replies, 'approved');
  await first.client.endAsync(true);
  await site.server.devices.revoke('door-q');

  const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${site.server.mqttPort}`, { clientId: 'watcher', reconnectPeriod: 0 });
  clients.push(watcher);
  const seen: string[] = [];
  watcher.on('message', (_t, payload) => seen.push(payload.toString('utf8')));
  await watcher.subscribeAsync('doorplate/devices/door-q/enrollment', { qos: 1 });
  const readmitted = await site.server.devices.approve('door-q');
  assert.equal(readmitted.status, 'pending');
  assert.equal(readmitted.secretHash, null);

  const key = newEnrollmentKey();
  const next = await enrolling(site, 'door-q', ...keyed(key));
  clients.push(next.client);
  await reply(next.replies, 'pending');
  assert.ok(!seen.some((s) => s.includes('approved')), 'nothing approved before the administrator says so again');
  await site.server.devices.approve('door-q');
  const approved = await reply(next.replies, 'approved');
  assert.equal(typeof openSealedSecret(approved.sealedSecret ?? '', key, 'door-q'), 'string');
});

test('hellos that would bind an id weakly are refused: not enrolling from an unknown id, a sealKey without its login key hash, a second spelling of a key', async (t) => {
  const { site, clients } = await siteFor(t);
  const refusedBefore = site.server.devices.stats().refused;
  const [plainPassword, plainKeys] = keyed(newEnrollmentKey());
  const notEnrolling = await enrolling(site, 'door-n', plainPassword, { ...plainKeys, enrolling: false });
  clients.push(notEnrolling.client);
  await until(() => site.server.devices.stats().refused > refusedBefore, 'a hello without enrolling refused');
  assert.equal(site.server.store.devices.get('door-n'), null);

  const key = newEnrollmentKey();
  const sealOnly = await enrolling(site, 'door-p', ENROLL_TOKEN, { sealKey: sealKeyOf(key) });
  clients.push(sealOnly.client);
  assert.match((await reply(sealOnly.replies, 'refused')).message ?? '', /without an enrollmentKey/);

  // The same public key spelt another way (base64url's spare last bits) is not the key.
  const spelt = sealKeyOf(key).slice(0, 42) + String.fromCharCode(sealKeyOf(key).charCodeAt(42) ^ 1);
  const [password, keys] = keyed(key);
  const other = await enrolling(site, 'door-w', password, { ...keys, sealKey: spelt });
  clients.push(other.client);
  assert.match((await reply(other.replies, 'refused')).message ?? '', /nothing can be sealed to/);
});
