import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqttPacket from 'mqtt-packet';
import { mib, table } from './table.js';
import { fixedHeader } from '../test/server/broker/raw-mqtt.js';

/**
 * The unauthenticated-memory attack on the embedded broker, against a broker in its own
 * process: four sockets each announcing a 200 MB CONNECT and sending as fast as they can for
 * 4.5 s, then an enrolling client's 100 MB PUBLISH to a topic it may not use. RSS is read from
 * the broker process before, at its peak and after the sockets closed.
 */
export interface AttackRow {
  phase: string;
  rssMiB: number;
  /** Attack sockets the broker closed before the attacker did. */
  droppedByBroker: number;
}

class Child {
  private readonly waiting: Array<(line: string) => void> = [];
  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on('line', (line) => this.waiting.shift()?.(line));
  }
  ask(what: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(`${what}\n`);
    });
  }
  first(): Promise<string> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  async rss(): Promise<number> {
    return (JSON.parse(await this.ask('rss')) as { rss: number }).rss;
  }
}

function flood(port: number, head: Buffer, total: number, ms: number, onClosedByPeer: () => void): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    let mine = false;
    const finish = (): void => {
      if (socket.destroyed) return;
      mine = true;
      socket.destroy();
    };
    const timer = setTimeout(finish, ms);
    const pump = (): void => {
      while (sent < total && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (!mine) onClosedByPeer();
      resolve();
    });
  });
}

async function peakDuring(child: Child, work: Promise<unknown>): Promise<number> {
  let peak = await child.rss();
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    peak = Math.max(peak, await child.rss());
    await new Promise((r) => setTimeout(r, 100));
  }
  return Math.max(peak, await child.rss());
}

export async function runBrokerAttack(): Promise<AttackRow[]> {
  const script = fileURLToPath(new URL('./broker-attack-child.js', import.meta.url));
  const proc = spawn(process.execPath, ['--expose-gc', script], { env: { ...process.env, DOORPLATE_LOG_LEVEL: 'silent' } });
  const child = new Child(proc);
  const { port } = JSON.parse(await child.first()) as { port: number };
  const rows: AttackRow[] = [];
  try {
    await new Promise((r) => setTimeout(r, 300));
    rows.push({ phase: 'idle', rssMiB: mib(await child.rss()), droppedByBroker: 0 });

    let dropped = 0;
    const connects = Array.from({ length: 4 }, () => flood(port, fixedHeader(1, 200 * 1024 * 1024), 200 * 1024 * 1024, 4500, () => dropped++));
    rows.push({ phase: '4 x 200 MB CONNECT (peak)', rssMiB: mib(await peakDuring(child, Promise.all(connects))), droppedByBroker: dropped });
    await new Promise((r) => setTimeout(r, 1000));
    await child.ask('gc');
    rows.push({ phase: 'after they closed', rssMiB: mib(await child.rss()), droppedByBroker: dropped });

    // An enrolling client (valid token) that sends a 100 MB PUBLISH after its CONNECT.
    dropped = 0;
    const connect = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      clientId: 'attacker1',
      username: 'enroll:attacker1',
      password: Buffer.from('bench-enrollment-token-0123456789'),
    });
    const topic = Buffer.from('doorplate/devices/d1/hello');
    const varHeader = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), topic]);
    const size = 100 * 1024 * 1024;
    const head = Buffer.concat([connect, fixedHeader(3, varHeader.length + size), varHeader]);
    const publish = flood(port, head, size, 10_000, () => dropped++);
    rows.push({ phase: '100 MB PUBLISH (peak)', rssMiB: mib(await peakDuring(child, publish)), droppedByBroker: dropped });
    await new Promise((r) => setTimeout(r, 1000));
    await child.ask('gc');
    rows.push({ phase: 'after it closed', rssMiB: mib(await child.rss()), droppedByBroker: dropped });
  } finally {
    proc.stdin.write('stop\n');
    await new Promise((r) => proc.once('exit', r));
  }
  return rows;
}

export function formatBrokerAttack(rows: readonly AttackRow[]): string {
  return table(['phase', 'broker RSS MiB', 'sockets dropped by the broker'], rows.map((r) => [r.phase, r.rssMiB, r.droppedByBroker]));
}
