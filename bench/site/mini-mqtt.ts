import { connect, type Socket } from 'node:net';

/**
 * A minimal MQTT 3.1.1 subscriber for the site-scale benchmarks: CONNECT with credentials,
 * SUBSCRIBE, PUBLISH in (QoS 0 and 1), PINGREQ. Thousands of them share one process, so it
 * keeps no more than a socket and a parse buffer each; a full client library would dominate
 * the 2-core machine the broker is measured on.
 */
export interface MiniMqttOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  keepaliveSecs?: number;
}

export type PublishHandler = (topic: string, payload: Buffer, retained: boolean) => void;

export class MiniMqtt {
  private socket: Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, () => void>();
  private connack: ((code: number) => void) | null = null;
  private ping: NodeJS.Timeout | null = null;
  onPublish: PublishHandler = () => undefined;
  onClose: () => void = () => undefined;

  constructor(private readonly opts: MiniMqttOptions) {}

  /** Resolves once CONNACK accepted the login; rejects with the return code otherwise. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: this.opts.host, port: this.opts.port });
      this.socket = s;
      s.setNoDelay(true);
      s.on('connect', () => s.write(this.connectPacket()));
      s.on('data', (d) => this.onData(d));
      s.on('error', (err) => reject(err));
      s.on('close', () => {
        if (this.ping) clearInterval(this.ping);
        this.ping = null;
        this.socket = null;
        reject(new Error('closed before CONNACK'));
        this.onClose();
      });
      this.connack = (code) => {
        if (code !== 0) {
          reject(new Error(`CONNACK ${code}`));
          s.destroy();
          return;
        }
        const ka = this.opts.keepaliveSecs ?? 60;
        this.ping = setInterval(() => this.socket?.write(Buffer.from([0xc0, 0x00])), (ka * 1000) / 2);
        resolve();
      };
    });
  }

  subscribe(filters: readonly string[], qos: 0 | 1 = 0): Promise<void> {
    const id = this.nextId++;
    const body = Buffer.concat([u16(id), ...filters.map((f) => Buffer.concat([str(f), Buffer.from([qos])]))]);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket?.write(packet(0x82, body));
    });
  }

  publish(topic: string, payload: string | Buffer, retain = false): void {
    this.socket?.write(packet(0x30 | (retain ? 1 : 0), Buffer.concat([str(topic), Buffer.from(payload)])));
  }

  get connected(): boolean {
    return this.socket !== null && this.connack === null;
  }

  end(): void {
    this.socket?.end(Buffer.from([0xe0, 0x00]));
  }

  destroy(): void {
    this.socket?.destroy();
  }

  private connectPacket(): Buffer {
    let flags = 0x02; // clean session
    const payload = [str(this.opts.clientId)];
    if (this.opts.username !== undefined) {
      flags |= 0x80;
      payload.push(str(this.opts.username));
    }
    if (this.opts.password !== undefined) {
      flags |= 0x40;
      payload.push(str(this.opts.password));
    }
    const vh = Buffer.concat([str('MQTT'), Buffer.from([4, flags]), u16(this.opts.keepaliveSecs ?? 60)]);
    return packet(0x10, Buffer.concat([vh, ...payload]));
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const header = readHeader(this.buf);
      if (!header) return;
      const { type, flags, start, length } = header;
      const body = this.buf.subarray(start, start + length);
      this.buf = this.buf.subarray(start + length);
      this.handle(type, flags, body);
    }
  }

  private handle(type: number, flags: number, body: Buffer): void {
    if (type === 2) {
      const cb = this.connack;
      this.connack = null;
      cb?.(body[1] ?? 255);
    } else if (type === 9) {
      const id = body.readUInt16BE(0);
      this.pending.get(id)?.();
      this.pending.delete(id);
    } else if (type === 3) {
      const qos = (flags >> 1) & 3;
      const tlen = body.readUInt16BE(0);
      const topic = body.subarray(2, 2 + tlen).toString();
      let off = 2 + tlen;
      if (qos > 0) {
        const id = body.readUInt16BE(off);
        off += 2;
        this.socket?.write(Buffer.concat([Buffer.from([0x40, 0x02]), u16(id)]));
      }
      this.onPublish(topic, body.subarray(off), (flags & 1) === 1);
    }
  }
}

function readHeader(b: Buffer): { type: number; flags: number; start: number; length: number } | null {
  if (b.length < 2) return null;
  let length = 0;
  let mult = 1;
  let i = 1;
  for (;;) {
    const byte = b[i];
    if (byte === undefined) return null;
    length += (byte & 0x7f) * mult;
    mult *= 128;
    i++;
    if ((byte & 0x80) === 0) break;
  }
  if (b.length < i + length) return null;
  const first = b[0] ?? 0;
  return { type: first >> 4, flags: first & 0x0f, start: i, length };
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function str(s: string): Buffer {
  const v = Buffer.from(s);
  return Buffer.concat([u16(v.length), v]);
}

function packet(first: number, body: Buffer): Buffer {
  const len: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    len.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([first, ...len]), body]);
}
