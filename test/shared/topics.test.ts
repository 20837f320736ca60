import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_PREFIX,
  TOPICS,
  TopicError,
  decodePayload,
  encodePayload,
  filterOf,
  parseTopic,
  topicOf,
  type ParamsOf,
  type TopicName,
} from '../../shared/api/index.js';
import type { RoomState } from '../../shared/model/room-state.js';

const NAMES = Object.keys(TOPICS) as TopicName[];

/** Parameters for any topic: sample ids, and a real verb where the template has one. */
function sampleParams<N extends TopicName>(name: N, room = 'atlas-3.1', device = 'pi_7'): ParamsOf<N> {
  const params: Record<string, string> = {};
  for (const [, key] of TOPICS[name].template.matchAll(/\{(\w+)\}/g)) {
    params[key as string] = key === 'verb' ? 'checkin' : key === 'room' ? room : device;
  }
  return params as ParamsOf<N>;
}

test('topics: topicOf fills the template under the prefix', () => {
  assert.equal(topicOf(DEFAULT_PREFIX, 'roomState', { room: 'atlas' }), 'doorplate/rooms/atlas/state');
  assert.equal(topicOf('site/b', 'deviceRequest', { device: 'pi-1', verb: 'book' }), 'site/b/devices/pi-1/request/book');
  assert.equal(topicOf(DEFAULT_PREFIX, 'serverAvailability', {}), 'doorplate/server/availability');
});

test('topics: topicOf refuses ids that would escape their level or match as wildcards', () => {
  for (const bad of ['a/b', 'a+', '+', '#', 'room#1', '', '../x', 'with space']) {
    assert.throws(() => topicOf(DEFAULT_PREFIX, 'roomState', { room: bad }), TopicError, `room ${JSON.stringify(bad)}`);
    assert.throws(() => topicOf(DEFAULT_PREFIX, 'deviceHello', { device: bad }), TopicError, `device ${JSON.stringify(bad)}`);
  }
  assert.throws(() => topicOf(DEFAULT_PREFIX, 'deviceRequest', { device: 'pi-1', verb: 'reboot' }), /verb "reboot" is not a valid verb/);
  assert.throws(() => topicOf(DEFAULT_PREFIX, 'roomState', {} as ParamsOf<'roomState'>), /missing parameter room/);
});

test('topics: parseTopic round-trips every topic in the table', () => {
  for (const prefix of [DEFAULT_PREFIX, 'acme/hq']) {
    for (const name of NAMES) {
      const params = sampleParams(name);
      const topic = topicOf(prefix, name, params);
      assert.deepEqual(parseTopic(prefix, topic), { name, params }, topic);
    }
  }
});

test('topics: every template is distinct, so a topic parses to one name', () => {
  const topics = NAMES.map((n) => topicOf(DEFAULT_PREFIX, n, sampleParams(n)));
  assert.equal(new Set(topics).size, NAMES.length);
});

test('topics: parseTopic refuses other prefixes and unknown shapes', () => {
  assert.equal(parseTopic('doorplate', 'other/rooms/atlas/state'), null);
  assert.equal(parseTopic('doorplate', 'doorplatex/rooms/atlas/state'), null);
  assert.equal(parseTopic('doorplate', 'doorplate/rooms/atlas/state/extra'), null);
  assert.equal(parseTopic('doorplate', 'doorplate/rooms/atlas'), null);
  assert.equal(parseTopic('doorplate', 'doorplate/rooms//state'), null);
  assert.equal(parseTopic('doorplate', 'doorplate'), null);
});

test('topics: filterOf leaves unnamed parameters open', () => {
  assert.equal(filterOf(DEFAULT_PREFIX, 'roomState'), 'doorplate/rooms/+/state');
  assert.equal(filterOf(DEFAULT_PREFIX, 'deviceRequest', { device: 'pi-1' }), 'doorplate/devices/pi-1/request/+');
  assert.equal(filterOf(DEFAULT_PREFIX, 'notifyAll'), 'doorplate/notify/all');
});

test('topics: retained topics are the ones the contract says', () => {
  const retained = NAMES.filter((n) => TOPICS[n].retain).sort();
  assert.deepEqual(retained, ['deviceAvailability', 'deviceConfig', 'devicePresence', 'roomAgenda', 'roomState', 'serverAvailability']);
});

