/**
 * The agent's MQTT connection as the agent sees it. The real one (mqtt-transport.ts) is the only
 * edge file that imports `mqtt`; tests may use it against a broker or replace it.
 *
 * A transport is used once: `connect()` starts it, it reconnects by itself (with backoff) until
 * `end()`. Subscriptions do not survive a reconnect (clean sessions): the owner subscribes again
 * on every `connect` event, so it alone decides which filters are wanted.
 */

export interface WillMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
  qos: 0 | 1;
}

export interface ConnectOptions {
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  clientId: string;
  username: string;
  password: string;
  /**
   * Tried after the broker refuses `password` (and `password` after this one is refused): for the
   * enrollment login, which brokers that compare plain passwords only take without its key.
   */
  altPassword?: string;
  will?: WillMessage;
  keepaliveSecs?: number;
}

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
}

/** Why a connection attempt failed or a connection dropped. */
export interface TransportError {
  /** `auth`: the broker refused the credentials (CONNACK 4/5 or 134/135); `tls`: its certificate is not the pinned one. */
  kind: 'auth' | 'tls' | 'network' | 'protocol';
  message: string;
  /** The CONNACK return code, or the socket error code (`ECONNREFUSED`). */
  code?: number | string;
}

export interface TransportEvents {
  connect: () => void;
  message: (topic: string, payload: Buffer, retained: boolean) => void;
  close: () => void;
  error: (error: TransportError) => void;
  /** A reconnect attempt is scheduled after `delayMs`; attempt counts from 1 since the last success. */
  reconnecting: (attempt: number, delayMs: number) => void;
}

export interface MqttTransport {
  readonly connected: boolean;
  connect(options: ConnectOptions): void;
  /** Rejects at once when not connected: the caller decides whether to keep the message. */
  publish(topic: string, payload: Buffer, options?: PublishOptions): Promise<void>;
  subscribe(filters: readonly string[]): Promise<void>;
  unsubscribe(filters: readonly string[]): Promise<void>;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void;
  /** Stops reconnecting and closes; `graceful` sends DISCONNECT (no last will), otherwise the socket is dropped. */
  end(graceful?: boolean): Promise<void>;
}

export type TransportFactory = () => MqttTransport;
