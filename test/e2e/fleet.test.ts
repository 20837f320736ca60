import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { avahiUnavailable, makeTestLan, netnsUnavailable, withAvahi, type TestLan } from '../helpers/netns.js';
import { until } from '../helpers/wait.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../../cli/main.js');
const run = promisify(execFile);

const ADMIN = 'fleet-admin-token-0123456789abcdef';
const ENROLL = 'fleet-enrollment-token-0123456789';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Three nodes that may serve (a, b, c) and two that only show a room (d, e); one room each. */
const NODES = [
  { id: 'a', canServe: true },
  { id: 'b', canServe: true },
  { id: 'c', canServe: true },
  { id: 'd', canServe: false },
  { id: 'e', canServe: false },
] as const;
type NodeId = (typeof NODES)[number]['id'];
const roomOf = (id: NodeId): string => `room-${id}`;

interface NodeStatus {
  election: { role: string; epoch: number; leaderId: string | null } | null;
  servingEpoch: number | null;
  server: string | null;
  discovered: string | null;
  display: { phase: string | null; room: string | null; status: string | null; offline: boolean | null };
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
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

async function fleetScenario(mode: 'builtin' | 'avahi', t: TestContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-fleet-'));
  let lan: TestLan | null = null;
  const procs = new Map<NodeId, Running>();
  const stopAll = async (): Promise<void> => {
    for (const p of procs.values()) p.child.kill('SIGKILL');
    await Promise.all([...procs.values()].map((p) => p.exited));
    procs.clear();
  };
  // Removed also when the test fails or the runner is interrupted.
  const onExit = (): void => lan?.remove();
  process.once('exit', onExit);
  t.after(async () => {
    await stopAll();
    lan?.remove();
    process.off('exit', onExit);
    if (process.env.DOORPLATE_KEEP_FLEET_LOGS) console.log(`fleet logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
  lan = makeTestLan(NODES.length);
  const site = `fleet-${lan.tag}`;
  const addressOf = (id: NodeId): string => lan!.host(NODES.findIndex((n) => n.id === id) + 1).address;

  const start = (id: NodeId, canServe: boolean): void => {
    const i = NODES.findIndex((n) => n.id === id) + 1;
    const host = lan!.host(i);
    const nodeDir = join(dir, id);
    const config = {
      role: 'node',
      site: { name: site, timeZone: 'Europe/Berlin' },
      rooms: NODES.map((n) => ({ id: roomOf(n.id), name: `Room ${n.id.toUpperCase()}` })),
      broker: { port: 1883 },
      server: { dataDir: join(nodeDir, 'data'), http: { port: 8080 }, adminTokenHash: sha(ADMIN), enrollment: { tokenHash: sha(ENROLL), autoApprove: true } },
      node: { canServe, id, serveCapableNodes: 3, heartbeatMs: 1000, missedBeats: 3, interfaceAddress: host.address, discovery: mode, statusFile: join(nodeDir, 'status.json') },
      edge: { deviceId: id, credentialsFile: join(nodeDir, 'credentials.json'), enrollmentToken: ENROLL, panel: { model: 'png', path: join(nodeDir, 'panel.png') } },
    };
    mkdirSync(nodeDir, { recursive: true });
    rmSync(join(nodeDir, 'status.json'), { force: true });
    writeFileSync(join(dir, `${id}.json`), JSON.stringify(config));
    const log = createWriteStream(join(dir, `${id}.log`), { flags: 'a' });
    const prefix = mode === 'avahi' ? withAvahi(host.ns, dir) : ['ip', 'netns', 'exec', host.ns];
    const child = spawn(prefix[0] as string, [...prefix.slice(1), process.execPath, CLI, 'node', '--config', join(dir, `${id}.json`)], {
      env: { ...process.env, DOORPLATE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    procs.set(id, { child, exited: new Promise((r) => child.once('exit', () => r())) });
  };

  const status = (id: NodeId): NodeStatus | null => {
    const file = join(dir, id, 'status.json');
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as NodeStatus;
    } catch {
      return null;
    }
  };
  const alive = (): NodeId[] => NODES.map((n) => n.id).filter((id) => procs.has(id));
  const servers = (): NodeId[] => alive().filter((id) => (status(id)?.servingEpoch ?? null) !== null);

  /** The admin API of a node, called from the hub namespace (the test's own address on the LAN). */
  const api = async (id: NodeId, method: string, path: string, body?: unknown): Promise<{ code: number; json: unknown }> => {
    const args = ['netns', 'exec', lan!.hub.ns, 'curl', '-s', '-m', '5', '-o', '-', '-w', '\n%{http_code}', '-X', method, '-H', `authorization: Bearer ${ADMIN}`];
    if (body !== undefined) args.push('-H', 'content-type: application/json', '-d', JSON.stringify(body));
    args.push(`http://${addressOf(id)}:8080${path.startsWith('/metrics') ? '' : '/api/v1'}${path}`);
    const { stdout } = await run('ip', args).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '\n0' }));
    const cut = stdout.lastIndexOf('\n');
    const text = stdout.slice(0, cut);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { code: Number(stdout.slice(cut + 1)), json };
  };

