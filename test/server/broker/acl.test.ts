import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidFilter, mayPublish, mayReceive, mayRetain, maySubscribe, type Identity } from '../../../server/broker/acl.js';

const P = 'doorplate';
const server: Identity = { kind: 'server' };
const d1: Identity = { kind: 'device', deviceId: 'd1', roomId: 'r1' };
const unassigned: Identity = { kind: 'device', deviceId: 'd3', roomId: null };
const enrolling: Identity = { kind: 'enrolling', deviceId: 'd9' };
const inspector: Identity = { kind: 'inspector', username: 'ops' };
const homeAssistant: Identity = { kind: 'inspector', username: 'hass', homeAssistant: { discoveryPrefix: 'homeassistant' } };
const sneaky: Identity = { kind: 'device', deviceId: '+', roomId: null };

type Row = [who: string, identity: Identity, topic: string, allowed: boolean];

const PUBLISH: Row[] = [
  ['server', server, 'doorplate/rooms/r1/state', true],
  ['server', server, 'doorplate/devices/d1/config', true],
  ['server', server, 'elsewhere/anything', true],
  ['server', server, '$SYS/broker/uptime', false],
  ['server', server, 'doorplate/rooms/+/state', false],
  ['server', server, '', false],
  ['device', d1, 'doorplate/devices/d1/hello', true],
  ['device', d1, 'doorplate/devices/d1/availability', true],
  ['device', d1, 'doorplate/devices/d1/request/book', true],
  ['device', d1, 'doorplate/devices/d1/request/extend', true],
  ['device', d1, 'doorplate/devices/d1/request/end', true],
  ['device', d1, 'doorplate/devices/d1/request/checkin', true],
  ['device', d1, 'doorplate/devices/d1/request/delete', false],
  ['device', d1, 'doorplate/devices/d1/request/book/extra', false],
  ['device', d1, 'doorplate/devices/d1/request/', false],
  ['device', d1, 'doorplate/devices/d1/config', false],
  ['device', d1, 'doorplate/devices/d1/response/book', false],
  ['device', d1, 'doorplate/devices/d1/enrollment', false],
  ['device', d1, 'doorplate/devices/d1/other', false],
  ['device', d1, 'doorplate/devices/d2/hello', false],
  ['device', d1, 'doorplate/devices/d2/request/book', false],
  ['device', d1, 'doorplate/devices/d2/availability', false],
  ['device', d1, 'doorplate/rooms/r1/state', false],
  ['device', d1, 'doorplate/rooms/r1/agenda', false],
  ['device', d1, 'doorplate/notify/all', false],
  ['device', d1, 'doorplate/server/availability', false],
  ['device', d1, 'other/devices/d1/hello', false],
  ['device', d1, 'doorplatex/devices/d1/hello', false],
  ['device', d1, 'doorplate//devices/d1/hello', false],
  ['device', d1, 'doorplate/devices//hello', false],
  ['device', d1, '$SYS/broker/clients', false],
  ['device', d1, 'doorplate/devices/+/hello', false],
  ['device', d1, 'doorplate/devices/d1/#', false],
  ['unassigned device', unassigned, 'doorplate/devices/d3/hello', true],
  ['unassigned device', unassigned, 'doorplate/devices/d3/request/book', true],
  ['enrolling', enrolling, 'doorplate/devices/d9/hello', true],
  ['enrolling', enrolling, 'doorplate/devices/d9/availability', true],
  ['enrolling', enrolling, 'doorplate/devices/d9/request/book', false],
  ['enrolling', enrolling, 'doorplate/devices/d1/hello', false],
  ['enrolling', enrolling, 'doorplate/devices/d9/enrollment', false],
  ['inspector', inspector, 'doorplate/rooms/r1/state', false],
  ['inspector', inspector, 'doorplate/devices/d1/hello', false],
  ['inspector', inspector, 'elsewhere', false],
  ['inspector', inspector, 'doorplate/homeassistant/rooms/r1/book', false],
  ['home assistant', homeAssistant, 'doorplate/homeassistant/rooms/r1/book', true],
  ['home assistant', homeAssistant, 'homeassistant/status', true],
  ['home assistant', homeAssistant, 'doorplate/homeassistant/rooms/r+/book', false],
  ['home assistant', homeAssistant, 'doorplate/homeassistant/rooms/r1/state', false],
  ['home assistant', homeAssistant, 'homeassistant/device/x/config', false],
  ['home assistant', homeAssistant, 'doorplate/devices/d1/request/book', false],
  ['device with a wildcard id', sneaky, 'doorplate/devices/+/hello', false],
];

