import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { SystemClock } from '../../shared/clock.js';
import { Store } from '../../server/store/store.js';
import { parseConfig } from '../../shared/config/load.js';
import type { RoomConfig } from '../../shared/config/schema.js';
import { sha256Hex } from '../../server/security/secrets.js';
import type { ClientsSpec } from './clients-child.js';

/**
 * The processes of the site-scale benchmarks: the real `doorplate server` CLI, Debian's
 * Mosquitto with the same accounts and per-room read rules, and processes of simulated
 * displays. Everything listens on loopback ports picked free at start.
 */
export const PREFIX = 'doorplate';
export const SECRET = 'bench-device-secret-000000000000000000000';
export const ADMIN_TOKEN = 'bench-admin-token-00000000000000000000000';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Which CPUs the broker and the displays run on, for a benchmark that keeps them apart: at a
 * site the displays are machines of their own and never take the broker's CPU, nor the broker
 * theirs. The broker gets the first CPU, the displays the others; null on a machine with one
 * CPU or without `taskset`, where everything shares what there is.
 */
export function splitCpus(): { broker: string; displays: string } | null {
  const n = cpus().length;
  if (n < 2) return null;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { broker: '0', displays: n === 2 ? '1' : `1-${n - 1}` };
}

/** Binds every thread of a process (and those it starts later) to a CPU list. */
function pin(pid: number | undefined, cpuList: string | undefined): void {
  if (pid === undefined || cpuList === undefined) return;
  execFileSync('taskset', ['-a', '-cp', cpuList, String(pid)], { stdio: 'ignore' });
}

export const deviceId = (i: number): string => `bench-${String(i).padStart(5, '0')}`;
export const roomId = (i: number): string => `room-${String(i).padStart(4, '0')}`;

/** Approved devices with the bench secret, each in its room, written before the server starts. */
export function provisionDevices(dataDir: string, rooms: readonly string[]): void {
  mkdirSync(dataDir, { recursive: true });
  const store = Store.open({ path: join(dataDir, 'doorplate.db'), clock: new SystemClock() });
  const hash = sha256Hex(SECRET);
  store.transaction(() => {
    store.rooms.upsertFromConfig(roomConfigs([...new Set(rooms)]));
    rooms.forEach((room, i) => {
      const id = deviceId(i);
      store.devices.getOrCreatePending(id, null, null);
      store.devices.approve(id);
      store.devices.assignRoom(id, room);
      store.devices.setSecretHash(id, hash);
    });
  });
  store.close();
}

function roomConfigs(ids: readonly string[]): RoomConfig[] {
  const config = parseConfig({ site: { timeZone: 'UTC' }, rooms: ids.map((id) => ({ id, name: id })) });
  return [...config.rooms];
}

export interface RunningServer {
  proc: ChildProcess;
  mqttPort: number;
  httpPort: number;
  /** When its MQTT port first accepted a connection (ms, wall clock). */
  mqttListeningAt: number;
  /** utime + stime of the process at that moment, in ms. */
  cpuMsAtListen: number;
  /** utime + stime of the process so far, in ms. */
  cpuMs(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

function stopper(proc: ChildProcess): (signal?: NodeJS.Signals) => Promise<void> {
  return (signal = 'SIGTERM') =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
}

/** `doorplate server` as its own process on the given data folder. */
export async function startDoorplate(dataDir: string, rooms: readonly string[], ports: { mqtt: number; http: number }, nodeArgs: readonly string[] = [], cpuList?: string): Promise<RunningServer> {
  const configFile = join(dataDir, 'server.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      role: 'server',
      site: { timeZone: 'UTC' },
      rooms: rooms.map((id) => ({ id, name: id })),
      broker: { host: '127.0.0.1', port: ports.mqtt, prefix: PREFIX },
      server: { dataDir, http: { host: '127.0.0.1', port: ports.http }, adminTokenHash: sha256Hex(ADMIN_TOKEN) },
    }),
  );
  const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
  const proc = spawn(process.execPath, [...nodeArgs, main, 'server', '--config', configFile], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DOORPLATE_LOG_LEVEL: 'silent' } });
  pin(proc.pid, cpuList);
  await waitForPort(ports.mqtt);
  const mqttListeningAt = performance.timeOrigin + performance.now();
  const cpuMsAtListen = cpuMsOf(proc.pid);
  await waitForHttp(ports.http);
  return { proc, mqttPort: ports.mqtt, httpPort: ports.http, mqttListeningAt, cpuMsAtListen, cpuMs: () => cpuMsOf(proc.pid), stop: stopper(proc) };
}

