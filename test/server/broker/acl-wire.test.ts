import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IClientOptions, MqttClient } from 'mqtt';
import { isValidFilter, type Identity } from '../../../server/broker/acl.js';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { DynsecAccounts, ROLES } from '../../../server/broker/mosquitto/dynsec-accounts.js';
import { DynsecClient } from '../../../server/broker/mosquitto/dynsec-client.js';
import { hashPassword, sha256Hex } from '../../../server/security/secrets.js';
import type { Device } from '../../../server/store/repos/devices.js';
import { silentLogger } from '../../../shared/logger.js';
import { startDynsecMosquitto, type DynsecMosquitto } from '../../helpers/mosquitto-dynsec.js';
import { P, PUBLISH, SUBSCRIBE, type Row } from './acl-table.js';
import { Inbox, MemoryDirectory, closed, mustConnect, subscribeCodes } from './helpers.js';

/**
 * The ACL table on the wire, against the embedded broker and against Mosquitto with its dynamic
 * security plugin set up by the server's accounts adapter: both must answer as acl.ts does.
 * Rows that never reach a broker are left out: a device id with a wildcard (no such account can
 * exist), publishing to a non-concrete or `$` topic, and filters MQTT clients refuse to send.
 * Deliveries (the receive table) are checked end to end on both brokers elsewhere.
 *
 * One known difference: Mosquitto lets an inspector (`prefix/#`) subscribe to a filter with an
 * empty level, which acl.ts refuses. Nothing is ever published there (the server never does,
 * devices may not), so the subscription reads nothing; the row is checked to stay the only one.
 */
const SERVER_PASSWORD = 'server-internal-password-0123456789';
const TOKEN = 'enrollment-token-0123456789abcdef';
const SECRET = (id: string) => `secret-of-${id}-0123456789abcdef0123456789`;
const INSPECTOR_PASSWORD = 'inspector-password-0123';
const FLEET_SECRET = 'fleet-secret-0123456789abcdef0123456789';
const SENTINEL = 'wire-test/sentinel';

interface WireBroker {
  url: string;
  login: (identity: Identity) => IClientOptions;
  observer: MqttClient;
  inbox: Inbox;
}

let sequence = 0;

function deviceLogin(identity: Identity): IClientOptions {
  if (identity.kind === 'device') return { username: identity.deviceId, password: SECRET(identity.deviceId), clientId: identity.deviceId };
  if (identity.kind === 'enrolling') return { username: `enroll:${identity.deviceId}`, password: TOKEN, clientId: identity.deviceId };
  if (identity.kind === 'standby') return { username: `standby:${identity.nodeId}`, password: FLEET_SECRET, clientId: `standby:${identity.nodeId}` };
  if (identity.kind === 'inspector') return { username: identity.username, password: INSPECTOR_PASSWORD, clientId: `probe-${identity.username}-${sequence++}` };
  throw new Error('the server logs in its own way');
}

async function connectAs(b: WireBroker, identity: Identity): Promise<MqttClient> {
  return mustConnect(b.url, { ...b.login(identity), reconnectPeriod: 0 });
}

/** Whether a message published by `identity` on `topic` reached the observer (subscribed to everything). */
async function published(b: WireBroker, identity: Identity, topic: string): Promise<boolean> {
  const client = await connectAs(b, identity);
  const payload = `probe-${sequence++}`;
  const gone = closed(client);
  await Promise.race([client.publishAsync(topic, payload, { qos: 1 }), gone]);
  // The broker handled the probe before its PUBACK; what the observer gets after this sentinel
  // would have come before it.
  const mark = `mark-${sequence++}`;
  await b.observer.publishAsync(SENTINEL, mark, { qos: 1 });
  await b.inbox.waitFor(SENTINEL, mark);
  client.end(true);
  return b.inbox.has(topic, payload);
}

async function subscribed(b: WireBroker, identity: Identity, filter: string): Promise<boolean> {
  const client = await connectAs(b, identity);
  const [code] = await subscribeCodes(client, [filter]);
  client.end(true);
  return code !== undefined && code < 0x80;
}

