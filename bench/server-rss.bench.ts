import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqttPacket from 'mqtt-packet';
import { mib, table } from './table.js';

/** Which build of the code a child runs: the bundle the units run (dist/bundle/), or the compiled modules (dist/). */
export type Code = 'bundle' | 'modules';

export function childPath(name: string, code: Code): string {
  return fileURLToPath(new URL(code === 'bundle' ? `../bundle/${name}.js` : `./${name}.js`, import.meta.url));
}

export interface RssRow {
  code: Code;
  rooms: number;
  devices: number;
  events: number;
  rssMiB: number;
  privateMiB: number | null;
  heapMiB: number;
  startSecs: number;
}

/** At most this many displays connecting at once: the listen backlog would reset the rest. */
const CONCURRENT = 200;

/**
 * One display that stays connected: it logs in with its own credentials, subscribes to what a
 * display subscribes to, and resolves once its room's retained state and agenda arrived.
 * A raw socket, so 2,000 of them weigh little on the machine.
 */
function display(port: number, i: number, room: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parser = mqttPacket.parser();
    const d = `doorplate/devices/d${i}`;
    const r = `doorplate/rooms/${room}`;
    const wanted = new Set([`${r}/state`, `${r}/agenda`]);
    parser.on('packet', (p) => {
      if (p.cmd === 'connack') {
        if ((p as { returnCode?: number }).returnCode !== 0) return reject(new Error(`d${i} refused`));
        const topics = [`${d}/config`, `${d}/response/+`, 'doorplate/notify/all', `doorplate/notify/devices/d${i}`, 'doorplate/server/availability', `${r}/state`, `${r}/agenda`, `doorplate/notify/rooms/${room}`];
        socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: topics.map((topic) => ({ topic, qos: 0 })) }));
      } else if (p.cmd === 'publish' && wanted.delete((p as { topic: string }).topic) && wanted.size === 0) {
        resolve(socket);
      }
    });
    socket.on('data', (data) => parser.parse(data));
    socket.on('error', reject);
    socket.on('connect', () =>
      socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 600, clientId: `d${i}`, username: `d${i}`, password: Buffer.from(`secret-d${i}`) })),
    );
  });
}

/**
 * Each size in a fresh process, so one measurement does not carry the last one's heap. With
 * `devices`, that many displays are connected (from this process) before the server measures.
 */
export async function runServerRssBench(sizes: readonly number[], nodeArgs: readonly string[] = [], env: Record<string, string> = {}, devices = 0, code: Code = 'bundle'): Promise<RssRow[]> {
  const child = childPath('server-rss-child', code);
  const rows: RssRow[] = [];
  for (const rooms of sizes) {
    const proc = spawn(process.execPath, ['--expose-gc', ...nodeArgs, child, String(rooms), String(devices)], { env: { ...process.env, DOORPLATE_LOG_LEVEL: 'silent', ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    const waiting: Array<(l: string) => void> = [];
    createInterface({ input: proc.stdout }).on('line', (l) => {
      const w = waiting.shift();
      if (w) w(l);
      else lines.push(l);
    });
    const next = (): Promise<string> => new Promise((r) => (lines.length > 0 ? r(lines.shift() ?? '') : waiting.push(r)));
    const exited = new Promise<number | null>((r) => proc.once('exit', r));
    const sockets: Socket[] = [];
    try {
      if (devices > 0) {
        const { port, rooms: ids } = JSON.parse(await next()) as { port: number; rooms: string[] };
        let nextDevice = 0;
        const worker = async (): Promise<void> => {
          for (let i = nextDevice++; i < devices; i = nextDevice++) sockets.push(await display(port, i, ids[i % ids.length] ?? ''));
        };
        await Promise.all(Array.from({ length: CONCURRENT }, worker));
        proc.stdin.write('measure\n');
      }
      const r = JSON.parse(await next()) as { rooms: number; events: number; rss: number; privateBytes: number | null; heapUsed: number; startSecs: number };
      rows.push({ code, rooms: r.rooms, devices, events: r.events, rssMiB: mib(r.rss), privateMiB: r.privateBytes === null ? null : mib(r.privateBytes), heapMiB: mib(r.heapUsed), startSecs: r.startSecs });
    } finally {
      for (const s of sockets) s.destroy();
      proc.stdin.end();
    }
    if ((await exited) !== 0) throw new Error(`server-rss child for ${rooms} rooms failed`);
  }
  return rows;
}

export function formatServerRss(rows: readonly RssRow[]): string {
  return table(
    ['code', 'rooms', 'displays connected', 'events stored', 'RSS MiB', 'private MiB', 'heap used MiB', 'start (s)'],
    rows.map((r) => [r.code, r.rooms, r.devices, r.events, r.rssMiB, r.privateMiB ?? '-', r.heapMiB, r.startSecs]),
  );
}