const SUBSCRIBE: Row[] = [
  ['server', server, 'doorplate/#', true],
  ['server', server, '#', true],
  ['server', server, '$SYS/#', true],
  ['server', server, 'doorplate/devices/+/request/+', true],
  ['server', server, 'doorplate/#/x', false],
  ['server', server, 'doorplate/a+', false],
  ['server', server, '', false],
  ['device', d1, 'doorplate/devices/d1/config', true],
  ['device', d1, 'doorplate/devices/d1/response/+', true],
  ['device', d1, 'doorplate/devices/d1/response/book', true],
  ['device', d1, 'doorplate/devices/d1/response/checkin', true],
  ['device', d1, 'doorplate/devices/d1/response/teleport', false],
  ['device', d1, 'doorplate/devices/d1/response/#', false],
  ['device', d1, 'doorplate/devices/d1/enrollment', true],
  ['device', d1, 'doorplate/rooms/r1/state', true],
  ['device', d1, 'doorplate/rooms/r1/agenda', true],
  ['device', d1, 'doorplate/notify/all', true],
  ['device reads the server availability', d1, 'doorplate/server/availability', true],
  ['device cannot read all of server/', d1, 'doorplate/server/#', false],
  ['device', d1, 'doorplate/notify/rooms/r1', true],
  ['device', d1, 'doorplate/notify/devices/d1', true],
  ['device', d1, 'doorplate/rooms/r2/state', false],
  ['device', d1, 'doorplate/rooms/r2/agenda', false],
  ['device', d1, 'doorplate/notify/rooms/r2', false],
  ['device', d1, 'doorplate/notify/devices/d2', false],
  ['device', d1, 'doorplate/notify/+', false],
  ['device', d1, 'doorplate/notify/#', false],
  ['device', d1, 'doorplate/rooms/+/state', false],
  ['device', d1, 'doorplate/rooms/r1/+', false],
  ['device', d1, 'doorplate/rooms/r1/#', false],
  ['device', d1, 'doorplate/#', false],
  ['device', d1, '#', false],
  ['device', d1, '+/devices/d1/config', false],
  ['device', d1, 'doorplate/devices/+/config', false],
  ['device', d1, 'doorplate/devices/d1/+', false],
  ['device', d1, 'doorplate/devices/d1/#', false],
  ['device', d1, 'doorplate/devices/d2/config', false],
  ['device', d1, 'doorplate/devices/d2/response/+', false],
  ['device', d1, 'doorplate/devices/d1/hello', false],
  ['device', d1, 'doorplate/devices/d1/availability', false],
  ['device', d1, 'doorplate/devices/d1/config/extra', false],
  ['device', d1, 'doorplate/devices/d1//config', false],
  ['device', d1, 'doorplate/devices/d1/response/', false],
  ['device', d1, 'other/devices/d1/config', false],
  ['device', d1, '$SYS/#', false],
  ['device', d1, 'doorplate/devices/d1/conf#', false],
  ['unassigned device', unassigned, 'doorplate/devices/d3/config', true],
  ['unassigned device', unassigned, 'doorplate/notify/all', true],
  ['unassigned device', unassigned, 'doorplate/notify/devices/d3', true],
  ['unassigned device', unassigned, 'doorplate/rooms/r1/state', false],
  ['unassigned device', unassigned, 'doorplate/notify/rooms/r1', false],
  ['unassigned device', unassigned, 'doorplate/rooms/null/state', false],
  ['enrolling', enrolling, 'doorplate/devices/d9/enrollment', true],
  ['enrolling', enrolling, 'doorplate/devices/d9/config', false],
  ['enrolling', enrolling, 'doorplate/devices/d9/response/+', false],
  ['enrolling', enrolling, 'doorplate/notify/all', false],
  ['enrolling', enrolling, 'doorplate/devices/+/enrollment', false],
  ['enrolling', enrolling, 'doorplate/devices/d1/enrollment', false],
  ['inspector', inspector, 'doorplate/#', true],
  ['inspector', inspector, 'doorplate/rooms/+/state', true],
  ['inspector', inspector, 'doorplate/devices/d1/config', true],
  ['inspector', inspector, 'doorplate/+/+/availability', true],
  ['inspector', inspector, '#', false],
  ['inspector', inspector, '+/rooms/r1/state', false],
  ['inspector', inspector, '$SYS/#', false],
  ['inspector', inspector, 'other/#', false],
  ['inspector', inspector, 'doorplate', true],
  ['inspector', inspector, 'doorplate//x', false],
  ['inspector', inspector, 'homeassistant/#', false],
  ['home assistant', homeAssistant, 'homeassistant/#', true],
  ['home assistant', homeAssistant, 'doorplate/#', true],
  ['home assistant', homeAssistant, '#', false],
  ['device with a wildcard id', sneaky, 'doorplate/devices/+/config', false],
];

