import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../shared/logger.js';

/** The broker Home Assistant reads: publish, subscribe, and hear of each (re)connection. */
export interface HaConnection {
  /** Resolves at the first connection or the first failure; it keeps trying after a failure. */
  start(): Promise<void>;
  readonly connected: boolean;
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
    client.on('error', (err) => this.opts.log.warn({ err: err.message, url: this.opts.url }, 'Home Assistant broker connection error'));
    // Home Assistant's broker being down must not keep the server from starting: mqtt.js keeps
    // trying, and each connection announces everything again.
    await new Promise<void>((resolve) => {
      const done = (): void => {
        client.off('connect', done);
        client.off('error', failed);
        client.off('offline', failed);
        resolve();
      };
      const failed = (): void => {
        this.opts.log.warn({ url: this.opts.url }, 'Home Assistant broker unreachable; retrying in the background');
        done();
      };
      client.once('connect', done);
      client.once('error', failed);
      client.once('offline', failed);
    });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
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