const onWire = (identity: Identity) => !(identity.kind === 'device' && identity.deviceId === '+');
const publishRows = PUBLISH.filter(([, identity, topic]) => onWire(identity) && topic.length > 0 && !/[+#]/.test(topic) && !topic.startsWith('$'));
const subscribeRows = SUBSCRIBE.filter(([, identity, filter]) => onWire(identity) && isValidFilter(filter));

const emptyLevelInspectorFilter = (identity: Identity, filter: string) => identity.kind === 'inspector' && filter.split('/').some((l) => l === '');

function runTables(name: string, get: () => WireBroker, include: (identity: Identity) => boolean = () => true): void {
  const table = (kind: string, rows: Row[], probe: (b: WireBroker, i: Identity, t: string) => Promise<boolean>) => {
    for (const [who, identity, topic, allowed] of rows.filter(([, i]) => include(i))) {
      const expected = name === 'mosquitto' && kind === 'subscribe' && emptyLevelInspectorFilter(identity, topic) ? true : allowed;
      test(`${name} ${kind}: ${who} ${expected ? 'may' : 'may not'} use ${JSON.stringify(topic)}`, async () => {
        assert.equal(await probe(get(), identity, topic), expected);
      });
    }
  };
  table('publish', publishRows, published);
  table('subscribe', subscribeRows, subscribed);
}

async function observe(url: string, opts: IClientOptions): Promise<{ observer: MqttClient; inbox: Inbox }> {
  const observer = await mustConnect(url, { ...opts, reconnectPeriod: 0 });
  const inbox = new Inbox(observer);
  await observer.subscribeAsync(['#'], { qos: 1 });
  return { observer, inbox };
}

describe('the access table on the embedded broker', () => {
  let broker: EmbeddedBroker;
  let wire: WireBroker;
  before(async () => {
    const dir = new MemoryDirectory(SERVER_PASSWORD);
    dir.addDevice('d1', SECRET('d1'), 'r1');
    dir.addDevice('d3', SECRET('d3'), null);
    dir.enrollmentHash = sha256Hex(TOKEN);
    dir.standbyHash = sha256Hex(FLEET_SECRET);
    const passwordHash = await hashPassword(INSPECTOR_PASSWORD);
    dir.inspectorList.push({ username: 'ops', passwordHash }, { username: 'hass', passwordHash, homeAssistant: { discoveryPrefix: 'homeassistant' } } as { username: string; passwordHash: string });
    broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: P, directory: dir, logger: silentLogger() });
    await broker.start();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const serverLogin = () => ({ username: '$server', password: SERVER_PASSWORD, clientId: `server-${sequence++}` });
    wire = { url, login: (i) => (i.kind === 'server' ? serverLogin() : deviceLogin(i)), ...(await observe(url, serverLogin())) };
  });
  after(async () => {
    wire.observer.end(true);
    await broker.stop();
  });
  runTables('embedded', () => wire);
});

describe('the access table on Mosquitto with dynamic security', () => {
  let mosquitto: DynsecMosquitto;
  let dynsec: DynsecClient;
  let wire: WireBroker;
  before(async () => {
    mosquitto = await startDynsecMosquitto();
    const { url, admin } = mosquitto;
    dynsec = new DynsecClient({ url, ...admin, clientId: 'accounts' }, silentLogger());
    await dynsec.start();
    const record = (id: string, roomId: string | null): Device => ({
      id, status: 'approved', roomId, secretHash: sha256Hex(SECRET(id)), secretConfirmed: true, enrollKeyHash: null, enrollSealKey: null, enrollReply: null, hello: null, address: null, lastSeenAt: null, online: false, createdAt: 0, approvedAt: 0, revokedAt: null,
    });
    const devices = new Map([['d1', record('d1', 'r1')], ['d3', record('d3', null)]]);
    const accounts = new DynsecAccounts({
      dynsec, prefix: P, serverUsername: admin.username, discoveryPrefix: 'homeassistant', enrollmentToken: () => TOKEN, enrollableIds: () => ['d9'], device: (id) => devices.get(id) ?? null, log: silentLogger(),
    });
    await accounts.sync([...devices.values()]);
    for (const id of devices.keys()) await accounts.secretIssued(id, SECRET(id));
    // Inspector accounts are made by the operator in Mosquitto, with the roles the server keeps.
    await dynsec.run([
      { command: 'createClient', username: 'ops', password: INSPECTOR_PASSWORD, roles: [{ rolename: ROLES.inspector }] },
      { command: 'createClient', username: 'hass', password: INSPECTOR_PASSWORD, roles: [{ rolename: ROLES.homeAssistant }] },
    ]);
    const serverLogin = () => ({ ...admin, clientId: `server-${sequence++}` });
    wire = { url, login: (i) => (i.kind === 'server' ? serverLogin() : deviceLogin(i)), ...(await observe(url, serverLogin())) };
  });
  after(async () => {
    wire.observer.end(true);
    await dynsec.stop();
    await mosquitto.stop();
  });
  // Standbys replicate through the embedded broker only (docs/deployment.md): no Mosquitto role.
  runTables('mosquitto', () => wire, (identity) => identity.kind !== 'standby');
});
