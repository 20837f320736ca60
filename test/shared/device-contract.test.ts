import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePayload, encodePayload, type DeviceConfig } from '../../shared/api/index.js';

const CONFIG: DeviceConfig = {
  room: 'ada',
  roomName: 'Ada Lovelace',
  timeZone: 'Europe/Berlin',
  locale: 'en',
  privacy: 'full',
  bookDurationsMins: [15, 30, 60],
  defaultDurationMins: 30,
  checkIn: { enabled: true, opensBeforeMins: 5, closesAfterMins: 10 },
  extendStepsMins: [15, 30],
  requestTtlSecs: 60,
};

const REQUEST = { transaction: 'tx-00000001', pressedAt: '2026-03-02T09:00:00Z', expiresAt: '2026-03-02T09:01:00Z' };

test('device config carries the extend steps, checked like the config schema', () => {
  assert.deepEqual(decodePayload('deviceConfig', encodePayload('deviceConfig', CONFIG)), { ok: true, value: CONFIG });
  const { extendStepsMins: _omitted, ...without } = CONFIG;
  const cases: Array<[unknown, RegExp]> = [
    [without, /^extendStepsMins: /],
    [{ ...CONFIG, extendStepsMins: [] }, /^extendStepsMins: /],
    [{ ...CONFIG, extendStepsMins: [15, 30, 45, 60, 90] }, /^extendStepsMins: /],
    [{ ...CONFIG, extendStepsMins: [4] }, /^extendStepsMins\.0: /],
    [{ ...CONFIG, extendStepsMins: [241] }, /^extendStepsMins\.0: /],
    [{ ...CONFIG, extendStepsMins: [15.5] }, /^extendStepsMins\.0: /],
  ];
  for (const [payload, error] of cases) {
    const r = decodePayload('deviceConfig', JSON.stringify(payload));
    assert.equal(r.ok, false, JSON.stringify(payload));
    assert.match(r.ok ? '' : r.error, error);
  }
});

test('a book request may ask for "until the next meeting" instead of a length', () => {
  const untilNext = { ...REQUEST, untilNext: true };
  assert.deepEqual(decodePayload('deviceRequest', JSON.stringify(untilNext)), { ok: true, value: untilNext });
  assert.deepEqual(decodePayload('deviceRequest', JSON.stringify({ ...REQUEST, durationMins: 30 })), { ok: true, value: { ...REQUEST, durationMins: 30 } });
  // Without either, the server takes the default length (older devices send no untilNext).
  assert.deepEqual(decodePayload('deviceRequest', JSON.stringify(REQUEST)), { ok: true, value: REQUEST });

  const both = decodePayload('deviceRequest', JSON.stringify({ ...REQUEST, durationMins: 30, untilNext: true }));
  assert.deepEqual(both, { ok: false, error: 'untilNext: give durationMins or untilNext, not both' });
  for (const bad of [false, 'yes', 1]) {
    const r = decodePayload('deviceRequest', JSON.stringify({ ...REQUEST, untilNext: bad }));
    assert.equal(r.ok, false, JSON.stringify(bad));
    assert.match(r.ok ? '' : r.error, /^untilNext: /);
  }
  assert.throws(() => encodePayload('deviceRequest', { ...REQUEST, durationMins: 30, untilNext: true }), /not both/);
});
