import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

/** A fixed header announcing `remaining` bytes for a packet of MQTT type `type` (no body). */
export function fixedHeader(type: number, remaining: number): Buffer {
  const bytes = [type << 4];
  let n = remaining;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

export function connectPacket(clientId: string, username?: string, password?: string): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    keepalive: 60,
    clientId,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password: Buffer.from(password) } : {}),
  });
}

export function subscribePacket(filter: string): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 0 }] });
}

export interface RawClient {
  socket: Socket;
  /** Resolves when the broker (or anyone) closed the connection. */
  closed: Promise<void>;
  /** Every packet the broker sent, parsed. */
  packets: mqttPacket.Packet[];
  waitFor(cmd: string): Promise<mqttPacket.Packet>;
}

export function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parser = mqttPacket.parser();
    const packets: mqttPacket.Packet[] = [];
    let waiters: { cmd: string; resolve: (p: mqttPacket.Packet) => void }[] = [];
    parser.on('packet', (p) => {
      packets.push(p);
      waiters = waiters.filter((w) => (w.cmd === p.cmd ? (w.resolve(p), false) : true));
    });
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () =>
      resolve({
        socket,
        closed,
        packets,
        waitFor: (cmd) => {
          const seen = packets.find((p) => p.cmd === cmd);
          return seen ? Promise.resolve(seen) : new Promise((r) => waiters.push({ cmd, resolve: r }));
        },
      }),
    );
    socket.once('error', reject);
  });
}

/** Writes `total` filler bytes as fast as the socket takes them, until done or closed. */
export function pour(socket: Socket, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !socket.destroyed) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
}
