import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { RoomState } from '../../shared/model/room-state.js';

/**
 * When a panel is redrawn although no message came: at every whole minute where the panel
 * prints the time, otherwise at the shown state's next boundary (local midnight included), so
 * the printed day changes even when the server has nothing new to publish.
 */
export class RedrawTimers {
  private minuteTimer: TimerHandle | null = null;
  private boundaryTimer: TimerHandle | null = null;
  private boundaryAt: number | null = null;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly minuteClock: boolean,
    private readonly redraw: () => void,
  ) {}

  start(): void {
    this.running = true;
    if (this.minuteClock) this.armMinute();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.minuteTimer);
    this.clock.clearTimeout(this.boundaryTimer);
    this.boundaryAt = null;
  }

  /**
   * Follows the state on the panel, or null where someone else brings each boundary's state
   * (the server while online, the local recompute while offline); a boundary already past is
   * theirs to act on too.
   */
  follow(state: RoomState | null): void {
    if (this.minuteClock || !this.running) return;
    const next = state?.nextChangeAt ? Date.parse(state.nextChangeAt) : null;
    const at = next !== null && next > this.clock.now() ? next : null;
    if (at === this.boundaryAt) return;
    this.clock.clearTimeout(this.boundaryTimer);
    this.boundaryAt = at;
    if (at === null) return;
    this.boundaryTimer = this.clock.setTimeout(() => {
      this.boundaryAt = null;
      this.redraw();
    }, at - this.clock.now());
  }

  private armMinute(): void {
    this.minuteTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.redraw();
      this.armMinute();
    }, 60_000 - (this.clock.now() % 60_000));
  }
}
