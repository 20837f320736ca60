import type { Clock } from '../../shared/clock.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { RoomState } from '../../shared/model/room-state.js';
import type { ActionSource, PictureSink, Raster, StatusLight } from '../hal/types.js';
import type { PanelView } from '../render/view.js';
import type { StatusScreen } from '../render/status-screen.js';
import type { CredentialsStore } from './credentials.js';
import { DeviceSession, type AgentPhase, type SessionOptions } from './device-session.js';
import { Display } from './display.js';
import { LedFeedback } from './led-feedback.js';
import { NoticeBoard } from './notice-board.js';
import { PressHandler } from './press-handler.js';
import { PresenceReport } from './presence-report.js';
import type { PresenceSensor } from '../hal/presence.js';
import { RoomModel } from './room-model.js';
import type { SystemInfo } from './system-info.js';
import type { TransportFactory } from './transport.js';

export type { AgentPhase } from './device-session.js';

export interface AgentOptions extends SessionOptions {
  /** Used until the server's device config arrives. */
  defaults: { requestTtlSecs: number; defaultDurationMins: number };
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
  /** The presence input (a PIR), when the display has one: reported to the server. */
  presence?: Pick<PresenceSensor, 'present' | 'onChange'> | null;
  logger?: Logger;
}

/**
 * The edge agent: its session brings the server's config, state and agenda for the room into
 * the room model; the display shows what the model (and the presses and notices) say; presses
 * go out through the session. This class only wires the parts and keeps their order.
 */
export class Agent {
  readonly deviceId: string;
  private readonly led: LedFeedback;
  private readonly notices: NoticeBoard;
  private readonly session: DeviceSession;
  private readonly room: RoomModel;
  private readonly presses: PressHandler;
  private readonly display: Display;
  private readonly presence: PresenceReport | null;
  private started = false;

  constructor(
    private readonly options: AgentOptions,
    private readonly deps: AgentDeps,
  ) {
    this.deviceId = options.deviceId;
    const log = deps.logger ?? createLogger('edge:agent');
    const { clock } = deps;
    this.led = new LedFeedback(deps.light, clock);
    this.notices = new NoticeBoard(clock, () => this.update());
    this.room = new RoomModel(clock, log, () => this.update());
    const { sink, render, renderStatus } = deps;
    this.display = new Display({ clock, log, sink, led: this.led, render, renderStatus, minuteClock: options.minuteClock }, () =>
      this.room.scene({
        phase: this.phase,
        deviceId: this.deviceId,
        now: clock.now(),
        offline: !this.session.reachable,
        notice: this.notices.notice,
        pending: this.presses.pending,
        error: this.presses.error,
        present: deps.presence?.present ?? false,
      }),
    );
    this.session = new DeviceSession(options, { clock, transports: deps.transports, credentials: deps.credentials, system: deps.system, log }, {
      phaseChanged: () => this.update(),
      reachabilityChanged: (reachable) => {
        this.room.setReachable(reachable);
        if (reachable) this.presses.flush();
        if (reachable) this.presence?.connected();
        this.update();
      },
      config: (config) => this.room.applyConfig(config),
      roomState: (state) => this.room.setServerState(state),
      roomAgenda: (agenda) => this.room.setAgenda(agenda),
      response: (verb, response) => this.presses.response(verb, response),
      notice: (notify, topic) => {
        if (!this.notices.show(notify)) log.info({ topic, name: notify.name }, 'ignored a notify message that has already expired');
      },
    });
    this.presses = new PressHandler({
      clock,
      log,
      led: this.led,
      config: () => this.room.config,
      defaults: options.defaults,
      canSend: () => this.session.reachable,
      send: (verb, payload) => this.session.publishRequest(verb, payload),
      redraw: (urgent) => this.display.redraw(urgent),
    });
    // Someone in a free room: the panel offers to book it (an unchanged picture is not redrawn).
    deps.presence?.onChange(() => this.update());
    this.presence = deps.presence ? new PresenceReport(deps.presence, clock, (present, since) => this.session.publishPresence(present, since), log) : null;
  }

  get phase(): AgentPhase {
    return this.session.phase;
  }

  /** The last picture handed to the sink, and the view it was drawn from. */
  get lastPicture(): Raster | null {
    return this.display.lastPicture;
  }

  get lastView(): PanelView | null {
    return this.display.lastView;
  }

  /** The state on the panel now, and whether it was computed locally. */
  get roomState(): { state: RoomState; local: boolean } | null {
    return this.room.shown;
  }

  /** Resolves once no picture is being drawn (for an orderly stop, and for tests). */
  settled(): Promise<void> {
    return this.display.idle();
  }

  async start(): Promise<void> {
    if (this.started) throw new Error(`agent ${this.deviceId}: start() called twice`);
    this.started = true;
    this.deps.actions.onAction((action, source) => {
      if (this.phase !== 'stopped') this.presses.press(action, source);
    });
    this.display.start();
    await this.session.start();
  }

  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.presence?.close();
    await this.display.stop();
    await this.session.stop();
    this.presses.stop();
    this.notices.stop();
    this.room.stop();
    this.led.stop();
  }

  private update(): void {
    if (this.phase === 'stopped') return;
    // Online the server publishes each boundary's state; offline the local recompute does.
    const ownBoundary = !this.session.reachable && !this.room.recomputing;
    this.display.update(this.room.shown?.state ?? null, ownBoundary);
  }
}
