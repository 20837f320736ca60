import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { makeTestLan, withAvahi, type TestLan } from './netns.js';
import { until } from './wait.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../../cli/main.js');
const run = promisify(execFile);

export const ADMIN = 'fleet-admin-token-0123456789abcdef';
const ENROLL = 'fleet-enrollment-token-0123456789';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Three nodes that may serve (a, b, c) and two that only show a room (d, e); one room each. */
export const NODES = [
  { id: 'a', canServe: true },
  { id: 'b', canServe: true },
  { id: 'c', canServe: true },
  { id: 'd', canServe: false },
  { id: 'e', canServe: false },
] as const;
export type NodeId = (typeof NODES)[number]['id'];
export const roomOf = (id: NodeId): string => `room-${id}`;
export type DiscoveryMode = 'builtin' | 'avahi';

/** What a node writes to its `node.statusFile`. */
export interface NodeStatus {
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

/**
 * A site of five `doorplate node` processes, each on its own network host (a namespace on a
 * test-made bridge), with nothing configured about where the server is. `close()` kills them
 * and removes every namespace (also registered for the process's exit).
 */
export class TestFleet {
  readonly dir = mkdtempSync(join(tmpdir(), 'doorplate-fleet-'));
  readonly lan: TestLan;
  readonly site: string;
  private readonly procs = new Map<NodeId, Running>();
  private readonly onExit = (): void => this.lan.remove();

  constructor(readonly mode: DiscoveryMode) {
    this.lan = makeTestLan(NODES.length);
    this.site = `fleet-${this.lan.tag}`;
    process.once('exit', this.onExit);
  }

  index(id: NodeId): number {
    return NODES.findIndex((n) => n.id === id) + 1;
  }

  addressOf(id: NodeId): string {
    return this.lan.host(this.index(id)).address;
  }

  /** The broker URL a display uses for `leader` (its own node reaches it over loopback). */
  urlSeenBy(id: NodeId, leader: NodeId): string {
    return id === leader ? 'mqtt://127.0.0.1:1883' : `mqtt://${this.addressOf(leader)}:1883`;
  }