  /** Assigns each live display to its room on the serving node once it has enrolled there. */
  const assignRooms = async (leader: NodeId): Promise<void> => {
    for (const id of alive()) {
      await until(async () => {
        const r = await api(leader, 'GET', `/devices/${id}`);
        return r.code === 200 && (r.json as { status: string }).status === 'approved';
      }, `display ${id} to enroll at ${leader}`, 30_000);
      const put = await api(leader, 'PUT', `/devices/${id}/room`, { room: roomOf(id) });
      assert.equal(put.code, 200, JSON.stringify(put.json));
    }
  };

  /** Every live display shows its own room with the state the serving node holds for it, online. */
  const displaysRight = async (leader: NodeId): Promise<boolean> => {
    for (const id of alive()) {
      const s = status(id);
      const room = await api(leader, 'GET', `/rooms/${roomOf(id)}`);
      const want = (room.json as { name: string; state: { status: string } | null }) ?? null;
      if (room.code !== 200 || !want.state || !s) return false;
      if (s.display.room !== want.name || s.display.status !== want.state.status || s.display.offline !== false) return false;
    }
    return true;
  };

  // --- boot: nobody is told where the server is -------------------------------------------
  const t0 = Date.now();
  for (const n of NODES) start(n.id, n.canServe);
  await until(() => servers().length === 1, 'one node to serve', 40_000);
  const first = servers()[0] as NodeId;
  const firstEpoch = status(first)?.servingEpoch ?? 0;
  assert.equal(first, 'a', 'equal priorities: the lowest id leads');
  assert.ok(firstEpoch >= 1);
  for (const id of alive()) {
    await until(() => {
      const s = status(id);
      return s !== null && (id === first ? s.server === 'mqtt://127.0.0.1:1883' : s.server === `mqtt://${addressOf(first)}:1883`);
    }, `display ${id} to find the server by discovery`, 30_000);
  }
  await assignRooms(first);
  const booked = await api(first, 'POST', '/meetings', { room: roomOf('d'), durationMins: 30, title: 'Fleet check' });
  assert.equal(booked.code, 201, JSON.stringify(booked.json));
  await until(() => displaysRight(first), 'every display to show its room\'s state', 30_000);
  assert.equal(status('d')?.display.status, 'busy', 'the booked room shows busy');
  assert.equal(status('e')?.display.status, 'free');
  const bootMs = Date.now() - t0;

  // --- kill -9 the leader ---------------------------------------------------------------
  const killedAt = Date.now();
  procs.get(first)?.child.kill('SIGKILL');
  await procs.get(first)?.exited;
  procs.delete(first);
  await until(() => servers().length === 1 && servers()[0] !== first, 'a new node to serve', 30_000);
  const second = servers()[0] as NodeId;
  const servingMs = Date.now() - killedAt;
  assert.equal(second, 'b', 'the next best leads');
  assert.ok((status(second)?.servingEpoch ?? 0) > firstEpoch, 'under a higher epoch');
  for (const id of alive()) {
    await until(() => {
      const s = status(id);
      return s !== null && (id === second ? s.server === 'mqtt://127.0.0.1:1883' : s.server === `mqtt://${addressOf(second)}:1883`);
    }, `display ${id} to find the new server`, 30_000);
  }
  // The new leader starts from its own store (no replication yet): the displays enroll again
  // with the site token (auto-approved) and are assigned again.
  const metrics = String((await api(second, 'GET', '/metrics')).json);
  assert.match(metrics, /^doorplate_is_leader 1$/m);
  assert.match(metrics, new RegExp(`^doorplate_fleet_epoch ${status(second)?.servingEpoch}$`, 'm'));
  assert.match(metrics, /^doorplate_leader_changes_total 1$/m, 'b saw the lead move from a to itself');
  await assignRooms(second);
  await until(() => displaysRight(second), 'every display to show its room\'s state from the new server', 30_000);
  const rightMs = Date.now() - killedAt;
  t.diagnostic(`fleet (${mode}): boot to right state ${bootMs} ms; after kill -9 of ${first}: ${second} serves in ${servingMs} ms, displays right in ${rightMs} ms (rooms assigned again by the test)`);

