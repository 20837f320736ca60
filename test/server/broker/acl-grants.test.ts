import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerGrants } from '../../../server/broker/acl-grants.js';
import { mayPublish, mayReceive, maySubscribe } from '../../../server/broker/acl.js';
import { P, d1, enrolling, homeAssistant, inspector, unassigned } from './acl-table.js';

/** Every grant an external broker is given is one the ACL module allows (no wider), and nothing is left out. */
for (const [who, identity] of [['device', d1], ['unassigned device', unassigned], ['enrolling', enrolling], ['inspector', inspector], ['home assistant', homeAssistant]] as const) {
  test(`the broker grants of ${who} are allowed by the ACL module`, () => {
    const grants = brokerGrants(identity, P);
    for (const g of grants) {
      const concrete = g.topic.replace(/\/#$/, '/x').replaceAll('+', 'book');
      if (g.acltype === 'publishClientSend') assert.equal(mayPublish(identity, concrete, P), true, g.topic);
      if (g.acltype === 'subscribePattern' || g.acltype === 'subscribeLiteral') assert.equal(maySubscribe(identity, g.topic, P), true, g.topic);
      if (g.acltype === 'publishClientReceive') assert.equal(mayReceive(identity, concrete, P), true, g.topic);
    }
  });
}

test('a device is granted its room; a move changes exactly the room grants', () => {
  const before = brokerGrants({ kind: 'device', deviceId: 'd1', roomId: 'r1' }, P).map((g) => `${g.acltype} ${g.topic}`);
  const after = brokerGrants({ kind: 'device', deviceId: 'd1', roomId: 'r2' }, P).map((g) => `${g.acltype} ${g.topic}`);
  const gone = before.filter((g) => !after.includes(g));
  assert.deepEqual(gone.sort(), [
    'publishClientReceive doorplate/notify/rooms/r1',
    'publishClientReceive doorplate/rooms/r1/agenda',
    'publishClientReceive doorplate/rooms/r1/state',
    'subscribePattern doorplate/notify/rooms/r1',
    'subscribePattern doorplate/rooms/r1/agenda',
    'subscribePattern doorplate/rooms/r1/state',
  ]);
  assert.ok(before.includes('publishClientSend doorplate/devices/d1/request/checkin'));
  assert.ok(before.includes('subscribeLiteral doorplate/devices/d1/response/+'));
  assert.equal(before.some((g) => g.includes('response/+') && g.startsWith('subscribePattern')), false, 'a pattern would let any word through');
});
