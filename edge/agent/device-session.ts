import type { Clock, TimerHandle } from '../../shared/clock.js';
import { encodePayload, filterOf, topicOf, type Hello, type Verb } from '../../shared/api/index.js';
import type { Logger } from '../../shared/logger.js';
import type { CredentialsStore, EnrollmentKeyStore } from './credentials.js';
import { Enrollment } from './enrollment.js';
import type { SystemInfo } from './system-info.js';
import type { MqttTransport, TransportError, TransportFactory } from './transport.js';
import type { TrackedRequest } from './request-tracker.js';
import { routeMessage, type MessageHandlers } from './message-router.js';

/** How long a display waits before asking again for a room subscription the broker refused. */
const ROOM_RETRY_MS = 5_000;

export type AgentPhase = 'idle' | 'enrolling' | 'connecting' | 'online' | 'refused' | 'stopped';

export interface SessionOptions {
  deviceId: string;
  prefix: string;
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  enrollmentToken: string | null;
  /** The static part of the hello. */
  hello: Pick<Hello, 'panel' | 'buttons' | 'leds'> & { agentVersion: string };
}

export interface SessionDeps {
  clock: Clock;
  transports: TransportFactory;
  credentials: CredentialsStore;
  system: SystemInfo;
  log: Logger;
}

/** What the session hands on: decoded messages meant for this device and its room, and its own changes. */
export interface SessionEvents extends Omit<MessageHandlers, 'serverAvailability'> {
  phaseChanged(): void;
  reachabilityChanged(reachable: boolean): void;
}

/**
 * The device's link to the server: loads its secret (enrolling first when it has none),
 * connects, announces itself, keeps the subscriptions for its room, and tells whether the
 * server can be reached (connected, and the server's own availability not `offline`).
 */
export class DeviceSession {
  private currentPhase: AgentPhase = 'idle';
  private transport: MqttTransport | null = null;
  private enrollment: Enrollment | null = null;
  /** The room the device follows (from its config), and the one its subscriptions are for. */
  private room: string | null = null;
  private subscribedRoom: string | null = null;
  /** A refused room subscription is tried again after this long, while connected. */
  private roomRetry: TimerHandle | null = null;
  private serverOnline: boolean | null = null;
  private wasReachable = false;

  /** The events, with the two messages the session acts on itself first. */
  private readonly inbox: MessageHandlers;

  constructor(
    private readonly options: SessionOptions,
    private readonly deps: SessionDeps,
    private readonly events: SessionEvents,
  ) {
    this.inbox = {
      ...events,
      serverAvailability: (online) => {
        this.serverOnline = online;
        this.checkReachability();
      },
      config: (config) => {
        if (config.room !== this.room) void this.followRoom(config.room);
        events.config(config);
      },
    };
  }

  get phase(): AgentPhase {
    return this.currentPhase;
  }

  get reachable(): boolean {
    return this.currentPhase === 'online' && this.transport?.connected === true && this.serverOnline !== false;
  }

