import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { BrokerDirectory } from '../../../server/broker/authenticator.js';
import { sha256Hex } from '../../../server/security/secrets.js';

export interface DeviceRecord {
  status: 'pending' | 'approved' | 'revoked';
  secretHash: string | null;
  roomId: string | null;
  secretConfirmed?: boolean;
  enrollKeyHash?: string | null;
}

/** A directory held in memory; tests change it while clients stay connected. */
export class MemoryDirectory implements BrokerDirectory {
  readonly devices = new Map<string, DeviceRecord>();
  inspectorList: { username: string; passwordHash: string }[] = [];
  enrollmentHash: string | null = null;
  anonymous = false;
  /** sha256 of the fleet secret standbys log in with; null = none may. */
  standbyHash: string | null = null;

  constructor(private readonly serverPassword: string) {}

  standbySecretHash(): string | null {
    return this.standbyHash;
  }

  serverPasswordHash(): string {
    return sha256Hex(this.serverPassword);
  }
  device(id: string): DeviceRecord | null {
    return this.devices.get(id) ?? null;
  }
  enrollmentTokenHash(): string | null {
    return this.enrollmentHash;
  }
  inspectors(): ReadonlyArray<{ username: string; passwordHash: string }> {
    return this.inspectorList;
  }
  anonymousLoopbackInspect(): boolean {
    return this.anonymous;
  }

  addDevice(id: string, secret: string, roomId: string | null, status: DeviceRecord['status'] = 'approved'): void {
    this.devices.set(id, { status, secretHash: sha256Hex(secret), roomId });
  }
}

export type ConnectResult = { ok: true; client: MqttClient } | { ok: false; code: number | string };

/** Connects once (no reconnection); resolves with the client or the CONNACK refusal code. */
export function tryConnect(url: string, opts: IClientOptions): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    client.once('connect', () => resolve({ ok: true, client }));
    client.once('error', (err: Error & { code?: number | string }) => {
      client.end(true);
      resolve({ ok: false, code: err.code ?? err.message });
    });
  });
}

export async function mustConnect(url: string, opts: IClientOptions): Promise<MqttClient> {
  const result = await tryConnect(url, opts);
  if (!result.ok) throw new Error(`connect as ${String(opts.username)} refused with ${result.code}`);
  return result.client;
}

/** Records messages and lets a test wait for one that satisfies a condition. */
export class Inbox {
  readonly messages: { topic: string; payload: string; retain: boolean }[] = [];
  private waiters: { match: (m: { topic: string; payload: string }) => boolean; resolve: (m: { topic: string; payload: string }) => void }[] = [];

  constructor(client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  }

  push(m: { topic: string; payload: string; retain: boolean }): void {
    this.messages.push(m);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(m)) return true;
      w.resolve(m);
      return false;
    });
  }

  /** The first message on `topic` (with `payload`, if given) at or after index `from`. */
  waitFor(topic: string, payload?: string, from = 0): Promise<{ topic: string; payload: string }> {
    const match = (m: { topic: string; payload: string }): boolean => m.topic === topic && (payload === undefined || m.payload === payload);
    const seen = this.messages.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  has(topic: string, payload?: string): boolean {
    return this.messages.some((m) => m.topic === topic && (payload === undefined || m.payload === payload));
  }
}

/** Resolves when the connection closes; call it before the action that should close it. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

/** Subscribes and returns the SUBACK codes, including refusals (0x80), which mqtt.js reports as an error. */
export async function subscribeCodes(client: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(filters, { qos });
    return granted.map((g) => g.qos);
  } catch (err) {
    const granted = (err as { packet?: { granted?: number[] } }).packet?.granted;
    if (!Array.isArray(granted)) throw err;
    return granted;
  }
}
