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
