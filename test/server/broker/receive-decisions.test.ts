import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayReceive, type Identity } from '../../../server/broker/acl.js';
import { ReceiveDecisions } from '../../../server/broker/receive-decisions.js';

test('remembered read decisions: the ACL\'s answers, and a replaced identity (a moved display) is decided afresh', () => {
  const decisions = new ReceiveDecisions('doorplate');
  const inAda: Identity = { kind: 'device', deviceId: 'd1', roomId: 'ada' };
  const topics = ['doorplate/rooms/ada/state', 'doorplate/rooms/grace/state', 'doorplate/devices/d1/config', 'doorplate/devices/d2/config'];
  for (const topic of [...topics, ...topics]) assert.equal(decisions.receives(inAda, topic), mayReceive(inAda, topic, 'doorplate'), topic);
  const moved: Identity = { ...inAda, roomId: 'grace' };
  assert.equal(decisions.receives(moved, 'doorplate/rooms/ada/state'), false);
  assert.equal(decisions.receives(moved, 'doorplate/rooms/grace/state'), true);
  // An inspector reads any number of topics: past the bound the answers are still right.
  const inspector: Identity = { kind: 'inspector', username: 'ops' };
  for (let i = 0; i < 200; i++) assert.equal(decisions.receives(inspector, `doorplate/rooms/r${i}/state`), true);
});
