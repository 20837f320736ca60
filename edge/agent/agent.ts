import type { Clock, TimerHandle } from '../../shared/clock.js';
import {
  decodePayload,
  encodePayload,
  filterOf,
  parseTopic,
  topicOf,
  type Agenda,
  type DeviceConfig,
  type DeviceResponse,
  type Hello,
  type Verb,
} from '../../shared/api/index.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { RoomState } from '../../shared/model/room-state.js';
import type { ActionSource, ButtonAction, PictureSink, Raster, StatusLight } from '../hal/types.js';
import type { PanelView } from '../render/view.js';
import { STATUS_SCREENS, type StatusScreen } from '../render/status-screen.js';
import type { CredentialsStore } from './credentials.js';
import { Enrollment } from './enrollment.js';
import { LedFeedback } from './led-feedback.js';
import { LocalRecompute, type LocalInputs } from './local-recompute.js';
import { NoticeBoard } from './notice-board.js';
import { Redrawer } from './redrawer.js';
import { RedrawTimers } from './redraw-timers.js';
import { RequestTracker, type TrackedRequest } from './request-tracker.js';
import type { SystemInfo } from './system-info.js';
import type { MqttTransport, TransportError, TransportFactory } from './transport.js';
import { buildView } from './view-builder.js';

/** How long a refused request's reason stays on the panel. */
export const ERROR_SHOW_MS = 10_000;

export interface AgentOptions {
  deviceId: string;
  prefix: string;
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  enrollmentToken: string | null;
  /** Used until the server's device config arrives. */
  defaults: { requestTtlSecs: number; defaultDurationMins: number };
  /** The static part of the hello. */
  hello: Pick<Hello, 'panel' | 'buttons' | 'leds'> & { agentVersion: string };
  /** Redraw at every minute so the printed clock stays right (panels with cheap refreshes). */
  minuteClock: boolean;
}

export interface AgentDeps {
  clock: Clock;
  transports: TransportFactory;
  credentials: CredentialsStore;
  system: SystemInfo;
  render: (view: PanelView) => Promise<Raster>;
  /** Draws the screen shown before there is a room to show (waiting for approval, no room). */
  renderStatus?: (screen: StatusScreen) => Promise<Raster>;
  sink: PictureSink;
  light: StatusLight;
  actions: ActionSource;
  logger?: Logger;
}

export type AgentPhase = 'idle' | 'enrolling' | 'connecting' | 'online' | 'refused' | 'stopped';

/**
 * The edge agent: connects with its device secret (enrolling first when it has none), announces
 * itself, follows its config to a room, shows that room's state and agenda, keeps the panel right
 * on its own while the server is unreachable, and turns button presses into requests.
 */
export class Agent {
  readonly deviceId: string;
  private readonly log: Logger;
  private readonly led: LedFeedback;
  private readonly notices: NoticeBoard;
  private readonly requests: RequestTracker;
  private readonly local: LocalRecompute;
  private readonly redrawer: Redrawer;

  private currentPhase: AgentPhase = 'idle';
  private transport: MqttTransport | null = null;
  private enrollment: Enrollment | null = null;
  private config: DeviceConfig | null = null;
  private subscribedRoom: string | null = null;
  private serverState: RoomState | null = null;
  private localState: RoomState | null = null;
  private agenda: Agenda | null = null;
  private serverOnline: boolean | null = null;
  private wasReachable = false;
  private errorText: string | null = null;
  private errorTimer: TimerHandle | null = null;
  private picture: Raster | null = null;
  private readonly redraws: RedrawTimers;
  private shownView: PanelView | null = null;

