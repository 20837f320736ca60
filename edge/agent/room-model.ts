import type { Clock } from '../../shared/clock.js';
import type { Agenda, DeviceConfig } from '../../shared/api/index.js';
import type { Logger } from '../../shared/logger.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { STATUS_SCREENS } from '../render/status-screen.js';
import type { PanelView } from '../render/view.js';
import type { AgentPhase } from './device-session.js';
import type { Scene } from './display.js';
import { LocalRecompute } from './local-recompute.js';
import { buildView } from './view-builder.js';

/** What the model does not hold itself but the picture shows. */
export interface SceneContext extends Pick<PanelView, 'notice' | 'pending' | 'error' | 'now' | 'offline' | 'present'> {
  phase: AgentPhase;
  deviceId: string;
}

/**
 * What the device knows of its room: the config from the server, the server's last state and
 * agenda, and while the server is unreachable the state recomputed here at each boundary.
 * The server's state always wins over a local one.
 */
export class RoomModel {
  private current: DeviceConfig | null = null;
  private serverState: RoomState | null = null;
  private localState: RoomState | null = null;
  private currentAgenda: Agenda | null = null;
  private reachable = false;
  private readonly local: LocalRecompute;

  constructor(
    clock: Clock,
    private readonly log: Logger,
    /** Called after every change of what the panel should show. */
    private readonly changed: () => void,
  ) {
    this.local = new LocalRecompute(
      clock,
      log,
      () => {
        const config = this.current;
        if (!config?.room) return null;
        return { room: config.room, config, agenda: this.currentAgenda, state: this.localState ?? this.serverState };
      },
      (state) => {
        this.localState = state;
        this.changed();
      },
    );
  }

  get config(): DeviceConfig | null {
    return this.current;
  }

  get agenda(): Agenda | null {
    return this.currentAgenda;
  }

  /** Whether a local recompute waits on the next boundary (it then redraws the panel there). */
  get recomputing(): boolean {
    return this.local.armed;
  }

  /** The state to show: the server's while it is reachable, otherwise the freshest one known. */
  get shown(): { state: RoomState; local: boolean } | null {
    const state = this.reachable ? this.serverState : (this.localState ?? this.serverState);
    return state ? { state, local: state === this.localState } : null;
  }

  /** Takes a config; a new room forgets everything known of the old one. */
  applyConfig(config: DeviceConfig): void {
    const previous = this.current?.room ?? null;
    this.current = config;
    if (config.room !== previous) {
      this.log.info({ from: previous, to: config.room }, config.room === null ? 'no room assigned' : 'room assigned');
      this.serverState = null;
      this.localState = null;
      this.currentAgenda = null;
      this.local.disarm();
    }
    this.changed();
  }

  setServerState(state: RoomState): void {
    this.serverState = state;
    this.localState = null;
    if (!this.reachable) this.local.arm();
    this.changed();
  }

  setAgenda(agenda: Agenda): void {
    this.currentAgenda = agenda;
    this.changed();
  }

  /** Online the server keeps the state; offline this model does, from the last agenda. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    if (reachable) {
      this.local.disarm();
      this.localState = null;
    } else {
      this.local.arm();
    }
  }

  /** What the panel shows: a status screen while there is no room to show, else the room's view. */
  scene(ctx: SceneContext): Scene {
    const config = this.current;
    if (ctx.phase === 'enrolling') return { screen: STATUS_SCREENS.enrolling(ctx.deviceId) };
    if (ctx.phase === 'refused') return { screen: STATUS_SCREENS.refused(ctx.deviceId) };
    if (config && config.room === null) return { screen: STATUS_SCREENS.unassigned(ctx.deviceId) };
    const shown = this.shown;
    if (!config || !shown) return null;
    const { now, offline, notice, pending, error, present } = ctx;
    return { view: buildView({ config, state: shown.state, events: this.currentAgenda?.events ?? [], now, offline, notice, pending, error, present: present ?? false }) };
  }

  stop(): void {
    this.local.disarm();
  }
}
