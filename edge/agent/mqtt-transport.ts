import { isIP } from 'node:net';
import { connect as tlsConnect, type DetailedPeerCertificate } from 'node:tls';
import { connect as mqttConnect, MqttClient, type IClientOptions } from 'mqtt';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import { backoffDelay, DISPLAY_RECONNECT, type JitterPolicy } from '../../shared/backoff.js';
import { pinProblem } from './tls-pin.js';
import { writePacketNumbersUncached } from '../../shared/mqtt-packet-numbers.js';
import type { ConnectOptions, MqttTransport, PublishOptions, TransportError, TransportEvents } from './transport.js';

export interface MqttJsTransportDeps {
  clock: Clock;
  /** [0, 1); injected so that tests pick the jitter. */
  random?: () => number;
  backoff?: JitterPolicy;
  logger?: Logger;
  /** How long a CONNACK may take before the attempt counts as failed. */
  connectTimeoutMs?: number;
  /**
   * With `mqtts`: the SHA-256 fingerprint of the broker's certificate or of the CA that signed
   * it. Any other certificate is refused, and nothing (no secret, no token) is sent to it.
   */
  pinnedFingerprint?: string;
  /**
   * Where each attempt goes, asked afresh every time (a fleet's serving node moves); given the
   * configured url. Null: no server is known yet, the attempt counts as failed and is retried.
   */
  target?: (configuredUrl: string) => string | null;
}

/** CONNACK codes that mean "these credentials are not welcome" (MQTT 3.1.1 and 5). */
const AUTH_CODES = new Set([4, 5, 134, 135]);

/**
 * Reconnect delays, fully jittered: a site's displays all lose the broker at the same moment
 * and must not come back in step.
 */
export const RECONNECT_BACKOFF: JitterPolicy = DISPLAY_RECONNECT;

type Listeners = { [E in keyof TransportEvents]: Array<TransportEvents[E]> };

/**
 * The agent's MQTT connection over mqtt.js. mqtt.js's own reconnect is off (reconnectPeriod 0):
 * each attempt is a fresh client, scheduled here on the injected clock with jittered exponential
 * backoff, so the timing is testable and a new attempt never replays an old client's queue.
 */
export class MqttJsTransport implements MqttTransport {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: JitterPolicy;
  private readonly log: Logger;
  private readonly connectTimeoutMs: number;
  private readonly pinnedFingerprint: string | null;
  private readonly target: (configuredUrl: string) => string | null;
  private readonly listeners: Listeners = { connect: [], message: [], close: [], error: [], reconnecting: [] };
  private options: ConnectOptions | null = null;
  private client: MqttClient | null = null;
  private timer: TimerHandle | null = null;
  private failures = 0;
  /** Which of the passwords the next attempt gives: the one that worked, or the next after a refusal. */
  private passwordTurn = 0;
  /** The other password has not been tried yet: a refusal is followed by it at once, not after a backoff. */
  private altUntried = false;
  private retryNow = false;
  private ended = false;
  private isConnected = false;

  constructor(deps: MqttJsTransportDeps) {
    writePacketNumbersUncached();
    this.clock = deps.clock;
    this.random = deps.random ?? Math.random;
    this.backoff = deps.backoff ?? RECONNECT_BACKOFF;
    this.log = deps.logger ?? createLogger('edge:agent:mqtt');
    this.connectTimeoutMs = deps.connectTimeoutMs ?? 10_000;
    this.pinnedFingerprint = deps.pinnedFingerprint ?? null;
    this.target = deps.target ?? ((url) => url);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.listeners[event].push(listener);
  }

  connect(options: ConnectOptions): void {
    if (this.options) throw new Error('transport: connect() was already called; use a new transport');
    if (this.ended) throw new Error('transport: already ended');
    this.options = options;
    this.altUntried = options.altPassword !== undefined;
    this.attempt();
  }

  async publish(topic: string, payload: Buffer, options: PublishOptions = {}): Promise<void> {
    const client = this.requireClient('publish');
    await client.publishAsync(topic, payload, { qos: options.qos ?? 1, retain: options.retain ?? false });
  }

  async subscribe(filters: readonly string[]): Promise<void> {
    if (filters.length === 0) return;
    const client = this.requireClient('subscribe');
    const granted = await client.subscribeAsync([...filters], { qos: 1 });
    const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
    if (refused.length > 0) throw new Error(`subscribe: the broker refused ${refused.join(', ')}`);
  }

  async unsubscribe(filters: readonly string[]): Promise<void> {
    if (filters.length === 0) return;
    const client = this.requireClient('unsubscribe');
    await client.unsubscribeAsync([...filters]);
  }