  start(id: NodeId): void {
    const canServe = NODES.find((n) => n.id === id)?.canServe ?? false;
    const host = this.lan.host(this.index(id));
    const nodeDir = join(this.dir, id);
    // One fleet secret for the site: standbys log in to the leader's broker with it.
    const secretFile = join(this.dir, 'fleet-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, `${createHash('sha256').update(this.site).digest('hex')}\n`, { mode: 0o600 });
    const config = {
      role: 'node',
      site: { name: this.site, timeZone: 'Europe/Berlin' },
      rooms: NODES.map((n) => ({ id: roomOf(n.id), name: `Room ${n.id.toUpperCase()}` })),
      broker: { port: 1883 },
      server: { dataDir: join(nodeDir, 'data'), http: { port: 8080 }, adminTokenHash: sha(ADMIN), enrollment: { tokenHash: sha(ENROLL), autoApprove: true } },
      node: { canServe, id, serveCapableNodes: 3, heartbeatMs: 1000, missedBeats: 3, interfaceAddress: host.address, discovery: this.mode, statusFile: join(nodeDir, 'status.json'), fleetSecret: { file: secretFile } },
      edge: { deviceId: id, credentialsFile: join(nodeDir, 'credentials.json'), enrollmentToken: ENROLL, panel: { model: 'png', path: join(nodeDir, 'panel.png') } },
    };
    mkdirSync(nodeDir, { recursive: true });
    rmSync(join(nodeDir, 'status.json'), { force: true });
    writeFileSync(join(this.dir, `${id}.json`), JSON.stringify(config));
    const log = createWriteStream(join(this.dir, `${id}.log`), { flags: 'a' });
    const prefix = this.onHost(host.ns, 'eth0');
    const child = spawn(prefix[0] as string, [...prefix.slice(1), process.execPath, CLI, 'node', '--config', join(this.dir, `${id}.json`)], {
      env: { ...process.env, DOORPLATE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.procs.set(id, { child, exited: new Promise((r) => child.once('exit', () => r())) });
  }

  /** The command prefix that runs a program on a test host (beside its own avahi-daemon in `avahi` mode). */
  onHost(ns: string, iface: string): string[] {
    return this.mode === 'avahi' ? withAvahi(ns, this.dir, iface) : ['ip', 'netns', 'exec', ns];
  }

  /** A power cut: SIGKILL, nothing said to anyone. */
  async kill(id: NodeId): Promise<void> {
    const p = this.procs.get(id);
    if (!p) return;
    p.child.kill('SIGKILL');
    await p.exited;
    this.procs.delete(id);
  }

  log(id: NodeId): string {
    return readFileSync(join(this.dir, `${id}.log`), 'utf8');
  }

  status(id: NodeId): NodeStatus | null {
    const file = join(this.dir, id, 'status.json');
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as NodeStatus;
    } catch {
      return null;
    }
  }

  /** What a node's own store holds (read-only, beside the running node: WAL lets both read). */
  query<T>(id: NodeId, sql: string, ...params: unknown[]): T[] {
    const db = new Database(join(this.dir, id, 'data', 'doorplate.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  /** Every live display shows its own room with the state `leader` holds for it, online. */
  async displaysRight(leader: NodeId): Promise<boolean> {
    for (const id of this.alive()) {
      const s = this.status(id);
      const room = await this.api(leader, 'GET', `/rooms/${roomOf(id)}`);
      const want = (room.json as { name: string; state: { status: string } | null }) ?? null;
      if (room.code !== 200 || !want.state || !s) return false;
      if (s.display.room !== want.name || s.display.status !== want.state.status || s.display.offline !== false) return false;
    }
    return true;
  }

  /** Waits until every live display enrolled at `leader`, then assigns each to its own room there. */
  async assignRooms(leader: NodeId): Promise<void> {
    for (const id of this.alive()) {
      await until(async () => {
        const r = await this.api(leader, 'GET', `/devices/${id}`);
        return r.code === 200 && (r.json as { status: string }).status === 'approved';
      }, `display ${id} to enroll at ${leader}`, 60_000);
      const put = await this.api(leader, 'PUT', `/devices/${id}/room`, { room: roomOf(id) });
      if (put.code !== 200) throw new Error(`assigning ${id} at ${leader}: ${JSON.stringify(put.json)}`);
    }
  }

  /** A display's credentials file (its per-device secret), as written by its agent. */
  credentials(id: NodeId): string | null {
    const file = join(this.dir, id, 'credentials.json');
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  }

  alive(): NodeId[] {
    return NODES.map((n) => n.id).filter((id) => this.procs.has(id));
  }

  /** The live nodes whose status file says they serve. */
  servers(): NodeId[] {
    return this.alive().filter((id) => (this.status(id)?.servingEpoch ?? null) !== null);
  }

  /** A node's HTTP API, called from the hub namespace (the test's own address on the LAN). */
  api(id: NodeId, method: string, path: string, body?: unknown): Promise<{ code: number; json: unknown }> {
    return this.call(this.lan.hub.ns, this.addressOf(id), method, path, body);
  }

  /** A node's HTTP API from inside its own host, over loopback: reachable while its LAN link is cut. */
  apiOnHost(id: NodeId, method: string, path: string, body?: unknown): Promise<{ code: number; json: unknown }> {
    return this.call(this.lan.host(this.index(id)).ns, '127.0.0.1', method, path, body);
  }

  private async call(ns: string, address: string, method: string, path: string, body?: unknown): Promise<{ code: number; json: unknown }> {
    const args = ['netns', 'exec', ns, 'curl', '-s', '-m', '5', '-o', '-', '-w', '\n%{http_code}', '-X', method, '-H', `authorization: Bearer ${ADMIN}`];
    if (body !== undefined) args.push('-H', 'content-type: application/json', '-d', JSON.stringify(body));
    args.push(`http://${address}:8080${path.startsWith('/metrics') ? '' : '/api/v1'}${path}`);
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
  }

  async close(keepLogs = false): Promise<void> {
    for (const p of this.procs.values()) p.child.kill('SIGKILL');
    await Promise.all([...this.procs.values()].map((p) => p.exited));
    this.procs.clear();
    this.lan.remove();
    process.off('exit', this.onExit);
    if (!keepLogs) rmSync(this.dir, { recursive: true, force: true });
  }
}
