import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../shared/logger.js';

/**
 * The replication's MQTT connection (leader and standby alike): raw topics outside the device
 * contract, QoS 1, a clean session (each side says where it stands again on every connect).
 * The only replication file that imports mqtt.
 */
export interface LinkOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  /** Extra TLS trust for an mqtts:// broker (PEM). */
  ca?: Buffer | string;
  log: Logger;
}

export class MqttLink {
  private client: MqttClient | null = null;
  private readonly filters: string[] = [];

  constructor(
    readonly opts: LinkOptions,
    private readonly handlers: { message: (topic: string, payload: Buffer) => void; connected?: () => void; error?: (e: Error) => void },
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects (and reconnects by itself); `filters` are subscribed again on every connect. */
  start(filters: readonly string[]): void {
    this.filters.push(...filters);
    const client = connect(this.opts.url, {
      clientId: this.opts.clientId,
      username: this.opts.username,
      password: this.opts.password,
      clean: true,
      resubscribe: false,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // The site's own certificate as the only trusted CA pins the leader's (every serve-capable
      // Pi holds the same one); the name in it cannot match each Pi's address, so it is not checked.
      ...(this.opts.ca !== undefined ? { ca: this.opts.ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : {}),
    });
    this.client = client;
    client.on('connect', () => {
      client
        .subscribeAsync(this.filters, { qos: 1 })
        .then(() => this.handlers.connected?.())
        .catch((e: unknown) => this.opts.log.warn({ err: (e as Error).message }, 'replication: subscription refused'));
    });
    client.on('message', (topic, payload) => this.handlers.message(topic, payload));
    client.on('error', (e) => {
      this.opts.log.debug({ err: e.message, url: this.opts.url }, 'replication: connection error');
      this.handlers.error?.(e);
    });
  }

  async publish(topic: string, body: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) return;
    await client.publishAsync(topic, body, { qos: 1 });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.endAsync(true);
  }
}