  async end(graceful = true): Promise<void> {
    this.ended = true;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    const wasConnected = this.isConnected;
    this.isConnected = false;
    if (client) {
      // A forced end drops the socket without DISCONNECT, so the broker publishes the last will.
      await client.endAsync(!graceful || !wasConnected);
    }
    if (wasConnected) this.emit('close');
  }

  private requireClient(what: string): MqttClient {
    if (!this.client || !this.isConnected) throw new Error(`${what}: not connected to the broker`);
    return this.client;
  }

  private attempt(): void {
    const options = this.options;
    if (!options || this.ended) return;
    this.timer = null;
    const url = this.target(options.url);
    if (url === null) {
      this.emit('error', { kind: 'network', message: 'no server found yet' });
      this.scheduleReconnect();
      return;
    }
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      username: options.username,
      password: this.passwordTurn % 2 === 1 && options.altPassword !== undefined ? options.altPassword : options.password,
      protocolVersion: 4,
      clean: true,
      keepalive: options.keepaliveSecs ?? 30,
      reconnectPeriod: 0,
      connectTimeout: this.connectTimeoutMs,
      queueQoSZero: false,
      resubscribe: false,
      ...(options.will ? { will: { topic: options.will.topic, payload: options.will.payload, retain: options.will.retain, qos: options.will.qos } } : {}),
    };
    const pin = this.pinnedFingerprint;
    let client: MqttClient;
    if (pin && url.startsWith('mqtts:')) {
      // mqtt.js passes only socket-level errors on: the refusal is reported here.
      const refused = (message: string): void => {
        if (this.client === client) this.emit('error', { kind: 'tls', message });
      };
      client = new MqttClient(pinnedTlsStream(url, pin, refused), clientOptions);
    } else {
      client = mqttConnect(url, clientOptions);
    }
    this.client = client;
    let closed = false;
    client.on('connect', () => {
      if (this.client !== client) return;
      this.failures = 0;
      this.isConnected = true;
      this.log.info({ url, clientId: options.clientId }, 'connected to the broker');
      this.emit('connect');
    });
    client.on('message', (topic, payload, packet) => {
      if (this.client !== client) return;
      this.emit('message', topic, payload, packet.retain === true);
    });
    client.on('error', (err: Error & { code?: number | string }) => {
      if (this.client !== client) return;
      const error = classify(err);
      if (error.kind === 'auth') {
        this.passwordTurn += 1;
        this.retryNow = this.altUntried;
        this.altUntried = false;
      }
      this.emit('error', error);
    });
    client.on('close', () => {
      if (closed || this.client !== client) return;
      closed = true;
      const wasConnected = this.isConnected;
      this.isConnected = false;
      this.client = null;
      // The old client must not try anything on its own any more.
      client.removeAllListeners('connect');
      client.end(true);
      if (wasConnected) {
        this.log.warn({ url }, 'lost the broker connection');
        this.emit('close');
      }
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.ended) return;
    if (this.retryNow) {
      this.retryNow = false;
      this.attempt();
      return;
    }
    this.failures += 1;
    const delay = backoffDelay(this.failures - 1, this.backoff, this.random);
    this.emit('reconnecting', this.failures, delay);
    this.timer = this.clock.setTimeout(() => this.attempt(), delay);
  }

  private emit<E extends keyof TransportEvents>(event: E, ...args: Parameters<TransportEvents[E]>): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        (listener as (...a: Parameters<TransportEvents[E]>) => void)(...args);
      } catch (e) {
        this.log.error({ err: e, event }, 'a transport listener threw');
      }
    }
  }
}

/**
 * A TLS socket that trusts exactly the pinned certificate. The handshake is not checked against
 * the system's CAs; the check below runs in the first `secureConnect` listener, before any
 * byte written meanwhile (the CONNECT with the device secret) leaves the machine.
 */
function pinnedTlsStream(url: string, fingerprint: string, refused: (message: string) => void): () => ReturnType<typeof tlsConnect> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return () => {
    const socket = tlsConnect({ host, port: Number(port || 8883), rejectUnauthorized: false, ...(isIP(host) === 0 ? { servername: host } : {}) });
    socket.once('secureConnect', () => {
      const problem = pinProblem(socket.getPeerCertificate(true) as DetailedPeerCertificate, fingerprint);
      if (!problem) return;
      socket.destroy();
      refused(problem);
    });
    return socket;
  };
}

function classify(err: Error & { code?: number | string }): TransportError {
  if (typeof err.code === 'number') {
    return { kind: AUTH_CODES.has(err.code) ? 'auth' : 'protocol', message: err.message, code: err.code };
  }
  if (typeof err.code === 'string') return { kind: 'network', message: err.message, code: err.code };
  return { kind: 'protocol', message: err.message };
}