  constructor(
    private readonly options: AgentOptions,
    private readonly deps: AgentDeps,
  ) {
    this.deviceId = options.deviceId;
    this.log = deps.logger ?? createLogger('edge:agent');
    this.led = new LedFeedback(deps.light, deps.clock);
    this.notices = new NoticeBoard(deps.clock, () => this.update(false));
    this.redrawer = new Redrawer((urgent) => this.draw(urgent), this.log);
    this.redraws = new RedrawTimers(deps.clock, options.minuteClock, () => this.update(false));
    this.local = new LocalRecompute(deps.clock, this.log, () => this.localInputs(), (state) => {
      this.localState = state;
      this.update(false);
    });
    this.requests = new RequestTracker({
      clock: deps.clock,
      log: this.log,
      canSend: () => this.reachable(),
      send: (verb, payload) => this.publishRequest(verb, payload),
      onExpired: (request) => this.requestExpired(request),
      onChange: () => {
        this.led.setPending(this.requests.size > 0);
        this.redrawer.request(true);
      },
    });
  }

  get phase(): AgentPhase {
    return this.currentPhase;
  }

  /** The last picture handed to the sink, and the view it was drawn from. */
  get lastPicture(): Raster | null {
    return this.picture;
  }

  get lastView(): PanelView | null {
    return this.shownView;
  }

  /** The state on the panel now, and whether it was computed locally. */
  get roomState(): { state: RoomState; local: boolean } | null {
    const state = this.shownState();
    return state ? { state, local: state === this.localState } : null;
  }

  /** Resolves once no picture is being drawn (for an orderly stop, and for tests). */
  settled(): Promise<void> {
    return this.redrawer.idle();
  }

