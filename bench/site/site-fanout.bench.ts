import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, median, table } from '../table.js';
import { MiniMqtt } from './mini-mqtt.js';
import { ADMIN_TOKEN, DisplayProcesses, PREFIX, SECRET, deviceId, freePort, provisionDevices, splitCpus, startDoorplate, startMosquitto, type ClientReport } from './site-peers.js';

export interface SiteFanoutRow {
  broker: string;
  subscribers: number;
  receipts: number;
  expected: number;
  p50: number;
  p99: number;
  first: number;
  last: number;
  /** CPU time (user + system) per change of the broker's process (doorplate: the whole server, booking included) and of the display processes. */
  brokerCpuMs: number;
  displaysCpuMs: number;
  /** The machine's 1-minute load average when the measured changes began and ended (it is shared). */
  load: string;
}

/** CPU time spent during the measured changes, per change, and the machine's load meanwhile. */
class CpuTally {
  private broker = 0;
  private displays = 0;
  private count = 0;

  constructor(private readonly of: { broker: () => number; displays: () => number }) {}

  async around(work: () => Promise<void>): Promise<void> {
    const b = this.of.broker();
    const d = this.of.displays();
    await work();
    this.broker += this.of.broker() - b;
    this.displays += this.of.displays() - d;
    this.count++;
  }

  private loadAtStart: number | null = null;

  start(): void {
    this.loadAtStart = loadavg()[0] ?? 0;
  }

  get perChange(): { brokerCpuMs: number; displaysCpuMs: number; load: string } {
    return { brokerCpuMs: this.broker / this.count, displaysCpuMs: this.displays / this.count, load: `${(this.loadAtStart ?? 0).toFixed(1)}-${(loadavg()[0] ?? 0).toFixed(1)}` };
  }
}

const DISPLAY_PROCS = 4;
const GAP_MS = 500;
/**
 * Changes made on each broker before the measured ones (a booking and its cancellation): the
 * server's first booking after start runs code not compiled yet, which a running site has long
 * done. It is measured apart, once, in the README.
 */
const WARM_UP = 2;
const now = (): number => performance.timeOrigin + performance.now();

/**
 * One room state change -> every display of the room, each display its own process-light
 * client with its own credentials, in four processes apart from the broker. doorplate is timed
 * twice: from the API call that books or frees the room (the booking, its durable commit and
 * the publish), and from the moment the server handed the room state to its broker (read from
 * its /metrics after each change), which compares with Mosquitto timed from a client's PUBLISH
 * of a retained state (followed, as from doorplate, by the room's agenda). Both go out at QoS 0,
 * as the server publishes them (shared/api/topics.ts), so both brokers deliver at QoS 0 to the
 * displays, which subscribe at QoS 1 as the agent does.
 */
export async function runSiteFanout(subscribers: number, changes = 20, serverNodeArgs: readonly string[] = []): Promise<SiteFanoutRow[]> {
  const ids = Array.from({ length: subscribers }, (_, i) => deviceId(i));
  const rooms = ids.map(() => 'hall');
  const cpus = splitCpus();
  return [...(await doorplateRun(ids, rooms, changes, serverNodeArgs, cpus)), await mosquittoRun(ids, rooms, changes, cpus)];
}

type Cpus = ReturnType<typeof splitCpus>;

/**
 * Where the broker and the displays run, for the table's title. Sharing 2 CPUs, the display
 * processes took CPU from the broker and the server's own work (the booking, its HTTP answer)
 * delayed the displays' reads: a broker that does more than relay paid twice.
 */
export function fanoutCpuLayout(): string {
  const cpus = splitCpus();
  return cpus ? `the broker's process on CPU ${cpus.broker}, the displays on CPU ${cpus.displays}` : 'broker and displays sharing the CPUs';
}

/**
 * When the server last handed a room state to its broker, from its metrics (ms since the epoch).
 * The server's clock counts whole milliseconds (Date.now(), rounded down): the hand-over was
 * somewhere in the millisecond it reports, so its middle is taken. Taken as reported, every
 * delay would count on average half a millisecond before the hand-over, which the Mosquitto
 * side, timed with a sub-millisecond clock, does not.
 */