  // --- the old leader comes back: it follows the higher epoch -------------------------------
  start(first, true);
  await until(() => status(first)?.election?.role === 'follower' && status(first)?.election?.leaderId === second, `${first} to rejoin as a standby`, 30_000);
  const secondEpoch = status(second)?.servingEpoch ?? 0;
  assert.equal(status(first)?.election?.epoch, secondEpoch, 'it took the higher epoch');
  assert.equal(JSON.parse(readFileSync(join(dir, first, 'data', 'fleet-epoch.json'), 'utf8')).epoch, secondEpoch, 'and persisted it');
  assert.deepEqual(servers(), [second], 'the serving node keeps the lead');

  // --- cut the leader's cable: it steps down, the majority elects, never two serve at once ---
  const overlap: string[] = [];
  const watch = setInterval(() => {
    const now = servers();
    if (now.length > 1) overlap.push(now.join('+'));
  }, 100);
  const cutAt = Date.now();
  lan.setLink(NODES.findIndex((n) => n.id === second) + 1, false);
  try {
    await until(() => (status(second)?.servingEpoch ?? null) === null, `${second} to step down without a majority`, 30_000);
    await until(() => servers().length === 1 && servers()[0] === first, `${first} to serve for the majority`, 30_000);
  } finally {
    clearInterval(watch);
  }
  const cutMs = Date.now() - cutAt;
  assert.deepEqual(overlap, [], 'two nodes served at once');
  assert.ok((status(first)?.servingEpoch ?? 0) > secondEpoch);
  lan.setLink(NODES.findIndex((n) => n.id === second) + 1, true);
  await until(() => status(second)?.election?.leaderId === first && status(second)?.election?.role === 'follower', `${second} to follow after the link is back`, 30_000);
  t.diagnostic(`fleet (${mode}): link of ${second} cut: ${first} serves after ${cutMs} ms, no overlap seen (sampled every 100 ms from the status files)`);

  // --- a stale announcement on the LAN is ignored by the displays ---------------------------
  const third = first;
  const thirdEpoch = status(third)?.servingEpoch ?? 0;
  for (const id of ['d', 'e'] as const) {
    await until(() => status(id)?.server === `mqtt://${addressOf(third)}:1883`, `display ${id} to find ${third}`, 30_000);
  }
  const announcer = join(dir, 'stale.mjs');
  writeFileSync(
    announcer,
    `const { CiaoPublisher } = await import(${JSON.stringify(resolve(here, '../../shared/fleet/mdns-builtin.js'))});
const { AvahiPublisher } = await import(${JSON.stringify(resolve(here, '../../shared/fleet/avahi-cli.js'))});
const { silentLogger } = await import(${JSON.stringify(resolve(here, '../../shared/logger.js'))});
const p = ${mode === 'avahi' ? 'new AvahiPublisher({ log: silentLogger() })' : `new CiaoPublisher({ log: silentLogger(), interfaceAddress: ${JSON.stringify(lan.hub.address)} })`};
await p.publish({ site: ${JSON.stringify(site)}, epoch: 1, nodeId: 'stale', host: ${JSON.stringify(lan.hub.address)}, port: 1883, tls: false });
console.log('announced');
setInterval(() => undefined, 1000);
`,
  );
  const hubPrefix = mode === 'avahi' ? withAvahi(lan.hub.ns, dir, 'br0') : ['ip', 'netns', 'exec', lan.hub.ns];
  const stale = spawn(hubPrefix[0] as string, [...hubPrefix.slice(1), process.execPath, announcer], { stdio: ['ignore', 'pipe', 'inherit'] });
  const staleExit = new Promise<void>((r) => stale.once('exit', () => r()));
  try {
    let said = '';
    stale.stdout?.on('data', (c: Buffer) => (said += c.toString()));
    await until(() => said.includes('announced'), 'the stale announcement', 15_000);
    for (const id of ['d', 'e'] as const) {
      await until(() => readFileSync(join(dir, `${id}.log`), 'utf8').includes('"server":"stale","epoch":1'), `display ${id} to see and ignore the stale announcement`, 20_000);
      assert.match(readFileSync(join(dir, `${id}.log`), 'utf8'), /"server":"stale","epoch":1,.*"msg":"ignored a server announcing a stale epoch"/);
      assert.equal(status(id)?.discovered, `mqtt://${addressOf(third)}:1883`, `epoch ${thirdEpoch} stays the choice over the stale epoch 1`);
      assert.equal(status(id)?.server, `mqtt://${addressOf(third)}:1883`);
    }
  } finally {
    stale.kill('SIGKILL');
    await staleExit;
  }
}
