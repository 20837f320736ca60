import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../shared/logger.js';

/** The broker Home Assistant reads: publish, subscribe, and hear of each (re)connection. */
export interface HaConnection {
  start(): Promise<void>;
  stop(): Promise<void>;
  publish(topic: string, payload: string, retain: boolean): Promise<void>;
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): Promise<void>;
  onConnect(listener: () => void): void;
}

export interface MqttHaConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** Set on Home Assistant's own broker: `offline` on the server's availability topic when this connection dies. */
  availabilityTopic?: string;
  log: Logger;
}

/** An mqtt.js connection to the broker Home Assistant reads (the site's, or Home Assistant's own). */
export class MqttHaConnection implements HaConnection {
  private client: MqttClient | null = null;
  private readonly handlers = new Map<string, (topic: string, payload: Buffer) => void>();
  private readonly connectListeners: Array<() => void> = [];

  constructor(private readonly opts: MqttHaConnectionOptions) {}

  async start(): Promise<void> {
    const { availabilityTopic } = this.opts;
    const options: IClientOptions = {
      clientId: this.opts.clientId,
      clean: true,
      resubscribe: false,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      ...(this.opts.username !== undefined ? { username: this.opts.username } : {}),
      ...(this.opts.password !== undefined ? { password: this.opts.password } : {}),
      ...(availabilityTopic ? { will: { topic: availabilityTopic, payload: Buffer.from('offline'), qos: 1 as const, retain: true } } : {}),
    };
    const client = connect(this.opts.url, options);
    this.client = client;
    client.on('message', (topic, payload) => {
      for (const [filter, handler] of this.handlers) if (matches(filter, topic)) handler(topic, payload);
    });
    client.on('connect', () => {
      void (async () => {
        if (this.handlers.size) await client.subscribeAsync([...this.handlers.keys()], { qos: 1 });
        if (availabilityTopic) await client.publishAsync(availabilityTopic, 'online', { qos: 1, retain: true });
        for (const l of this.connectListeners) l();
      })().catch((e: Error) => this.opts.log.warn({ err: e.message }, 'Home Assistant broker: could not resubscribe'));
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        client.end(true);
        this.client = null;
        reject(new Error(`Home Assistant broker ${this.opts.url}: ${err.message}`, { cause: err }));
      };
      client.once('connect', () => {
        client.off('error', onError);
        client.on('error', (err) => this.opts.log.warn({ err: err.message }, 'Home Assistant broker connection error'));
        resolve();
      });
      client.once('error', onError);
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (this.opts.availabilityTopic && client.connected) await client.publishAsync(this.opts.availabilityTopic, 'offline', { qos: 1, retain: true }).catch(() => undefined);
    await client.endAsync();
  }

  async publish(topic: string, payload: string, retain: boolean): Promise<void> {
    if (!this.client?.connected) return;
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  async subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): Promise<void> {
    this.handlers.set(filter, handler);
    if (this.client?.connected) await this.client.subscribeAsync(filter, { qos: 1 });
  }

  onConnect(listener: () => void): void {
    this.connectListeners.push(listener);
  }
}

/** MQTT filter matching (`+` one level, `#` the rest). */
export function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (t[i] === undefined) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
