import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../server/store/store.js';
import { FakeClock } from '../../../shared/clock.js';
import { isDoorplateError, type ErrorCode } from '../../../shared/errors.js';

const HASH = 'ab'.repeat(32);
const hello = { model: 'Raspberry Pi Zero 2 W', uptimeSec: 12 };

function open(): { store: Store; clock: FakeClock } {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig([{ id: 'ada', name: 'Ada Lovelace' }]);
  return { store, clock };
}

function code(c: ErrorCode) {
  return (e: unknown) => isDoorplateError(e) && e.code === c;
}

test('a new device is pending; a repeated hello refreshes it and keeps its status', () => {
  const { store, clock } = open();
  const { device, created } = store.devices.getOrCreatePending('pi-1', hello, '10.0.0.5');
  assert.equal(created, true);
  assert.equal(device.status, 'pending');
  assert.deepEqual(device.hello, hello);
  assert.equal(device.address, '10.0.0.5');
  assert.equal(device.createdAt, clock.now());
  assert.equal(device.secretConfirmed, false);

  store.devices.approve('pi-1');
  clock.advance(5000);
  const again = store.devices.getOrCreatePending('pi-1', { ...hello, uptimeSec: 99 }, '10.0.0.6');
  assert.equal(again.created, false);
  assert.equal(again.device.status, 'approved');
  assert.equal(again.device.address, '10.0.0.6');
  assert.deepEqual(again.device.hello, { ...hello, uptimeSec: 99 });
  assert.equal(again.device.lastSeenAt, clock.now());
  assert.equal(again.device.createdAt, clock.now() - 5000);
  store.close();
});

test('approve, assign a room, set and confirm a secret, revoke', () => {
  const { store, clock } = open();
  store.devices.getOrCreatePending('pi-1', hello, null);
  clock.advance(1000);
  const approved = store.devices.approve('pi-1');
  assert.equal(approved.status, 'approved');
  assert.equal(approved.approvedAt, clock.now());

  assert.equal(store.devices.assignRoom('pi-1', 'ada').roomId, 'ada');
  assert.throws(() => store.devices.assignRoom('pi-1', 'nowhere'), code('ROOM_NOT_FOUND'));
  assert.equal(store.devices.get('pi-1')?.roomId, 'ada');

  assert.throws(() => store.devices.confirmSecret('pi-1'), code('BAD_REQUEST'));
  assert.throws(() => store.devices.setSecretHash('pi-1', 'not-a-hash'), code('VALIDATION'));
  assert.equal(store.devices.setSecretHash('pi-1', HASH).secretHash, HASH);
  assert.equal(store.devices.confirmSecret('pi-1').secretConfirmed, true);
  // A new secret must be confirmed again.
  assert.equal(store.devices.setSecretHash('pi-1', 'cd'.repeat(32)).secretConfirmed, false);

  store.devices.markSeen('pi-1', true, clock.now());
  clock.advance(1000);
  const revoked = store.devices.revoke('pi-1');
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.revokedAt, clock.now());
  assert.equal(revoked.secretHash, null);
  assert.equal(revoked.online, false);

  // A revoked device saying hello again stays revoked.
  assert.equal(store.devices.getOrCreatePending('pi-1', hello, null).device.status, 'revoked');
  const readmitted = store.devices.approve('pi-1');
  assert.equal(readmitted.status, 'approved');
  assert.equal(readmitted.revokedAt, null);
  assert.equal(readmitted.secretHash, null);
  store.close();
});

test('unknown devices: DEVICE_NOT_FOUND for changes, false for markSeen and delete', () => {
  const { store } = open();
  assert.equal(store.devices.get('ghost'), null);
  assert.throws(() => store.devices.approve('ghost'), code('DEVICE_NOT_FOUND'));
  assert.throws(() => store.devices.revoke('ghost'), code('DEVICE_NOT_FOUND'));
  assert.throws(() => store.devices.assignRoom('ghost', null), code('DEVICE_NOT_FOUND'));
  assert.equal(store.devices.markSeen('ghost', true, 1), false);
  assert.equal(store.devices.delete('ghost'), false);
  store.close();
});