test('topics: a presence report is a boolean and when it changed; anything else is refused with where and why', () => {
  assert.equal(topicOf(DEFAULT_PREFIX, 'devicePresence', { device: 'pi-1' }), 'doorplate/devices/pi-1/presence');
  const ok = decodePayload('devicePresence', JSON.stringify({ present: true, since: '2026-03-02T09:00:00.000Z' }));
  assert.deepEqual(ok, { ok: true, value: { present: true, since: '2026-03-02T09:00:00.000Z' } });
  const bad = decodePayload('devicePresence', JSON.stringify({ present: 1, since: '2026-03-02T09:00:00.000Z', extra: 1 }));
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /present: .*boolean/);
  assert.match(bad.ok ? '' : bad.error, /extra/);
});

const state: RoomState = {
  room: 'atlas',
  status: 'busy',
  current: {
    id: 'e1',
    title: null,
    organizer: 'ana@example.com',
    start: '2026-03-02T09:00:00+01:00',
    end: '2026-03-02T10:00:00+01:00',
    allDay: false,
    status: 'confirmed',
    private: false,
    checkInRequired: false,
    checkedInAt: null,
  },
  next: null,
  freeUntil: null,
  busyUntil: '2026-03-02T09:00:00.000Z',
  checkIn: null,
  nextChangeAt: '2026-03-02T09:00:00.000Z',
  stale: false,
};

test('payloads: a valid payload encodes and decodes to itself', () => {
  const raw = encodePayload('roomState', state);
  assert.deepEqual(JSON.parse(raw.toString('utf8')), state);
  assert.deepEqual(decodePayload('roomState', raw), { ok: true, value: state });
  assert.deepEqual(decodePayload('roomState', raw.toString('utf8')), { ok: true, value: state });
  const request = { transaction: 'tx-00000001', pressedAt: '2026-03-02T09:00:00Z', expiresAt: '2026-03-02T09:01:00Z', durationMins: 30 };
  assert.deepEqual(decodePayload('deviceRequest', JSON.stringify(request)), { ok: true, value: request });
});

test('payloads: non-JSON is refused with a reason', () => {
  for (const raw of ['', 'online', '{"room": ', Buffer.from([0xff, 0xfe])]) {
    const r = decodePayload('roomState', raw);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /^payload: not JSON \(/);
  }
});

test('payloads: schema violations say path and message', () => {
  const bad = { ...state, status: 'closed', current: { ...state.current, start: 'nine o\'clock' } };
  const r = decodePayload('roomState', JSON.stringify(bad));
  assert.equal(r.ok, false);
  if (r.ok) return;
  const parts = r.error.split('; ');
  assert.deepEqual(parts.map((p) => p.split(':')[0]).sort(), ['current.start', 'status']);
  for (const p of parts) assert.match(p, /^[\w.]+: \S/);

  const top = decodePayload('deviceHello', '[]');
  assert.equal(top.ok, false);
  if (!top.ok) assert.match(top.error, /^payload: /);

  const refined = decodePayload('deviceRequest', JSON.stringify({ transaction: 'tx-00000001', pressedAt: '2026-03-02T09:01:00Z', expiresAt: '2026-03-02T09:00:00Z' }));
  assert.deepEqual(refined, { ok: false, error: 'expiresAt: must be after pressedAt' });

  const nested = decodePayload('deviceHello', JSON.stringify({ model: 'pi', panel: { model: 'x', width: 0, height: 1, colors: 'bw' }, buttons: [], leds: [], versions: { agent: '1', node: '22' }, address: null, uptimeSec: 1, enrolling: false }));
  assert.equal(nested.ok, false);
  if (!nested.ok) assert.match(nested.error, /^panel\.width: /);
});

test('payloads: encodePayload refuses what decodePayload would refuse', () => {
  assert.throws(() => encodePayload('roomState', { ...state, stale: 'no' } as unknown as RoomState));
});

test('payloads: availability is plain text, not JSON', () => {
  assert.equal(encodePayload('serverAvailability', 'online').toString('utf8'), 'online');
  assert.equal(encodePayload('deviceAvailability', 'offline').toString('utf8'), 'offline');
  assert.deepEqual(decodePayload('deviceAvailability', Buffer.from('offline')), { ok: true, value: 'offline' });
  assert.deepEqual(decodePayload('serverAvailability', 'online'), { ok: true, value: 'online' });
  for (const raw of ['"online"', 'Online', 'online\n', '']) {
    const r = decodePayload('serverAvailability', raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    if (!r.ok) assert.match(r.error, /^payload: /);
  }
});