const RECEIVE: Row[] = [
  ['server', server, 'doorplate/devices/d1/hello', true],
  ['server', server, '$SYS/broker/clients', true],
  ['device', d1, 'doorplate/rooms/r1/state', true],
  ['device', d1, 'doorplate/devices/d1/response/book', true],
  ['device', d1, 'doorplate/devices/d1/response/bogus', false],
  ['device', d1, 'doorplate/rooms/r2/state', false],
  ['device', d1, 'doorplate/devices/d2/config', false],
  ['device', d1, 'doorplate/devices/d1/hello', false],
  ['device moved to r2', { kind: 'device', deviceId: 'd1', roomId: 'r2' }, 'doorplate/rooms/r1/state', false],
  ['device moved to r2', { kind: 'device', deviceId: 'd1', roomId: 'r2' }, 'doorplate/rooms/r2/state', true],
  ['enrolling', enrolling, 'doorplate/devices/d9/enrollment', true],
  ['enrolling', enrolling, 'doorplate/rooms/r1/state', false],
  ['inspector', inspector, 'doorplate/rooms/r1/state', true],
  ['inspector', inspector, '$SYS/broker/clients', false],
  ['inspector', inspector, 'other/thing', false],
];

/** Which allowed publishes may keep their retain flag (the broker strips it from the others). */
const RETAIN: Row[] = [
  ['server', server, 'doorplate/rooms/r1/state', true],
  ['server', server, 'doorplate/devices/d1/config', true],
  ['server', server, 'doorplate/server/availability', true],
  ['device', d1, 'doorplate/devices/d1/availability', true],
  ['device', d1, 'doorplate/devices/d1/hello', false],
  ['device', d1, 'doorplate/devices/d1/request/book', false],
  ['device', d1, 'doorplate/devices/d2/availability', false],
  ['enrolling', enrolling, 'doorplate/devices/d9/availability', true],
  ['enrolling', enrolling, 'doorplate/devices/d9/hello', false],
  ['inspector', inspector, 'doorplate/rooms/r1/state', false],
];

function runTable(kind: string, rows: Row[], fn: (i: Identity, t: string, p: string) => boolean): void {
  for (const [who, identity, topic, allowed] of rows) {
    test(`${kind}: ${who} ${allowed ? 'may' : 'may not'} use ${JSON.stringify(topic)}`, () => {
      assert.equal(fn(identity, topic, P), allowed);
    });
  }
}

runTable('publish', PUBLISH, mayPublish);
runTable('subscribe', SUBSCRIBE, maySubscribe);
runTable('receive', RECEIVE, mayReceive);
runTable('retain', RETAIN, mayRetain);

test('a multi-level prefix is honoured', () => {
  const prefix = 'site1/doorplate';
  assert.equal(mayPublish(d1, 'site1/doorplate/devices/d1/hello', prefix), true);
  assert.equal(mayPublish(d1, 'doorplate/devices/d1/hello', prefix), false);
  assert.equal(maySubscribe(inspector, 'site1/doorplate/#', prefix), true);
  assert.equal(maySubscribe(inspector, 'site1/#', prefix), false);
  assert.equal(maySubscribe(d1, 'site1/+/rooms/r1/state', prefix), false);
  assert.equal(maySubscribe(d1, 'site1/doorplate/rooms/r1/state', prefix), true);
});

test('filter syntax', () => {
  for (const f of ['a', 'a/b', '+', '#', 'a/+/c', 'a/#', '+/+', '/a', 'a/']) assert.equal(isValidFilter(f), true, f);
  for (const f of ['', 'a#', 'a/#/b', 'a/b+', '#/a', 'a/+b', 'a\u0000']) assert.equal(isValidFilter(f), false, f);
});
