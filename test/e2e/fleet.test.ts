import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODES, roomOf, TestFleet, type DiscoveryMode, type NodeId } from '../helpers/fleet.js';
import { avahiUnavailable, netnsUnavailable } from '../helpers/netns.js';
import { until } from '../helpers/wait.js';

const here = dirname(fileURLToPath(import.meta.url));

/** What `GET /api/v1/fleet` answers (the parts this test reads). */
interface FleetView {
  replication: { standbys: Array<{ id: string; connected: boolean; syncing: boolean; lagEntries: number }> };
}

const unavailable = netnsUnavailable();
const noAvahi = unavailable ?? avahiUnavailable();

/**
 * `builtin`: the in-process mDNS stack on each host. `avahi`: an avahi-daemon with its own
 * system bus on each host, as on Raspberry Pi OS, published and browsed through it.
 */
for (const mode of ['builtin', 'avahi'] as const) {
  const skip = mode === 'avahi' ? noAvahi : unavailable;
  test(`fleet (${mode} mDNS): separate hosts elect one server, every display finds it; kill -9 of the leader, a cut link and a stale announcement`, { skip: skip ? `cannot build the test hosts here (${skip})` : false, timeout: 180_000 }, async (t) => {
    await fleetScenario(mode, t);
  });
}