test('markSeen never moves lastSeenAt backwards; list filters; delete; room removal unassigns', () => {
  const { store } = open();
  store.devices.getOrCreatePending('pi-1', hello, null);
  store.devices.getOrCreatePending('pi-2', hello, null);
  store.devices.approve('pi-2');
  store.devices.assignRoom('pi-2', 'ada');
  assert.equal(store.devices.markSeen('pi-1', true, 5_000_000_000_000), true);
  store.devices.markSeen('pi-1', false, 4_000_000_000_000);
  const d = store.devices.get('pi-1');
  assert.equal(d?.online, false);
  assert.equal(d?.lastSeenAt, 5_000_000_000_000);

  assert.deepEqual(
    store.devices.list({ status: 'pending' }).map((x) => x.id),
    ['pi-1'],
  );
  assert.deepEqual(
    store.devices.list({ roomId: 'ada' }).map((x) => x.id),
    ['pi-2'],
  );
  assert.equal(store.devices.list().length, 2);

  store.rooms.upsertFromConfig([]);
  assert.equal(store.devices.get('pi-2')?.roomId, null);

  assert.equal(store.devices.delete('pi-1'), true);
  assert.equal(store.devices.get('pi-1'), null);
  store.close();
});

test('enrollment bindings: the first one stays whole, a key-hash-only device never gains a sealing key; the sealed reply lives until confirmed or revoked', () => {
  const { store } = open();
  const seal = 'S'.repeat(43);
  const bound = store.devices.getOrCreatePending('pi-1', hello, null, { keyHash: HASH, sealKey: seal }).device;
  assert.deepEqual([bound.enrollKeyHash, bound.enrollSealKey], [HASH, seal]);
  // A later hello binds nothing new, whatever it carries.
  const again = store.devices.getOrCreatePending('pi-1', hello, null, { keyHash: 'cd'.repeat(32), sealKey: 'T'.repeat(43) }).device;
  assert.deepEqual([again.enrollKeyHash, again.enrollSealKey], [HASH, seal]);

  store.devices.getOrCreatePending('pi-2', hello, null, { keyHash: HASH, sealKey: null });
  const older = store.devices.getOrCreatePending('pi-2', hello, null, { keyHash: HASH, sealKey: seal }).device;
  assert.deepEqual([older.enrollKeyHash, older.enrollSealKey], [HASH, null]);

  // Bound to nothing: the first hello with keys binds both.
  store.devices.getOrCreatePending('pi-3', hello, null);
  const late = store.devices.getOrCreatePending('pi-3', hello, null, { keyHash: HASH, sealKey: seal }).device;
  assert.deepEqual([late.enrollKeyHash, late.enrollSealKey], [HASH, seal]);

  store.devices.approve('pi-1');
  assert.equal(store.devices.setSecretHash('pi-1', HASH, 'v1.sealed').enrollReply, 'v1.sealed');
  assert.equal(store.devices.confirmSecret('pi-1').enrollReply, null);
  store.devices.setSecretHash('pi-1', HASH, 'v1.sealed');
  const revoked = store.devices.revoke('pi-1');
  assert.deepEqual([revoked.enrollReply, revoked.enrollKeyHash, revoked.enrollSealKey], [null, null, null]);
  const readmitted = store.devices.readmit('pi-1');
  assert.deepEqual([readmitted.status, readmitted.revokedAt, readmitted.secretHash], ['pending', null, null]);
  // Only a revoked device is readmitted.
  assert.equal(store.devices.readmit('pi-2').status, 'pending');
  store.devices.approve('pi-2');
  assert.equal(store.devices.readmit('pi-2').status, 'approved');
});
