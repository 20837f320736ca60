import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { DoorplateError } from '../../../shared/errors.js';
import { DoorplateMetrics } from '../../../server/metrics/doorplate-metrics.js';
import type { MetricSources } from '../../../server/metrics/metric-sources.js';

function sources(over: Partial<MetricSources> = {}): MetricSources {
  return {
    version: '1.2.3',
    providerKind: 'google',
    rooms: () => [{ id: 'ada', status: 'busy' }, { id: 'grace', status: 'free' }, { id: 'hedy', status: undefined }],
    devices: () => [{ status: 'approved', online: true }, { status: 'approved', online: false }, { status: 'pending', online: true }],
    broker: () => ({ byKind: { server: 1, device: 2 }, refused: { connect: 3, publish: 0 } }),
    retainedPublishes: () => 7,
    deviceMessagesRefused: () => 1,
    meetingsReleased: () => 0,
    noticesSent: () => 0,
    noticesResent: () => 0,
    noticesActive: () => 0,
    streamClients: () => ({ admin: 1, kiosk: 0 }),
    streamChanges: () => 5,
    outbox: () => [{ kind: 'book', state: 'pending' }, { kind: 'book', state: 'failed' }, { kind: 'book', state: 'pending' }],
    ...over,
  };
}

function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

test('metrics: one registry each, states read at scrape time, counters that only grow', async () => {
  let released = 2;
  const a = new DoorplateMetrics(sources({ meetingsReleased: () => released }), { clock: new FakeClock('2026-03-02T09:00:00Z') });
  const b = new DoorplateMetrics(sources(), { clock: new FakeClock('2026-03-02T09:00:00Z') });
  assert.notEqual(a.registry, b.registry);
  const text = await a.text();
  assert.equal(value(text, 'doorplate_build_info{version="1.2.3",nodejs="' + process.version + '",provider="google"}'), 1);
  assert.equal(value(text, 'doorplate_rooms{status="busy"}'), 1);
  assert.equal(value(text, 'doorplate_rooms{status="free"}'), 1);
  assert.equal(value(text, 'doorplate_room_busy{room="hedy"}'), 0, 'a room not computed yet counts as not taken');
  assert.equal(value(text, 'doorplate_devices{status="approved",online="true"}'), 1);
  assert.equal(value(text, 'doorplate_devices{status="revoked",online="false"}'), 0);
  assert.equal(value(text, 'doorplate_mqtt_clients{kind="device"}'), 2);
  assert.equal(value(text, 'doorplate_refusals_total{source="mqtt",reason="connect"}'), 3);
  assert.equal(value(text, 'doorplate_outbox_items{kind="book",state="pending"}'), 2);
  assert.equal(value(text, 'doorplate_outbox_items{kind="book",state="done"}'), 0);
  assert.equal(value(text, 'doorplate_meetings_released_total'), 2);
  released = 5;
  assert.equal(value(await a.text(), 'doorplate_meetings_released_total'), 5);
  assert.equal(value(await a.text(), 'doorplate_refusals_total{source="mqtt",reason="connect"}'), 3, 'not counted twice');
  assert.equal(value(await b.text(), 'doorplate_meetings_released_total'), 0);
});

