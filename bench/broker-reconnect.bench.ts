import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqttPacket from 'mqtt-packet';
import { connectAsync } from 'mqtt';
import { table } from './table.js';

/**
 * A reconnect storm against the embedded broker in its own process: every room's state and
 * agenda and every display's config retained, then all displays connect at once, each with
 * its own credentials, and subscribe to what a display subscribes to. Measured: the time until
 * every display holds its three retained messages, and the broker's CPU time per display.
 * Minimal clients (raw sockets), so the clients weigh little on the machine.
 */
export interface ReconnectRow {
  retained: string;
  devices: number;
  rooms: number;
  seconds: number;
  cpuMsPerDevice: number;
}

const CONCURRENT = 200;

function filters(i: number, rooms: number): string[] {
  const d = `doorplate/devices/d${i}`;
  const r = `r${i % rooms}`;
  return [`${d}/config`, `${d}/response/+`, `${d}/enrollment`, 'doorplate/notify/all', `doorplate/notify/devices/d${i}`, 'doorplate/server/availability', `doorplate/rooms/${r}/state`, `doorplate/rooms/${r}/agenda`, `doorplate/notify/rooms/${r}`];
}

/** One display: connect, subscribe, resolve when its config, state and agenda arrived. */
function display(port: number, i: number, rooms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parser = mqttPacket.parser();
    let retained = 0;
    parser.on('packet', (p) => {
      if (p.cmd === 'connack') {
        if ((p as { returnCode?: number }).returnCode !== 0) return reject(new Error(`d${i} refused`));
        socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: filters(i, rooms).map((topic) => ({ topic, qos: 0 })) }));
      } else if (p.cmd === 'publish' && (p as { topic: string }).topic !== 'doorplate/server/availability') {
        retained += 1;
        if (retained === 3) {
          socket.end();
          resolve();
        }
      }
    });
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', reject);
    socket.on('connect', () =>
      socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60, clientId: `d${i}`, username: `d${i}`, password: Buffer.from(`secret-d${i}`) })),
    );
  });
}

async function runOnce(devices: number, rooms: number, plain: boolean): Promise<ReconnectRow> {
  const script = fileURLToPath(new URL('./broker-reconnect-child.js', import.meta.url));
  const proc = spawn(process.execPath, [script, String(devices), String(rooms), plain ? 'plain' : 'indexed'], { env: { ...process.env, DOORPLATE_LOG_LEVEL: 'silent' } });
  const lines: Array<(l: string) => void> = [];
  createInterface({ input: proc.stdout }).on('line', (l) => lines.shift()?.(l));
  const next = (): Promise<string> => new Promise((r) => lines.push(r));
  const ask = (what: string): Promise<string> => {
    const p = next();
    proc.stdin.write(`${what}\n`);
    return p;
  };
  const { port } = JSON.parse(await next()) as { port: number };
  try {
    const server = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'doorplate-server-bench', username: '$server', password: 'bench-server-password-0123456789' });
    const state = JSON.stringify({ status: 'free', filler: 'x'.repeat(300) });
    for (let r = 0; r < rooms; r++) {
      await server.publishAsync(`doorplate/rooms/r${r}/state`, state, { qos: 1, retain: true });
      await server.publishAsync(`doorplate/rooms/r${r}/agenda`, state, { qos: 1, retain: true });
    }
    for (let i = 0; i < devices; i++) await server.publishAsync(`doorplate/devices/d${i}/config`, state, { qos: 1, retain: true });
    const before = (JSON.parse(await ask('cpu')) as { cpuMs: number }).cpuMs;
    const t0 = performance.now();
    // At most CONCURRENT connecting at once: the listen backlog would reset the rest.
    let nextDevice = 0;
    const worker = async (): Promise<void> => {
      while (nextDevice < devices) await display(port, nextDevice++, rooms);
    };
    await Promise.all(Array.from({ length: CONCURRENT }, worker));
    const seconds = (performance.now() - t0) / 1000;
    const after = (JSON.parse(await ask('cpu')) as { cpuMs: number }).cpuMs;
    await server.endAsync();
    return { retained: plain ? 'every topic tested' : 'exact-topic lookup', devices, rooms, seconds, cpuMsPerDevice: (after - before) / devices };
  } finally {
    proc.stdin.write('stop\n');
    await new Promise((r) => proc.once('exit', r));
  }
}

export async function runReconnectBench(devices: number, rooms: number): Promise<ReconnectRow[]> {
  return [await runOnce(devices, rooms, true), await runOnce(devices, rooms, false)];
}

export function formatReconnect(rows: readonly ReconnectRow[]): string {
  return table(['retained messages', 'displays', 'rooms', 'all back (s)', 'broker CPU ms / display'], rows.map((r) => [r.retained, r.devices, r.rooms, r.seconds, r.cpuMsPerDevice]));
}