async function statePublishedAt(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^doorplate_room_state_published_seconds (\S+)$/m.exec(text);
  if (!m?.[1]) throw new Error('the server reports no room state publish');
  return Math.round(Number(m[1]) * 1000) + 0.5;
}

async function doorplateRun(ids: string[], rooms: string[], changes: number, nodeArgs: readonly string[], cpus: Cpus): Promise<SiteFanoutRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-fanout-'));
  provisionDevices(dir, rooms);
  const server = await startDoorplate(dir, ['hall'], { mqtt: await freePort(), http: await freePort() }, nodeArgs, cpus?.broker);
  try {
    const displays = await DisplayProcesses.start({ host: '127.0.0.1', port: server.mqttPort, prefix: PREFIX, secret: SECRET, reconnect: false }, ids, rooms, DISPLAY_PROCS, cpus?.displays);
    const api = `http://127.0.0.1:${server.httpPort}/api/v1`;
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const triggers: number[] = [];
    const published: number[] = [];
    let meeting = '';
    const change = async (k: number): Promise<void> => {
      if (k % 2 === 0) {
        const r = await fetch(`${api}/meetings`, { method: 'POST', headers, body: JSON.stringify({ room: 'hall', durationMins: 30 }) });
        if (!r.ok) throw new Error(`book failed: ${r.status} ${await r.text()}`);
        meeting = ((await r.json()) as { meeting: { id: string } }).meeting.id;
      } else {
        const r = await fetch(`${api}/meetings/${encodeURIComponent(meeting)}`, { method: 'DELETE', headers: { authorization: headers.authorization } });
        if (!r.ok) throw new Error(`cancel failed: ${r.status}`);
      }
      await sleep(GAP_MS);
    };
    await sleep(GAP_MS);
    for (let k = 0; k < WARM_UP; k++) await change(k);
    const cpu = new CpuTally({ broker: () => server.cpuMs(), displays: () => displays.cpuMs() });
    cpu.start();
    for (let k = 0; k < changes; k++) {
      triggers.push(now());
      await cpu.around(() => change(k));
      published.push(await statePublishedAt(`http://127.0.0.1:${server.httpPort}`));
      if ((published[k] ?? 0) < (triggers[k] ?? 0)) throw new Error(`change ${k} published no room state`);
    }
    const report = await displays.report();
    await displays.stop();
    return [
      { ...summarise('doorplate, from the API call', ids.length, changes, triggers, report), ...cpu.perChange },
      { ...summarise('doorplate, from the state publish', ids.length, changes, triggers, report, published), ...cpu.perChange },
    ];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mosquittoRun(ids: string[], rooms: string[], changes: number, cpus: Cpus): Promise<SiteFanoutRow> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-mosq-'));
  const broker = await startMosquitto(dir, rooms, cpus?.broker);
  try {
    const displays = await DisplayProcesses.start({ host: '127.0.0.1', port: broker.mqttPort, prefix: PREFIX, secret: SECRET, reconnect: false }, ids, rooms, DISPLAY_PROCS, cpus?.displays);
    const pub = new MiniMqtt({ host: '127.0.0.1', port: broker.mqttPort, clientId: 'publisher', username: 'publisher', password: SECRET });
    await pub.connect();
    const triggers: number[] = [];
    const change = async (k: number): Promise<void> => {
      // A room change is two messages, as doorplate sends them: the state, then the agenda.
      pub.publish(`${PREFIX}/rooms/hall/state`, stateLike(k % 2 === 0), true);
      pub.publish(`${PREFIX}/rooms/hall/agenda`, agendaLike(k % 2 === 0 ? 1 : 0), true);
      await sleep(GAP_MS);
    };
    await sleep(GAP_MS);
    for (let k = 0; k < WARM_UP; k++) await change(k);
    const cpu = new CpuTally({ broker: () => broker.cpuMs(), displays: () => displays.cpuMs() });
    cpu.start();
    for (let k = 0; k < changes; k++) {
      triggers.push(now());
      await cpu.around(() => change(k));
    }
    pub.end();
    const report = await displays.report();
    await displays.stop();
    return { ...summarise('Mosquitto', ids.length, changes, triggers, report), ...cpu.perChange };
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each receipt belongs to the last change triggered before it; its delay counts from `origins` (default: the trigger). */
function summarise(broker: string, subscribers: number, changes: number, triggers: readonly number[], report: ClientReport, origins: readonly number[] = triggers): Omit<SiteFanoutRow, 'brokerCpuMs' | 'displaysCpuMs' | 'load'> {
  const delays: number[] = [];
  const perChange: number[][] = triggers.map(() => []);
  for (const times of report.receipts) {
    for (const t of times) {
      let k = triggers.length - 1;
      while (k >= 0 && (triggers[k] ?? Infinity) > t) k--;
      if (k < 0) continue;
      const d = t - (origins[k] ?? 0);
      delays.push(d);
      perChange[k]?.push(d);
    }
  }
  const sorted = delays.sort((a, b) => a - b);
  const firsts = perChange.filter((c) => c.length).map((c) => Math.min(...c));
  const lasts = perChange.filter((c) => c.length).map((c) => Math.max(...c));
  return { broker, subscribers, receipts: delays.length, expected: subscribers * changes, p50: percentile(sorted, 50), p99: percentile(sorted, 99), first: median(firsts), last: median(lasts) };
}

export function formatSiteFanout(rows: readonly SiteFanoutRow[]): string {
  const body = rows.map((r) => [r.broker, r.subscribers, `${r.receipts}/${r.expected}`, r.p50, r.p99, r.first, r.last, r.brokerCpuMs, r.displaysCpuMs, r.load]);
  const pairs: Array<Array<string | number>> = [];
  for (const b of rows.filter((r) => r.broker === 'Mosquitto')) {
    for (const a of rows.filter((r) => r.broker !== 'Mosquitto' && r.subscribers === b.subscribers)) {
      pairs.push([`ratio ${a.broker.replace('doorplate, ', '')} / Mosquitto`, a.subscribers, '', a.p50 / b.p50, a.p99 / b.p99, a.first / b.first, a.last / b.last, a.brokerCpuMs / b.brokerCpuMs, a.displaysCpuMs / b.displaysCpuMs, '']);
    }
  }
  return table(['broker', 'subscribers', 'receipts', 'p50 ms', 'p99 ms', 'first ms (median)', 'last ms (median)', 'broker CPU ms/change', 'displays CPU ms/change', 'load (1 min)'], [...body, ...pairs]);
}

/** A room state of the size doorplate publishes for the room, busy with the booked meeting or free. */
function stateLike(busy: boolean): string {
  const meeting = { id: 'api:3f1c2b7e-0d4e-4a51-9b7a-2f0c5d1e8a90', title: 'Booked now', organizer: null, start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:30:00.000Z', allDay: false, status: 'confirmed', private: false, checkInRequired: false, checkedInAt: null };
  const end = busy ? meeting.end : null;
  return JSON.stringify({ room: 'hall', status: busy ? 'busy' : 'free', current: busy ? meeting : null, next: null, freeUntil: null, busyUntil: end, checkIn: null, nextChangeAt: end ?? '2026-03-03T00:00:00.000Z', stale: false });
}

/** An agenda of the size doorplate publishes for the room (`events` meetings). */
function agendaLike(events: number): string {
  const event = { id: 'api:3f1c2b7e-0d4e-4a51-9b7a-2f0c5d1e8a90', start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:30:00.000Z', title: 'Booked now', organizer: null, status: 'confirmed', bookedVia: 'api', checkInRequired: false, checkedInAt: null, allDay: false };
  return JSON.stringify({ room: 'hall', timeZone: 'UTC', from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T09:00:00.000Z', events: Array.from({ length: events }, () => event) });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
