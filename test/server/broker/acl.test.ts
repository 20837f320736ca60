import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidFilter, mayPublish, mayReceive, mayRetain, maySubscribe, type Identity } from '../../../server/broker/acl.js';
import { P, PUBLISH, RECEIVE, RETAIN, SUBSCRIBE, d1, inspector, type Row } from './acl-table.js';

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

test('answers follow the identity as it is now, asked again and again (the patterns are kept per identity)', () => {
  const device: Identity = { kind: 'device', deviceId: 'd7', roomId: 'r1' };
  for (let i = 0; i < 3; i++) assert.equal(mayReceive(device, `${P}/rooms/r1/state`, P), true);
  // Changed in place: the room it held before must stop at once.
  (device as { roomId: string | null }).roomId = 'r2';
  assert.equal(mayReceive(device, `${P}/rooms/r1/state`, P), false);
  assert.equal(mayReceive(device, `${P}/rooms/r2/state`, P), true);
  (device as { roomId: string | null }).roomId = null;
  assert.equal(mayReceive(device, `${P}/rooms/r2/state`, P), false);
  assert.equal(maySubscribe(device, `${P}/rooms/r2/state`, P), false);
  assert.equal(mayReceive(device, `site1/rooms/r2/state`, 'site1'), false, 'another prefix, not the kept one');
  assert.equal(mayReceive(device, `site1/devices/d7/config`, 'site1'), true);
});