  async start(): Promise<void> {
    const { deviceId } = this.options;
    let secret: string | null = null;
    try {
      const stored = await this.deps.credentials.load();
      if (stored && stored.deviceId !== deviceId) {
        this.deps.log.warn({ stored: stored.deviceId, deviceId }, 'the credentials file belongs to another device id; ignoring it');
      } else if (stored) {
        secret = stored.secret;
      }
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, 'cannot use the stored credentials');
    }
    if (secret) return this.connectWithSecret(secret);
    if (!this.options.enrollmentToken) {
      throw new Error(`device ${deviceId}: no device secret in the credentials file and no edge.enrollmentToken to enroll with`);
    }
    void this.enroll();
  }

  async stop(): Promise<void> {
    const wasOnline = this.currentPhase === 'online';
    this.currentPhase = 'stopped';
    this.deps.clock.clearTimeout(this.roomRetry);
    this.roomRetry = null;
    const transport = this.transport;
    this.transport = null;
    await this.enrollment?.stop();
    if (!transport) return;
    if (wasOnline && transport.connected) {
      // A clean DISCONNECT suppresses the last will, so say "offline" ourselves.
      await transport
        .publish(this.topic('deviceAvailability'), encodePayload('deviceAvailability', 'offline'), { retain: true, qos: 1 })
        .catch((e: unknown) => this.deps.log.warn({ err: (e as Error).message }, 'could not publish offline'));
    }
    await transport.end(true);
  }

  async publishRequest(verb: Verb, payload: TrackedRequest['payload']): Promise<void> {
    const transport = this.transport;
    if (!transport) throw new Error('no broker connection');
    const topic = topicOf(this.options.prefix, 'deviceRequest', { device: this.options.deviceId, verb });
    await transport.publish(topic, encodePayload('deviceRequest', payload), { qos: 1 });
  }

  /** What the presence input says (retained: the device's current state, read by a server that restarts). */
  async publishPresence(present: boolean, since: number): Promise<void> {
    const transport = this.transport;
    if (!transport || !transport.connected) throw new Error('no broker connection');
    const topic = topicOf(this.options.prefix, 'devicePresence', { device: this.options.deviceId });
    await transport.publish(topic, encodePayload('devicePresence', { present, since: new Date(since).toISOString() }), { retain: true, qos: 1 });
  }

  /** A method, not a field read, because the phase changes across awaits. */
  private stopped(): boolean {
    return this.currentPhase === 'stopped';
  }

  private setPhase(phase: AgentPhase): void {
    this.currentPhase = phase;
    this.events.phaseChanged();
  }

  private async enroll(): Promise<void> {
    const token = this.options.enrollmentToken;
    if (!token || this.stopped()) return;
    this.setPhase('enrolling');
    const transport = this.deps.transports();
    this.transport = transport;
    // A store that keeps the one-time key lets a restart before approval keep its claim.
    const keys = 'loadEnrollmentKey' in this.deps.credentials ? (this.deps.credentials as CredentialsStore & EnrollmentKeyStore) : undefined;
    const enrollment = new Enrollment({
      clock: this.deps.clock,
      log: this.deps.log,
      transport,
      prefix: this.options.prefix,
      deviceId: this.options.deviceId,
      url: this.options.url,
      token,
      keys,
      hello: () => this.hello(true),
    });
    this.enrollment = enrollment;
    const outcome = await enrollment.run();
    this.enrollment = null;
    if (outcome.status === 'stopped' || this.stopped()) return;
    this.transport = null;
    await transport.end(true);
    if (outcome.status === 'refused') return this.setPhase('refused');
    try {
      await this.deps.credentials.save({ deviceId: this.options.deviceId, secret: outcome.secret, enrolledAt: new Date(this.deps.clock.now()).toISOString() });
      await keys?.forgetEnrollmentKey().catch((e: unknown) => this.deps.log.warn({ err: (e as Error).message }, 'could not remove the used enrollment key'));
    } catch (e) {
      // Still connect: the device works until its next restart, and the log says why it will enroll again.
      this.deps.log.error({ err: (e as Error).message }, 'could not store the device secret');
    }
    if (!this.stopped()) this.connectWithSecret(outcome.secret);
  }

  private connectWithSecret(secret: string): void {
    this.currentPhase = 'connecting';
    const transport = this.deps.transports();
    this.transport = transport;
    transport.on('connect', () => void this.onConnect(transport));
    transport.on('message', (topic, payload) => {
      if (this.transport !== transport || this.stopped()) return;
      routeMessage({ prefix: this.options.prefix, deviceId: this.options.deviceId, room: this.room, log: this.deps.log }, topic, payload, this.inbox);
    });
    transport.on('close', () => {
      if (this.transport !== transport) return;
      this.subscribedRoom = null;
      // The next session reads the server's retained availability afresh.
      this.serverOnline = null;
      if (this.currentPhase === 'online') this.currentPhase = 'connecting';
      this.checkReachability();
    });
    transport.on('error', (e) => this.onTransportError(e, transport));
    const { deviceId } = this.options;
    transport.connect({
      url: this.options.url,
      clientId: deviceId,
      username: deviceId,
      password: secret,
      will: { topic: this.topic('deviceAvailability'), payload: encodePayload('deviceAvailability', 'offline'), retain: true, qos: 1 },
    });
  }

  private onTransportError(e: TransportError, transport: MqttTransport): void {
    if (this.transport !== transport) return;
    const { log } = this.deps;
    const deviceId = this.options.deviceId;
    if (e.kind === 'tls') return log.error({ err: e.message }, 'refused the broker: its TLS certificate is not the pinned one; retrying with backoff');
    if (e.kind !== 'auth') return log.warn({ kind: e.kind, code: e.code, err: e.message }, 'broker connection problem');
    if (this.options.enrollmentToken) {
      log.error({ code: e.code, deviceId }, 'the broker refused this device secret (revoked?); enrolling again with the enrollment token');
      this.transport = null;
      void transport.end(false).then(() => this.enroll());
      return;
    }
    log.error({ code: e.code, deviceId }, 'the broker refused this device secret (revoked?) and no enrollment token is configured; retrying with backoff');
  }

  private async onConnect(transport: MqttTransport): Promise<void> {
    if (this.transport !== transport || this.stopped()) return;
    this.currentPhase = 'online';
    try {
      await transport.publish(this.topic('deviceAvailability'), encodePayload('deviceAvailability', 'online'), { retain: true, qos: 1 });
      // Recorded before the await: the retained config may arrive and switch rooms meanwhile.
      this.subscribedRoom = this.room;
      // Subscribed before the hello: the server answers it with the notices in force, which
      // are not retained and would be lost on a topic not subscribed yet.
      await transport.subscribe([...this.baseFilters(), ...this.roomFilters(this.room)]);
      await transport.publish(this.topic('deviceHello'), encodePayload('deviceHello', this.hello(false)), { qos: 1 });
    } catch (e) {
      this.deps.log.warn({ err: (e as Error).message }, 'announcing and subscribing after connect failed');
    }
    this.checkReachability();
  }

  private checkReachability(): void {
    const now = this.reachable;
    if (now === this.wasReachable) return;
    this.wasReachable = now;
    if (now) this.deps.log.info('server reachable');
    else this.deps.log.warn('server unreachable: the state is recomputed locally at each boundary');
    this.events.reachabilityChanged(now);
  }

  private hello(enrolling: boolean): Hello {
    const { system } = this.deps;
    const { hello } = this.options;
    return {
      model: system.model(),
      panel: hello.panel,
      buttons: hello.buttons,
      leds: hello.leds,
      versions: { agent: hello.agentVersion, node: process.version },
      address: system.address(),
      uptimeSec: system.uptimeSec(),
      enrolling,
    };
  }

  private topic(name: 'deviceAvailability' | 'deviceHello' | 'deviceConfig' | 'notifyDevice'): string {
    return topicOf(this.options.prefix, name, { device: this.options.deviceId });
  }

  private baseFilters(): string[] {
    const { prefix, deviceId } = this.options;
    return [
      this.topic('deviceConfig'),
      filterOf(prefix, 'deviceResponse', { device: deviceId }),
      topicOf(prefix, 'notifyAll', {}),
      this.topic('notifyDevice'),
      topicOf(prefix, 'serverAvailability', {}),
    ];
  }

  private roomFilters(room: string | null): string[] {
    if (room === null) return [];
    const { prefix } = this.options;
    return [topicOf(prefix, 'roomState', { room }), topicOf(prefix, 'roomAgenda', { room }), topicOf(prefix, 'notifyRoom', { room })];
  }

  private async followRoom(room: string | null): Promise<void> {
    this.room = room;
    const transport = this.transport;
    if (!transport?.connected || this.subscribedRoom === room) return;
    const old = this.subscribedRoom;
    this.subscribedRoom = room;
    try {
      await transport.unsubscribe(this.roomFilters(old));
      await transport.subscribe(this.roomFilters(room));
    } catch (e) {
      // Not following the room is worse than asking again: a display that shows nothing.
      this.subscribedRoom = null;
      this.deps.log.warn({ err: (e as Error).message, room }, `switching the room subscription failed; trying again in ${ROOM_RETRY_MS / 1000} s`);
      this.deps.clock.clearTimeout(this.roomRetry);
      this.roomRetry = this.deps.clock.setTimeout(() => {
        this.roomRetry = null;
        if (this.currentPhase !== 'stopped') void this.followRoom(this.room);
      }, ROOM_RETRY_MS);
    }
  }
}