test('metrics: a sync is timed, a failure counted by reason, a success stamped with the clock', async () => {
  const clock = new FakeClock('2026-03-02T09:00:00Z');
  let t = 0;
  const m = new DoorplateMetrics(sources(), { clock, elapsedMs: () => t });
  await m.timeSync('google', async () => {
    t += 300;
  });
  await assert.rejects(
    m.timeSync('google', async () => {
      t += 2000;
      throw new DoorplateError('RATE_LIMITED');
    }),
  );
  await assert.rejects(m.timeSync('google', async () => Promise.reject(new Error('socket hang up'))));
  const text = await m.text();
  assert.equal(value(text, 'doorplate_provider_sync_duration_seconds_count{provider="google"}'), 3);
  assert.equal(value(text, 'doorplate_provider_sync_duration_seconds_bucket{le="0.25",provider="google"}'), 1, 'the failure without time');
  assert.equal(value(text, 'doorplate_provider_sync_duration_seconds_bucket{le="0.5",provider="google"}'), 2);
  assert.equal(value(text, 'doorplate_provider_sync_duration_seconds_sum{provider="google"}'), 2.3);
  assert.equal(value(text, 'doorplate_provider_sync_errors_total{provider="google",reason="rate_limited"}'), 1);
  assert.equal(value(text, 'doorplate_provider_sync_errors_total{provider="google",reason="other"}'), 1);
  assert.equal(value(text, 'doorplate_provider_sync_errors_total{provider="google",reason="unavailable"}'), 0);
  assert.equal(value(text, 'doorplate_provider_last_success_timestamp_seconds{provider="google"}'), Date.parse('2026-03-02T09:00:00Z') / 1000);
});

test('metrics: the fleet lead, its epoch and the leader changes, only where the server runs in a fleet', async () => {
  let fleet = { isLeader: true, epoch: 3, leaderChanges: 1 };
  const m = new DoorplateMetrics(sources({ fleet: () => fleet }), { clock: new FakeClock('2026-03-02T09:00:00Z') });
  let text = await m.text();
  assert.equal(value(text, 'doorplate_is_leader'), 1);
  assert.equal(value(text, 'doorplate_fleet_epoch'), 3);
  assert.equal(value(text, 'doorplate_leader_changes_total'), 1);
  fleet = { isLeader: false, epoch: 4, leaderChanges: 2 };
  text = await m.text();
  assert.equal(value(text, 'doorplate_is_leader'), 0);
  assert.equal(value(text, 'doorplate_fleet_epoch'), 4);
  assert.equal(value(text, 'doorplate_leader_changes_total'), 2);
  const lone = await new DoorplateMetrics(sources(), { clock: new FakeClock('2026-03-02T09:00:00Z') }).text();
  assert.equal(value(lone, 'doorplate_is_leader'), undefined, 'a lone server has no fleet metrics');
});

test('metrics: replication lag per connected standby, the standbys, and how answers waiting for them ended', async () => {
  let standbys = [
    { nodeId: 'b', connected: true, lagEntries: 0, lagSeconds: 0 },
    { nodeId: 'c', connected: true, lagEntries: 12, lagSeconds: 1.5 },
    { nodeId: 'd', connected: false, lagEntries: 90, lagSeconds: 60 },
  ];
  const waits = { acked: 4, timeout: 1, no_standby: 0, no_quorum: 0 };
  const m = new DoorplateMetrics(sources({ replication: () => ({ standbys, waits }) }), { clock: new FakeClock('2026-03-02T09:00:00Z') });
  let text = await m.text();
  assert.equal(value(text, 'doorplate_replication_lag{standby="b",unit="entries"}'), 0);
  assert.equal(value(text, 'doorplate_replication_lag{standby="c",unit="entries"}'), 12);
  assert.equal(value(text, 'doorplate_replication_lag{standby="c",unit="seconds"}'), 1.5);
  assert.equal(value(text, 'doorplate_replication_lag{standby="d",unit="entries"}'), undefined, 'a standby not connected has no lag');
  assert.equal(value(text, 'doorplate_replication_standbys'), 2);
  assert.equal(value(text, 'doorplate_replication_waits_total{outcome="acked"}'), 4);
  assert.equal(value(text, 'doorplate_replication_waits_total{outcome="timeout"}'), 1);
  standbys = [];
  waits.acked = 6;
  text = await m.text();
  assert.equal(value(text, 'doorplate_replication_standbys'), 0);
  assert.equal(value(text, 'doorplate_replication_waits_total{outcome="acked"}'), 6);
  const off = await new DoorplateMetrics(sources({ replication: () => null }), { clock: new FakeClock('2026-03-02T09:00:00Z') }).text();
  assert.equal(value(off, 'doorplate_replication_standbys'), 0);
});
