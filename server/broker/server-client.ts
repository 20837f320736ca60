import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { Verb } from '../../shared/api/payloads.js';
import { TOPICS, encodePayload, filterOf, parseTopic, topicOf, type ParamsOf, type PayloadOf, type TopicName } from '../../shared/api/topics.js';
import { isId } from '../../shared/ids.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import { writePacketNumbersUncached } from '../../shared/mqtt-packet-numbers.js';

/**
 * The server's own MQTT connection, to the embedded broker or an external one. The only server
 * file that imports mqtt. Topics and payloads go through the shared contract: publish takes a
 * topic name, its parameters and a typed payload; subscribers get the parameters and the raw
 * payload, and decide themselves with decodePayload (so they can log what they refuse).
 *
 * Availability: the last will puts `offline` on `{prefix}/server/availability` (retained) if
 * the connection dies; `online` is published on every connect and `offline` on a clean stop.
 */
export interface ServerClientOptions {
  /** mqtt://host:port or mqtts://host:port. */
  url: string;
  prefix: string;
  /** `$server` on the embedded broker. */
  username: string;
  password: string;
  clientId: string;
  /** Extra TLS trust for an external mqtts:// broker (PEM). */
  ca?: Buffer | string;
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  /** The broker in this process, when it is the embedded one: the contract's messages go to it directly. */
  local?: LocalBroker;
  logger?: Logger;
}

/**
 * A broker running in the server's own process. A room change is handed to it as a call, not
 * written to a socket that the same process reads back in a later turn of its event loop
 * (behind whatever that turn has queued: the rest of the booking, the HTTP answer), which was
 * most of the time before the first display got the change (`npm run bench -- fanout`).
 */
export interface LocalBroker {
  publishLocal(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void>;
}

export type MessageHandler<N extends TopicName> = (params: ParamsOf<N>, payload: Buffer, topic: string) => void | Promise<void>;
export type Unsubscribe = () => Promise<void>;

export interface ServerClientEvents {
  connected: [];
  disconnected: [];
}

interface Entry {
  name: TopicName;
  filter: string;
  params: Record<string, string | undefined>;
  handler: (params: Record<string, string>, payload: Buffer, topic: string) => void | Promise<void>;
}

export class ServerClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerClientError';
  }
}

const QOS = 1;

export class ServerClient extends EventEmitter<ServerClientEvents> {
  private readonly log: Logger;
  private client: MqttClient | null = null;
  private readonly entries = new Set<Entry>();
  private connectCount = 0;