  async start(): Promise<void> {
    if (this.currentPhase !== 'idle') throw new Error(`agent ${this.deviceId}: start() called twice`);
    this.deps.actions.onAction((action, source) => this.press(action, source));
    this.led.setStatus(null);
    this.redraws.start();
    let secret: string | null = null;
    try {
      const stored = await this.deps.credentials.load();
      if (stored && stored.deviceId !== this.deviceId) {
        this.log.warn({ stored: stored.deviceId, deviceId: this.deviceId }, 'the credentials file belongs to another device id; ignoring it');
      } else if (stored) {
        secret = stored.secret;
      }
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'cannot use the stored credentials');
    }
    if (secret) return this.connectWithSecret(secret);
    if (!this.options.enrollmentToken) {
      throw new Error(`device ${this.deviceId}: no device secret in the credentials file and no edge.enrollmentToken to enroll with`);
    }
    void this.enroll();
  }

  async stop(): Promise<void> {
    if (this.currentPhase === 'stopped') return;
    const wasOnline = this.currentPhase === 'online';
    this.currentPhase = 'stopped';
    this.redraws.stop();
    const transport = this.transport;
    this.transport = null;
    await this.enrollment?.stop();
    if (transport) {
      if (wasOnline && transport.connected) {
        // A clean DISCONNECT suppresses the last will, so say "offline" ourselves.
        await transport
          .publish(this.topic('deviceAvailability'), encodePayload('deviceAvailability', 'offline'), { retain: true, qos: 1 })
          .catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'could not publish offline'));
      }
      await transport.end(true);
    }
    this.requests.stop();
    this.notices.stop();
    this.local.disarm();
    this.led.stop();
    this.deps.clock.clearTimeout(this.errorTimer);
    await this.redrawer.idle();
  }

  /** A method, not a field read, because the phase changes across awaits. */
  private stopped(): boolean {
    return this.currentPhase === 'stopped';
  }

  // --- connection ---------------------------------------------------------------------------

  private async enroll(): Promise<void> {
    const token = this.options.enrollmentToken;
    if (!token || this.currentPhase === 'stopped') return;
    this.currentPhase = 'enrolling';
    this.update(false);
    const transport = this.deps.transports();
    this.transport = transport;
    const enrollment = new Enrollment({
      clock: this.deps.clock,
      log: this.log,
      transport,
      prefix: this.options.prefix,
      deviceId: this.deviceId,
      url: this.options.url,
      token,
      hello: () => this.hello(true),
    });
    this.enrollment = enrollment;
    const outcome = await enrollment.run();
    this.enrollment = null;
    if (outcome.status === 'stopped' || this.stopped()) return;
    this.transport = null;
    await transport.end(true);
    if (outcome.status === 'refused') {
      this.currentPhase = 'refused';
      this.update(false);
      return;
    }
    try {
      await this.deps.credentials.save({ deviceId: this.deviceId, secret: outcome.secret, enrolledAt: new Date(this.deps.clock.now()).toISOString() });
    } catch (e) {
      // Still connect: the device works until its next restart, and the log says why it will enroll again.
      this.log.error({ err: (e as Error).message }, 'could not store the device secret');
    }
    if (!this.stopped()) this.connectWithSecret(outcome.secret);
  }

  private connectWithSecret(secret: string): void {
    this.currentPhase = 'connecting';
    const transport = this.deps.transports();
    this.transport = transport;
    transport.on('connect', () => void this.onConnect(transport));
    transport.on('message', (topic, payload) => this.onMessage(topic, payload));
    transport.on('close', () => {
      if (this.transport !== transport) return;
      this.subscribedRoom = null;
      // The next session reads the server's retained availability afresh.
      this.serverOnline = null;
      if (this.currentPhase === 'online') this.currentPhase = 'connecting';
      this.reachabilityChanged();
    });
    transport.on('error', (e) => this.onTransportError(e, transport));
    transport.connect({
      url: this.options.url,
      clientId: this.deviceId,
      username: this.deviceId,
      password: secret,
      will: { topic: this.topic('deviceAvailability'), payload: encodePayload('deviceAvailability', 'offline'), retain: true, qos: 1 },
    });
  }

  private onTransportError(e: TransportError, transport: MqttTransport): void {
    if (this.transport !== transport) return;
    if (e.kind !== 'auth') {
      this.log.warn({ kind: e.kind, code: e.code, err: e.message }, 'broker connection problem');
      return;
    }
    if (this.options.enrollmentToken) {
      this.log.error({ code: e.code, deviceId: this.deviceId }, 'the broker refused this device secret (revoked?); enrolling again with the enrollment token');
      this.transport = null;
      void transport.end(false).then(() => this.enroll());
      return;
    }
    this.log.error(
      { code: e.code, deviceId: this.deviceId },
      'the broker refused this device secret (revoked?) and no enrollment token is configured; retrying with backoff',
    );
  }

  private async onConnect(transport: MqttTransport): Promise<void> {
    if (this.transport !== transport || this.currentPhase === 'stopped') return;
    this.currentPhase = 'online';
    try {
      await transport.publish(this.topic('deviceAvailability'), encodePayload('deviceAvailability', 'online'), { retain: true, qos: 1 });
      const room = this.config?.room ?? null;
      // Recorded before the await: the retained config may arrive and switch rooms meanwhile.
      this.subscribedRoom = room;
      // Subscribed before the hello: the server answers it with the notices in force, which
      // are not retained and would be lost on a topic not subscribed yet.
      await transport.subscribe([...this.baseFilters(), ...this.roomFilters(room)]);
      await transport.publish(this.topic('deviceHello'), encodePayload('deviceHello', this.hello(false)), { qos: 1 });
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'announcing and subscribing after connect failed');
    }
    this.reachabilityChanged();
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
    return topicOf(this.options.prefix, name, { device: this.deviceId });
  }

  private baseFilters(): string[] {
    const { prefix } = this.options;
    return [
      this.topic('deviceConfig'),
      filterOf(prefix, 'deviceResponse', { device: this.deviceId }),
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

  // --- messages -----------------------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer): void {
    if (this.currentPhase === 'stopped') return;
    const parsed = parseTopic(this.options.prefix, topic);
    if (!parsed) return this.log.debug({ topic }, 'ignored a message on an unknown topic');
    const { name, params } = parsed;
    const room = this.config?.room ?? null;
    switch (name) {
      case 'serverAvailability': {
        const v = decodePayload(name, payload);
        if (!v.ok) return this.malformed(topic, v.error);
        this.serverOnline = v.value === 'online';
        this.log.info({ server: v.value }, 'server availability');
        return this.reachabilityChanged();
      }
      case 'deviceConfig': {
        if (params.device !== this.deviceId) return;
        const v = decodePayload(name, payload);
        if (!v.ok) return this.malformed(topic, v.error);
        return this.applyConfig(v.value);
      }
      case 'roomState': {
        if (params.room !== room) return;
        const v = decodePayload(name, payload);
        if (!v.ok) return this.malformed(topic, v.error);
        this.serverState = v.value;
        // The server's state wins over anything computed here.
        this.localState = null;
        if (!this.reachable()) this.local.arm();
        return this.update(false);
      }
      case 'roomAgenda': {
        if (params.room !== room) return;
        const v = decodePayload(name, payload);
        if (!v.ok) return this.malformed(topic, v.error);
        this.agenda = v.value;
        return this.update(false);
      }
      case 'deviceResponse': {
        if (params.device !== this.deviceId) return;
        const v = decodePayload(name, payload);
        if (!v.ok) return this.malformed(topic, v.error);
        return this.onResponse(params.verb ?? '', v.value);
      }
      case 'notifyAll':
      case 'notifyRoom':
      case 'notifyDevice': {
        if (name === 'notifyRoom' && params.room !== room) return;
        if (name === 'notifyDevice' && params.device !== this.deviceId) return;
        const v = decodePayload(name, payload);
        if (!v.ok) return this.malformed(topic, v.error);
        if (!this.notices.show(v.value)) this.log.info({ topic, name: v.value.name }, 'ignored a notify message that has already expired');
        return;
      }
      default:
        return this.log.debug({ topic }, 'ignored a message not meant for a device');
    }
  }

  private malformed(topic: string, reason: string): void {
    this.log.warn({ topic, reason }, 'ignored a malformed payload');
  }

  private applyConfig(config: DeviceConfig): void {
    const previous = this.config?.room ?? null;
    this.config = config;
    if (config.room !== previous) {
      this.log.info({ from: previous, to: config.room }, config.room === null ? 'no room assigned' : 'room assigned');
      this.serverState = null;
      this.localState = null;
      this.agenda = null;
      this.local.disarm();
      void this.switchRoom(config.room);
    }
    this.update(false);
  }

  private async switchRoom(room: string | null): Promise<void> {
    const transport = this.transport;
    if (!transport?.connected || this.subscribedRoom === room) return;
    const old = this.subscribedRoom;
    this.subscribedRoom = room;
    try {
      await transport.unsubscribe(this.roomFilters(old));
      await transport.subscribe(this.roomFilters(room));
    } catch (e) {
      this.log.warn({ err: (e as Error).message, room }, 'switching the room subscription failed');
    }
  }

  private onResponse(verb: string, response: DeviceResponse): void {
    const request = this.requests.resolve(response);
    if (!request) return this.log.debug({ transaction: response.transaction }, 'ignored a response to an unknown or finished request');
    if (request.verb !== verb) this.log.warn({ expected: request.verb, got: verb }, 'response arrived on another verb than its request');
    if (response.status === 'ok') {
      this.log.info({ verb: request.verb, transaction: response.transaction }, 'request accepted');
      this.clearError();
      this.led.ok();
      this.redrawer.request(true);
      return;
    }
    const reason = response.error?.message ?? response.error?.code ?? 'refused';
    this.log.info({ verb: request.verb, transaction: response.transaction, code: response.error?.code }, 'request refused');
    this.showError(reason);
  }

  // --- buttons ------------------------------------------------------------------------------

  private press(action: ButtonAction, source: string): void {
    if (this.currentPhase === 'stopped') return;
    const ttl = this.config?.requestTtlSecs ?? this.options.defaults.requestTtlSecs;
    const verb: Verb = action === 'book-until-next' ? 'book' : action;
    const request = this.requests.press(verb, ttl, this.askFor(action));
    if (request) this.log.info({ verb, source, transaction: request.payload.transaction, queued: !request.sent, ...request.payload.untilNext ? { untilNext: true } : {} }, 'button pressed');
  }

  /** How long a press asks for: the default booking, the first extend step, or up to the next meeting. */
  private askFor(action: ButtonAction): { durationMins?: number; untilNext?: true } {
    switch (action) {
      case 'book':
        return { durationMins: this.config?.defaultDurationMins ?? this.options.defaults.defaultDurationMins };
      case 'book-until-next':
        return { untilNext: true };
      case 'extend': {
        // Without a config yet the server takes the display's first step itself.
        const step = this.config?.extendStepsMins[0];
        return step === undefined ? {} : { durationMins: step };
      }
      default:
        return {};
    }
  }

  private async publishRequest(verb: Verb, payload: TrackedRequest['payload']): Promise<void> {
    const transport = this.transport;
    if (!transport) throw new Error('no broker connection');
    await transport.publish(topicOf(this.options.prefix, 'deviceRequest', { device: this.deviceId, verb }), encodePayload('deviceRequest', payload), { qos: 1 });
  }

  private requestExpired(request: TrackedRequest): void {
    this.showError(request.sent ? 'no answer from the server' : 'server unreachable');
  }

  private showError(reason: string): void {
    this.deps.clock.clearTimeout(this.errorTimer);
    this.errorText = reason;
    this.errorTimer = this.deps.clock.setTimeout(() => {
      this.errorTimer = null;
      this.errorText = null;
      this.redrawer.request(false);
    }, ERROR_SHOW_MS);
    this.led.error();
    this.redrawer.request(true);
  }

  private clearError(): void {
    this.deps.clock.clearTimeout(this.errorTimer);
    this.errorTimer = null;
    this.errorText = null;
  }

  // --- state --------------------------------------------------------------------------------

  private reachable(): boolean {
    return this.currentPhase === 'online' && this.transport?.connected === true && this.serverOnline !== false;
  }

  private reachabilityChanged(): void {
    const now = this.reachable();
    if (now === this.wasReachable) return;
    this.wasReachable = now;
    if (now) {
      this.log.info('server reachable');
      this.local.disarm();
      this.localState = null;
      this.requests.flush();
    } else {
      this.log.warn('server unreachable: the state is recomputed locally at each boundary');
      this.local.arm();
    }
    this.update(false);
  }

  private localInputs(): LocalInputs | null {
    const config = this.config;
    if (!config?.room) return null;
    return { room: config.room, config, agenda: this.agenda, state: this.localState ?? this.serverState };
  }

  private shownState(): RoomState | null {
    if (!this.reachable()) return this.localState ?? this.serverState;
    return this.serverState;
  }

  private update(urgent: boolean): void {
    if (this.currentPhase === 'stopped') return;
    this.redraws.follow(this.shownState());
    this.led.setStatus(this.shownState()?.status ?? null);
    this.redrawer.request(urgent);
  }

  /** The screen for a display with no room to show, or null when it has one. */
  private statusScreen(): StatusScreen | null {
    if (this.currentPhase === 'enrolling') return STATUS_SCREENS.enrolling(this.deviceId);
    if (this.currentPhase === 'refused') return STATUS_SCREENS.refused(this.deviceId);
    if (this.config && this.config.room === null) return STATUS_SCREENS.unassigned(this.deviceId);
    return null;
  }

  private async draw(urgent: boolean): Promise<void> {
    if (this.currentPhase === 'stopped') return;
    const screen = this.statusScreen();
    if (screen) {
      if (!this.deps.renderStatus) return;
      const picture = await this.deps.renderStatus(screen);
      this.shownView = null;
      this.picture = picture;
      await this.deps.sink.submit(picture, { urgent });
      return;
    }
    const config = this.config;
    const state = this.shownState();
    if (!config || !state) return;
    const view = buildView({
      config,
      state,
      events: this.agenda?.events ?? [],
      now: this.deps.clock.now(),
      offline: !this.reachable(),
      notice: this.notices.notice,
      pending: this.requests.pendingVerb(),
      error: this.errorText,
    });
    view.showClock = this.options.minuteClock;
    const picture = await this.deps.render(view);
    this.shownView = view;
    this.picture = picture;
    await this.deps.sink.submit(picture, { urgent });
  }
}