async function fleetScenario(mode: DiscoveryMode, t: TestContext): Promise<void> {
  const fleet = new TestFleet(mode);
  t.after(async () => {
    const keep = Boolean(process.env.DOORPLATE_KEEP_FLEET_LOGS);
    if (keep) console.log(`fleet logs kept in ${fleet.dir}`);
    await fleet.close(keep);
  });
  const site = fleet.site;

  const assignRooms = (leader: NodeId): Promise<void> => fleet.assignRooms(leader);
  const displaysRight = (leader: NodeId): Promise<boolean> => fleet.displaysRight(leader);

  // --- boot: nobody is told where the server is (generous bounds: CI runs this beside other tests) ---
  const t0 = Date.now();
  for (const n of NODES) fleet.start(n.id);
  await until(() => fleet.servers().length === 1, 'one node to serve', 40_000);
  const first = fleet.servers()[0] as NodeId;
  const firstEpoch = fleet.status(first)?.servingEpoch ?? 0;
  assert.equal(first, 'a', 'equal priorities: the lowest id leads');
  assert.ok(firstEpoch >= 1);
  for (const id of fleet.alive()) {
    await until(() => {
      const s = fleet.status(id);
      return s !== null && s.server === fleet.urlSeenBy(id, first);
    }, `display ${id} to find the server by discovery`, 30_000);
  }
  await assignRooms(first);
  const booked = await fleet.api(first, 'POST', '/meetings', { room: roomOf('d'), durationMins: 30, title: 'Fleet check' });
  assert.equal(booked.code, 201, JSON.stringify(booked.json));
  await until(() => displaysRight(first), 'every display to show its room\'s state', 60_000);
  assert.equal(fleet.status('d')?.display.status, 'busy', 'the booked room shows busy');
  assert.equal(fleet.status('e')?.display.status, 'free');
  const bootMs = Date.now() - t0;

  // --- kill -9 the leader: its store lives on in its standbys ---------------------------------
  const standbysOf = async (leader: NodeId): Promise<FleetView['replication']['standbys']> => {
    const r = await fleet.api(leader, 'GET', '/fleet');
    return r.code === 200 ? (r.json as FleetView).replication.standbys : [];
  };
  const inSync = async (leader: NodeId, ids: readonly NodeId[]): Promise<boolean> => {
    const list = await standbysOf(leader);
    return ids.every((id) => list.some((s) => s.id === id && s.connected && !s.syncing && s.lagEntries === 0));
  };
  const standbyIds = fleet.alive().filter((id) => id !== first && NODES.find((n) => n.id === id)?.canServe);
  await until(() => inSync(first, standbyIds), `${standbyIds.join(' and ')} to follow ${first}'s store`, 30_000);
  const secretsBefore = new Map(fleet.alive().filter((id) => id !== first).map((id) => [id, fleet.credentials(id)]));
  const lastBooking = await fleet.api(first, 'POST', '/meetings', { room: roomOf('e'), durationMins: 30, title: 'Booked just before the kill' });
  assert.equal(lastBooking.code, 201, JSON.stringify(lastBooking.json));
  const lastId = (lastBooking.json as { meeting: { id: string } }).meeting.id;
  // From the kill on, every display is sampled: while it says it is online it must show its own
  // room, in the state it showed before or the one it shows once the new leader serves.
  const watched = fleet.alive().filter((id) => id !== first);
  const shownBefore = new Map<NodeId, string | null>(watched.map((id) => [id, fleet.status(id)?.display.status ?? null]));
  const samples: Array<{ id: NodeId; room: string | null; status: string | null }> = [];
  const sampler = setInterval(() => {
    for (const id of watched) {
      const s = fleet.status(id);
      if (s && s.display.offline === false) samples.push({ id, room: s.display.room, status: s.display.status });
    }
  }, 100);
  const killedAt = Date.now();
  await fleet.kill(first);
  await until(() => fleet.servers().length === 1 && fleet.servers()[0] !== first, 'a new node to serve', 30_000);
  const second = fleet.servers()[0] as NodeId;
  const servingMs = Date.now() - killedAt;
  // Both standbys held every acknowledged booking: the one holding the most of a's history leads
  // (b by its id when they are level; c when it had applied a later background change).
  assert.ok(standbyIds.includes(second), `a standby of ${first} leads, not ${second}`);
  assert.match(fleet.log(second), new RegExp(`"epoch":\\d+,"position":\\{"epoch":${firstEpoch},"seq":\\d+\\}.*"msg":"took the lead"`), `${second} took the lead with its position in ${first}'s history`);
  assert.ok((fleet.status(second)?.servingEpoch ?? 0) > firstEpoch, 'under a higher epoch');
  for (const id of fleet.alive()) {
    await until(() => {
      const s = fleet.status(id);
      return s !== null && s.server === fleet.urlSeenBy(id, second);
    }, `display ${id} to find the new server`, 30_000);
  }
  // The new leader serves the replicated store: no display enrolls again, none is assigned again.
  await until(() => displaysRight(second), 'every display to show its room\'s state from the new server', 30_000).finally(() => clearInterval(sampler));
  const rightMs = Date.now() - killedAt;
  const wrong = samples.filter((x) => {
    const final = fleet.status(x.id)?.display;
    return x.room !== final?.room || (x.status !== shownBefore.get(x.id) && x.status !== final?.status);
  });
  assert.deepEqual(wrong.slice(0, 5), [], `a display showed a wrong state while online (${wrong.length} of ${samples.length} samples)`);
  assert.equal(fleet.status('e')?.display.status, 'busy', 'the booking made just before the kill shows');
  const meetings = await fleet.api(second, 'GET', `/meetings?room=${roomOf('e')}`);
  assert.equal((meetings.json as { current: { id: string } | null }).current?.id, lastId, 'the booking made just before the kill is on the new leader, same id');
  for (const [id, secret] of secretsBefore) assert.equal(fleet.credentials(id), secret, `display ${id} kept its secret`);
  assert.doesNotMatch(fleet.log(second), /device secret issued/, 'no display enrolled again');
  const metrics = String((await fleet.api(second, 'GET', '/metrics')).json);
  assert.match(metrics, /^doorplate_is_leader 1$/m);
  assert.match(metrics, new RegExp(`^doorplate_fleet_epoch ${fleet.status(second)?.servingEpoch}$`, 'm'));
  assert.match(metrics, /^doorplate_leader_changes_total 1$/m, 'b saw the lead move from a to itself');
  t.diagnostic(`fleet (${mode}): boot to right state ${bootMs} ms; after kill -9 of ${first}: ${second} serves in ${servingMs} ms, displays right in ${rightMs} ms (no enrollment, no assignment; ${samples.length} online samples of the displays, none wrong)`);

  // --- the old leader comes back: it follows the higher epoch, and its store the new leader's ---
  fleet.start(first);
  await until(() => fleet.status(first)?.election?.role === 'follower' && fleet.status(first)?.election?.leaderId === second, `${first} to rejoin as a standby`, 30_000);
  const secondEpoch = fleet.status(second)?.servingEpoch ?? 0;
  assert.equal(fleet.status(first)?.election?.epoch, secondEpoch, 'it took the higher epoch');
  assert.equal(JSON.parse(readFileSync(join(fleet.dir, first, 'data', 'fleet-epoch.json'), 'utf8')).epoch, secondEpoch, 'and persisted it');
  assert.deepEqual(fleet.servers(), [second], 'the serving node keeps the lead');
  const onSecond = await fleet.api(second, 'POST', '/meetings', { room: roomOf('c'), durationMins: 30, title: 'Booked on the new leader' });
  assert.equal(onSecond.code, 201, JSON.stringify(onSecond.json));
  const onSecondEvent = (onSecond.json as { meeting: { eventId: string } }).meeting.eventId;
  const othersOf = (leader: NodeId): NodeId[] => NODES.filter((n) => n.canServe && n.id !== leader).map((n) => n.id);
  await until(() => inSync(second, othersOf(second)), `${othersOf(second).join(' and ')} to follow ${second}'s store`, 30_000);
  assert.equal(fleet.query(first, 'SELECT id FROM events WHERE room_id = ? AND id = ?', roomOf('c'), onSecondEvent).length, 1, `${first} holds the booking made on ${second}`);
  assert.match(String((await fleet.api(second, 'GET', '/metrics')).json), /^doorplate_replication_lag\{standby="a",unit="entries"\} 0$/m);

  // --- cut the leader's cable: it steps down, the majority elects, never two serve at once ---
  const overlap: string[] = [];
  const watch = setInterval(() => {
    const now = fleet.servers();
    if (now.length > 1) overlap.push(now.join('+'));
  }, 100);
  const cutAt = Date.now();
  fleet.lan.setLink(fleet.index(second), false);
  const slot = { room: roomOf('a'), durationMins: 30, title: 'Booked during the split' };
  let onCut: { code: number; json: unknown };
  try {
    // The cut leader is asked (over its own loopback) for a room and slot before it steps down:
    // no standby can hold the booking, so it is not acknowledged.
    onCut = await fleet.apiOnHost(second, 'POST', '/meetings', slot);
    await until(() => (fleet.status(second)?.servingEpoch ?? null) === null, `${second} to step down without a majority`, 30_000);
    // Whichever of the two holds more of the history leads (a by its id when they are level).
    await until(() => fleet.servers().length === 1 && othersOf(second).includes(fleet.servers()[0] as NodeId), 'one of the majority to serve', 30_000);
  } finally {
    clearInterval(watch);
  }
  const third = fleet.servers()[0] as NodeId;
  const cutMs = Date.now() - cutAt;
  assert.deepEqual(overlap, [], 'two nodes served at once');
  const onMajority = await fleet.api(third, 'POST', '/meetings', slot);
  assert.equal(onMajority.code, 201, `the majority's leader books the room: ${JSON.stringify(onMajority.json)}`);
  assert.notEqual(onCut.code, 201, `the cut leader acknowledged a booking for the same room and slot: ${JSON.stringify(onCut.json)}`);
  if (onCut.code !== 0) assert.equal((onCut.json as { error?: { code?: string } }).error?.code, 'NOT_REPLICATED', JSON.stringify(onCut.json));
  assert.ok((fleet.status(third)?.servingEpoch ?? 0) > secondEpoch);
  fleet.lan.setLink(fleet.index(second), true);
  await until(() => fleet.status(second)?.election?.leaderId === third && fleet.status(second)?.election?.role === 'follower', `${second} to follow after the link is back`, 30_000);
  t.diagnostic(`fleet (${mode}): link of ${second} cut: ${third} serves after ${cutMs} ms, no overlap seen (sampled every 100 ms from the status files); the cut leader answered the same slot with ${onCut.code} ${(onCut.json as { error?: { code?: string } } | null)?.error?.code ?? ''}`);

  // --- a stale announcement on the LAN is ignored by the displays ---------------------------
  const thirdEpoch = fleet.status(third)?.servingEpoch ?? 0;
  for (const id of ['d', 'e'] as const) {
    await until(() => fleet.status(id)?.server === `mqtt://${fleet.addressOf(third)}:1883`, `display ${id} to find ${third}`, 30_000);
  }
  const announcer = join(fleet.dir, 'stale.mjs');
  writeFileSync(
    announcer,
    `const { CiaoPublisher } = await import(${JSON.stringify(resolve(here, '../../shared/fleet/mdns-builtin.js'))});
const { AvahiPublisher } = await import(${JSON.stringify(resolve(here, '../../shared/fleet/avahi-cli.js'))});
const { silentLogger } = await import(${JSON.stringify(resolve(here, '../../shared/logger.js'))});
const p = ${mode === 'avahi' ? 'new AvahiPublisher({ log: silentLogger() })' : `new CiaoPublisher({ log: silentLogger(), interfaceAddress: ${JSON.stringify(fleet.lan.hub.address)} })`};
await p.publish({ site: ${JSON.stringify(site)}, epoch: 1, nodeId: 'stale', host: ${JSON.stringify(fleet.lan.hub.address)}, port: 1883, tls: false });
console.log('announced');
setInterval(() => undefined, 1000);
`,
  );
  const hubPrefix = fleet.onHost(fleet.lan.hub.ns, 'br0');
  const stale = spawn(hubPrefix[0] as string, [...hubPrefix.slice(1), process.execPath, announcer], { stdio: ['ignore', 'pipe', 'inherit'] });
  const staleExit = new Promise<void>((r) => stale.once('exit', () => r()));
  try {
    let said = '';
    stale.stdout?.on('data', (c: Buffer) => (said += c.toString()));
    await until(() => said.includes('announced'), 'the stale announcement', 15_000);
    for (const id of ['d', 'e'] as const) {
      await until(() => fleet.log(id).includes('"server":"stale","epoch":1'), `display ${id} to see and ignore the stale announcement`, 20_000);
      assert.match(fleet.log(id), /"server":"stale","epoch":1,.*"msg":"ignored a server announcing a stale epoch"/);
      assert.equal(fleet.status(id)?.discovered, `mqtt://${fleet.addressOf(third)}:1883`, `epoch ${thirdEpoch} stays the choice over the stale epoch 1`);
      assert.equal(fleet.status(id)?.server, `mqtt://${fleet.addressOf(third)}:1883`);
    }
  } finally {
    stale.kill('SIGKILL');
    await staleExit;
  }
}