  constructor(private readonly opts: ServerClientOptions) {
    super();
    writePacketNumbersUncached();
    this.log = opts.logger ?? createLogger('server:mqtt');
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** How many times this client has connected (1 after start): tells a reconnect from the first connection. */
  get connections(): number {
    return this.connectCount;
  }

  private get availabilityTopic(): string {
    return topicOf(this.opts.prefix, 'serverAvailability', {});
  }

  /** Connects; resolves at the first CONNACK, rejects if the broker refuses or cannot be reached then. */
  async start(): Promise<void> {
    if (this.client) throw new ServerClientError('ServerClient: already started');
    const options: IClientOptions = {
      clientId: this.opts.clientId,
      username: this.opts.username,
      password: this.opts.password,
      clean: true,
      // Subscriptions are restored by onConnect from our own table, so a clean session is enough.
      resubscribe: false,
      reconnectPeriod: this.opts.reconnectPeriodMs ?? 2000,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      will: { topic: this.availabilityTopic, payload: Buffer.from('offline'), qos: QOS, retain: true },
      ...(this.opts.ca !== undefined ? { ca: this.opts.ca } : {}),
    };
    const client = connect(this.opts.url, options);
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => {
      if (this.client === client) this.emit('disconnected');
    });
    client.on('message', (topic, payload) => this.dispatch(topic, payload));

    await new Promise<void>((resolve, reject) => {
      const onConnect = (): void => {
        client.off('error', onError);
        client.on('error', (err) => this.log.warn({ err: err.message }, 'MQTT connection error'));
        resolve();
      };
      const onError = (err: Error): void => {
        client.off('connect', onConnect);
        this.client = null;
        client.end(true);
        reject(new ServerClientError(`MQTT connection to ${this.opts.url} as ${this.opts.username} failed: ${err.message}`, { cause: err }));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    });
  }

  /** Marks the server offline and disconnects cleanly (no will). */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      try {
        await client.publishAsync(this.availabilityTopic, 'offline', { qos: QOS, retain: true });
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'could not publish offline before stopping');
      }
    }
    this.client = null;
    await client.endAsync();
    this.entries.clear();
  }

  /** Publishes a contract message at the contract's QoS; retained as the contract says unless `retain` is given. */
  async publish<N extends TopicName>(name: N, params: ParamsOf<N>, payload: PayloadOf<N>, opts: { retain?: boolean } = {}): Promise<void> {
    const topic = topicOf(this.opts.prefix, name, params);
    const body = encodePayload(name, payload);
    await this.send(topic, body, { qos: TOPICS[name].qos, retain: opts.retain ?? TOPICS[name].retain });
  }

  /** Removes a retained message (an empty retained publish), e.g. a deleted device's config. */
  async clearRetained<N extends TopicName>(name: N, params: ParamsOf<N>): Promise<void> {
    const topic = topicOf(this.opts.prefix, name, params);
    await this.send(topic, Buffer.alloc(0), { qos: QOS, retain: true });
  }

  /** Through the broker in this process when there is one; every contract message takes the same path, so their order is kept. */
  private async send(topic: string, body: string | Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    const client = this.requireClient();
    if (this.opts.local) await this.opts.local.publishLocal(topic, typeof body === 'string' ? Buffer.from(body) : body, opts);
    else await client.publishAsync(topic, body, opts);
  }

  /**
   * Calls `handler` for every message on the topic `name`, with the given parameters fixed and
   * the others open. Messages whose parameters are not valid ids or verbs never reach it.
   * Resolves once the broker granted the subscription (or at once while disconnected: it is made
   * on the next connect).
   */
  async subscribe<N extends TopicName>(name: N, params: Partial<ParamsOf<N>>, handler: MessageHandler<N>): Promise<Unsubscribe> {
    const filter = filterOf(this.opts.prefix, name, params);
    const entry: Entry = {
      name,
      filter,
      params: { ...(params as Record<string, string | undefined>) },
      handler: handler as unknown as Entry['handler'],
    };
    const firstForFilter = ![...this.entries].some((e) => e.filter === filter);
    this.entries.add(entry);
    const client = this.requireClient();
    if (firstForFilter && client.connected) await this.subscribeFilters(client, [filter]);
    return async () => {
      if (!this.entries.delete(entry)) return;
      const stillUsed = [...this.entries].some((e) => e.filter === filter);
      if (!stillUsed && this.client?.connected) await this.client.unsubscribeAsync(filter);
    };
  }

  private requireClient(): MqttClient {
    if (!this.client) throw new ServerClientError('ServerClient: not started');
    return this.client;
  }

  private async subscribeFilters(client: MqttClient, filters: string[]): Promise<void> {
    if (filters.length === 0) return;
    try {
      await client.subscribeAsync(filters, { qos: QOS });
    } catch (err) {
      // mqtt.js rejects when any filter was refused (SUBACK 0x80) and attaches the SUBACK.
      const granted = (err as { packet?: { granted?: unknown } }).packet?.granted;
      const refused = Array.isArray(granted) ? filters.filter((_f, i) => typeof granted[i] === 'number' && (granted[i] & 0x80) !== 0) : [];
      const what = refused.length > 0 ? refused.join(', ') : filters.join(', ');
      throw new ServerClientError(`the broker refused the subscription to ${what}`, { cause: err });
    }
  }

  private onConnect(client: MqttClient): void {
    if (this.client !== client) return;
    this.connectCount++;
    this.log.info({ url: this.opts.url }, 'MQTT connected');
    const filters = [...new Set([...this.entries].map((e) => e.filter))];
    Promise.all([client.publishAsync(this.availabilityTopic, 'online', { qos: QOS, retain: true }), this.subscribeFilters(client, filters)])
      .then(() => this.emit('connected'))
      .catch((err: unknown) => this.log.error({ err: (err as Error).message }, 'could not announce or resubscribe after connecting'));
  }

  private dispatch(topic: string, payload: Buffer): void {
    const parsed = parseTopic(this.opts.prefix, topic);
    if (parsed === null) {
      this.log.debug({ topic }, 'message on a topic outside the contract');
      return;
    }
    const badParam = Object.entries(parsed.params).find(([k, v]) => (k === 'verb' ? !Verb.safeParse(v).success : !isId(v)));
    if (badParam) {
      this.log.warn({ topic, param: badParam[0] }, 'message with an invalid topic parameter ignored');
      return;
    }
    for (const entry of this.entries) {
      if (entry.name !== parsed.name) continue;
      if (!Object.entries(entry.params).every(([k, v]) => v === undefined || parsed.params[k] === v)) continue;
      try {
        const result = entry.handler(parsed.params, payload, topic);
        if (result instanceof Promise) result.catch((err: unknown) => this.log.error({ topic, err: (err as Error).message }, 'message handler failed'));
      } catch (err) {
        this.log.error({ topic, err: (err as Error).message }, 'message handler failed');
      }
    }
  }
}
