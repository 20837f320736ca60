import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeartbeat, encodeHeartbeat, MAX_HEARTBEAT_BYTES, type Heartbeat } from '../../../shared/fleet/heartbeat.js';

const base = { v: 1, type: 'doorplate.heartbeat', site: 'hq', nodeId: 'b', priority: 100, epoch: 4, leader: false, leaderId: 'a', serves: null };

function decode(value: unknown): ReturnType<typeof decodeHeartbeat> {
  return decodeHeartbeat(Buffer.from(JSON.stringify(value)));
}

test('heartbeat: the replica position travels, and a heartbeat without it (an older node) still parses', () => {
  const withIt = decode({ ...base, replica: { epoch: 3, seq: 1234 } });
  assert.ok(withIt.ok);
  assert.deepEqual(withIt.heartbeat.replica, { epoch: 3, seq: 1234 });
  const none = decode({ ...base, replica: null });
  assert.ok(none.ok);
  assert.equal(none.heartbeat.replica, null);
  const older = decode(base);
  assert.ok(older.ok);
  assert.equal(older.heartbeat.replica, undefined);
  const hb: Heartbeat = { ...base, v: 1, type: 'doorplate.heartbeat', replica: { epoch: 3, seq: 1234 } };
  assert.deepEqual(JSON.parse(encodeHeartbeat(hb).toString()), { ...base, replica: { epoch: 3, seq: 1234 }, leaving: false });
});

test('heartbeat: a malformed position is refused with path: message', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ epoch: -1, seq: 0 }, /^replica\.epoch: /],
    [{ epoch: 1, seq: 1.5 }, /^replica\.seq: /],
    [{ epoch: 1 }, /^replica\.seq: /],
    [{ epoch: 1, seq: 2, storeId: 'x' }, /^replica: .*storeId/],
    ['1:2', /^replica: /],
  ];
  for (const [replica, error] of cases) {
    const decoded = decode({ ...base, replica });
    assert.equal(decoded.ok, false, JSON.stringify(replica));
    assert.match(decoded.ok ? '' : decoded.error, error);
  }
  assert.throws(() => encodeHeartbeat({ ...base, v: 1, type: 'doorplate.heartbeat', replica: { epoch: 1, seq: -2 } }));
});

test('heartbeat: the largest one, with a position, fits a datagram', () => {
  const hb: Heartbeat = { ...base, v: 1, type: 'doorplate.heartbeat', site: 's'.repeat(128), nodeId: 'n'.repeat(64), leaderId: 'l'.repeat(64), serves: 'h'.repeat(256), epoch: Number.MAX_SAFE_INTEGER, replica: { epoch: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER } };
  assert.ok(encodeHeartbeat(hb).length <= MAX_HEARTBEAT_BYTES);
});
