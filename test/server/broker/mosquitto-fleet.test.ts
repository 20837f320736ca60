import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newEnrollmentKey, openSealedSecret, sealKeyOf } from '../../../shared/api/index.js';
import { HELLO, keyedEnrollment } from '../../helpers/hello.js';
import { DynsecClient } from '../../../server/broker/mosquitto/dynsec-client.js';
import { silentLogger } from '../../../shared/logger.js';
import type { PayloadOf } from '../../../shared/api/topics.js';
import { startDynsecMosquitto, type DynsecMosquitto } from '../../helpers/mosquitto-dynsec.js';
import { ENROLL_TOKEN, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { Inbox, closed, mustConnect, subscribeCodes, tryConnect } from './helpers.js';

/**
 * The fleet on Mosquitto (`broker.url`, the server logged in as the dynamic security admin):
 * a listed device enrolls with the site token, is approved, connects with its own secret, reads
 * its room, is moved (the old room stops at once), and is revoked (disconnected, refused).
 */
const KEY = newEnrollmentKey();

let mosquitto: DynsecMosquitto;
let site: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  mosquitto = await startDynsecMosquitto();
  site = await startTestServer({
    config: { broker: { url: mosquitto.url, username: mosquitto.admin.username, password: mosquitto.admin.password }, devices: [{ id: 'dev1' }] },
  });
});

after(async () => {
  await site.cleanup();
  await mosquitto.stop();
});

test('enrollment, approval, a room move and revocation on Mosquitto', async () => {
  const { url } = mosquitto;
  const { server } = site;
  // An unlisted id has no enrolling account.
  const stranger = await tryConnect(url, { username: 'enroll:dev2', password: ENROLL_TOKEN, clientId: 'dev2' });
  assert.equal(stranger.ok, false);
  const wrongToken = await tryConnect(url, { username: 'enroll:dev1', password: 'not-the-token-0123456789', clientId: 'dev1' });
  assert.equal(wrongToken.ok, false);

  const enrolling = await mustConnect(url, { username: 'enroll:dev1', password: ENROLL_TOKEN, clientId: 'dev1' });
  const replies = new Inbox(enrolling);
  assert.deepEqual(await subscribeCodes(enrolling, ['doorplate/devices/dev1/enrollment']), [1]);
  assert.deepEqual(await subscribeCodes(enrolling, ['doorplate/devices/dev1/config', 'doorplate/devices/+/enrollment']), [0x80, 0x80]);
  await enrolling.publishAsync('doorplate/devices/dev1/hello', JSON.stringify({ ...HELLO, ...keyedEnrollment(KEY).keys }), { qos: 1 });
  await replies.waitFor('doorplate/devices/dev1/enrollment');
  assert.equal(server.store.devices.get('dev1')?.status, 'pending');

  await server.devices.approve('dev1');
  await until(() => replies.messages.some((m) => m.payload.includes('"approved"')), 'the secret to arrive');
  const reply = JSON.parse(replies.messages.find((m) => m.payload.includes('"approved"'))?.payload ?? '{}') as { secret?: string; sealedSecret: string };
  assert.equal(reply.secret, undefined, 'the secret never travels in plain');
  const secret = openSealedSecret(reply.sealedSecret, KEY, 'dev1');
  enrolling.end(true);
  // Mosquitto lets any holder of the token in as enroll:dev1; a hello with another key is refused.
  const refusedBefore = server.devices.stats().refused;
  const other = newEnrollmentKey();
  const thief = await mustConnect(url, { username: 'enroll:dev1', password: ENROLL_TOKEN, clientId: 'dev1' });
  await thief.publishAsync('doorplate/devices/dev1/hello', JSON.stringify({ ...HELLO, ...keyedEnrollment(other).keys }), { qos: 1 });
  await until(() => server.devices.stats().refused > refusedBefore, 'the other key refused');
  thief.end(true);
  assert.equal(server.store.devices.get('dev1')?.enrollSealKey, sealKeyOf(KEY));

  await server.devices.assign('dev1', 'ada');
  const login = { username: 'dev1', password: secret, clientId: 'dev1', reconnectPeriod: 0 };
  assert.equal((await tryConnect(url, { ...login, clientId: 'someone-else' })).ok, false, 'the account is bound to its client id');
  const device = await mustConnect(url, login);
  const inbox = new Inbox(device);
  assert.deepEqual(await subscribeCodes(device, ['doorplate/rooms/ada/state', 'doorplate/rooms/grace/state', 'doorplate/notify/devices/dev1']), [1, 0x80, 1]);
  await inbox.waitFor('doorplate/rooms/ada/state');
  await device.publishAsync('doorplate/devices/dev1/hello', JSON.stringify({ ...HELLO, enrolling: false }), { qos: 1 });
  await until(() => server.store.devices.get('dev1')?.secretConfirmed === true, 'the secret to be confirmed by the device hello');
  // Once the secret is used the enrolling account goes: the token no longer reaches the id.
  const probe = new DynsecClient({ url, ...mosquitto.admin, clientId: 'probe' }, silentLogger());
  await probe.start();
  await until(async () => (await probe.run([{ command: 'getClient', username: 'enroll:dev1' }], ['not found']))[0]?.error !== undefined, 'the enrolling account removed');
  await probe.stop();
  assert.equal((await tryConnect(url, { username: 'enroll:dev1', password: ENROLL_TOKEN, clientId: 'dev1' })).ok, false);

  // Moved to grace: still subscribed to ada, it must not get ada's messages any more.
  await server.devices.assign('dev1', 'grace');
  await until(async () => (await subscribeCodes(device, ['doorplate/rooms/grace/state']))[0] === 1, 'the new room to be readable');
  const from = inbox.messages.length;
  const adaState = JSON.parse(inbox.messages.find((m) => m.topic === 'doorplate/rooms/ada/state')?.payload ?? '{}') as PayloadOf<'roomState'>;
  await server.bus.publish('roomState', { room: 'ada' }, adaState);
  await server.bus.publish('notifyDevice', { device: 'dev1' }, { name: 'mark', message: 'after the move', from: 'test', expiresAt: null });
  await inbox.waitFor('doorplate/notify/devices/dev1', undefined, from);
  assert.equal(inbox.messages.slice(from).some((m) => m.topic === 'doorplate/rooms/ada/state'), false, 'the old room is not delivered');

  const gone = closed(device);
  await server.devices.revoke('dev1');
  await gone;
  assert.equal((await tryConnect(url, login)).ok, false);
  assert.equal((await tryConnect(url, { username: 'enroll:dev1', password: ENROLL_TOKEN, clientId: 'dev1' })).ok, false);
});
