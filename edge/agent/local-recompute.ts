import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Agenda, DeviceConfig } from '../../shared/api/index.js';
import type { Logger } from '../../shared/logger.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { computeRoomState } from '../../shared/state/engine.js';

export interface LocalInputs {
  room: string;
  config: DeviceConfig;
  agenda: Agenda | null;
  /** The state shown now (the server's last, or the last local one). */
  state: RoomState | null;
}

/**
 * While the server is unreachable the device keeps the panel right by itself: one timer at the
 * shown state's `nextChangeAt`, where the state is computed again from the last agenda with the
 * same engine the server uses, and the timer set for the next boundary.
 */
export class LocalRecompute {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly inputs: () => LocalInputs | null,
    private readonly onState: (state: RoomState) => void,
  ) {}

  get armed(): boolean {
    return this.timer !== null;
  }

  /** (Re)arms the timer from the current inputs; computes at once when there is no state to wait on. */
  arm(): void {
    this.disarm();
    const inputs = this.inputs();
    if (!inputs) return;
    if (inputs.state === null) {
      if (inputs.agenda) this.compute();
      return;
    }
    if (inputs.state.nextChangeAt === null) return;
    const at = Date.parse(inputs.state.nextChangeAt);
    // The shown state may already be past its boundary (the server went quiet before saying so).
    if (at <= this.clock.now()) return this.compute();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.compute();
    }, Math.max(0, at - this.clock.now()));
  }

  disarm(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private compute(): void {
    const inputs = this.inputs();
    if (!inputs) return;
    if (!inputs.agenda || inputs.agenda.room !== inputs.room) {
      this.log.warn({ room: inputs.room }, 'server unreachable and no agenda for this room: the panel keeps its last state');
      return;
    }
    const now = this.clock.now();
    let state: RoomState;
    try {
      state = computeRoomState(inputs.agenda.events, now, {
        room: inputs.room,
        timeZone: inputs.config.timeZone,
        checkIn: inputs.config.checkIn,
        privacy: inputs.config.privacy,
      });
    } catch (e) {
      this.log.error({ err: (e as Error).message, room: inputs.room }, 'local state computation failed');
      return;
    }
    this.log.info({ room: inputs.room, status: state.status, nextChangeAt: state.nextChangeAt }, 'state recomputed locally');
    this.onState(state);
    if (state.nextChangeAt !== null) {
      const at = Date.parse(state.nextChangeAt);
      // The engine always reports a later boundary; the floor guards against a tight loop if not.
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.compute();
      }, Math.max(1000, at - now));
    }
  }
}