async function waitForHttp(port: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('the server never became healthy');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Debian's Mosquitto with one hashed password per device and read rules for its own room. */
export async function startMosquitto(dir: string, rooms: readonly string[], cpuList?: string): Promise<RunningServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const passwd = join(dir, 'passwd');
  const acl = join(dir, 'acl');
  writeFileSync(passwd, [`publisher:${SECRET}`, ...rooms.map((_, i) => `${deviceId(i)}:${SECRET}`)].join('\n') + '\n');
  execFileSync('mosquitto_passwd', ['-U', passwd]);
  const rules = [`user publisher`, `topic readwrite ${PREFIX}/#`, ''];
  rooms.forEach((room, i) => {
    const id = deviceId(i);
    rules.push(`user ${id}`, `topic read ${PREFIX}/devices/${id}/#`, `topic read ${PREFIX}/rooms/${room}/#`, `topic read ${PREFIX}/notify/#`, '');
  });
  writeFileSync(acl, rules.join('\n'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwd}`, `acl_file ${acl}`, 'persistence false', 'max_connections -1',
    // Run as root (CI), Mosquitto would drop to its own user, which cannot read a private temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    '',
  ].join('\n'));
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  pin(proc.pid, cpuList);
  await waitForPort(port);
  return { proc, mqttPort: port, httpPort: 0, mqttListeningAt: performance.timeOrigin + performance.now(), cpuMsAtListen: cpuMsOf(proc.pid), cpuMs: () => cpuMsOf(proc.pid), stop: stopper(proc) };
}

export interface ClientReport {
  receipts: number[][];
  back: Array<number | null>;
  lost: Array<number | null>;
  reconnects: number;
  failures: number;
}

/** Simulated displays split over `procs` processes. */
export class DisplayProcesses {
  private readonly children: Array<{ proc: ChildProcess; lines: AsyncIterator<string> }> = [];

  static async start(base: Omit<ClientsSpec, 'ids' | 'rooms'>, ids: readonly string[], rooms: readonly string[], procs: number, cpuList?: string): Promise<DisplayProcesses> {
    const out = new DisplayProcesses();
    const file = fileURLToPath(new URL('./clients-child.js', import.meta.url));
    const per = Math.ceil(ids.length / procs);
    for (let p = 0; p < procs; p++) {
      const spec: ClientsSpec = { ...base, ids: ids.slice(p * per, (p + 1) * per), rooms: rooms.slice(p * per, (p + 1) * per) };
      if (spec.ids.length === 0) continue;
      const proc = spawn(process.execPath, [file, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
      pin(proc.pid, cpuList);
      const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
      out.children.push({ proc, lines });
    }
    for (const c of out.children) {
      const first = await c.lines.next();
      if (first.done || !String(first.value).startsWith('ready')) throw new Error(`a display process did not get ready: ${String(first.value)}`);
    }
    return out;
  }

  /** utime + stime of every display process so far, in ms. */
  cpuMs(): number {
    return this.children.reduce((sum, c) => sum + cpuMsOf(c.proc.pid), 0);
  }

  async report(): Promise<ClientReport> {
    const all: ClientReport = { receipts: [], back: [], lost: [], reconnects: 0, failures: 0 };
    for (const c of this.children) {
      c.proc.stdin?.write('report\n');
      const line = await c.lines.next();
      const r = JSON.parse(String(line.value)) as ClientReport;
      all.receipts.push(...r.receipts);
      all.back.push(...r.back);
      all.lost.push(...r.lost);
      all.reconnects += r.reconnects;
      all.failures += r.failures;
    }
    return all;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.proc.exitCode !== null) return resolve();
            c.proc.once('exit', () => resolve());
            c.proc.stdin?.write('exit\n');
          }),
      ),
    );
  }
}
