import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { RoomState } from '../../shared/model/room-state.js';
import type { ActionSource, ButtonAction } from '../hal/types.js';
import type { PresenceSensor } from '../hal/presence.js';

/** While someone is present, how often the room's state is looked at again. */
const RECHECK_MS = 15_000;

/**
 * Presence as check-in: while the presence input sees someone and a check-in window is open
 * for the meeting about to use the room, it asks for a check-in once per meeting, as the
 * check-in button would (so the server's rules and the same request path apply). Not while
 * another meeting still holds the room (those present are its people), and never offline
 * decided: the request goes to the server like a press.
 */
export class PresenceCheckIn implements ActionSource {
  private readonly listeners: Array<(action: ButtonAction, source: string) => void> = [];
  private readonly asked = new Set<string>();
  private timer: TimerHandle | null = null;
  private closed = false;

  constructor(
    private readonly sensor: PresenceSensor,
    private readonly clock: Clock,
    /** The state the display shows now (the agent's `roomState`). */
    private readonly stateOf: () => RoomState | null,
  ) {
    sensor.onChange((present) => (present ? this.check() : this.idle()));
  }

  onAction(listener: (action: ButtonAction, source: string) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.closed = true;
    this.idle();
  }

  /** The meeting presence would check in now, or null. */
  static meetingToCheckIn(state: RoomState | null): string | null {
    if (state === null || state.checkIn === null) return null;
    // Started and waiting: those present are its people.
    if (state.status === 'awaiting-checkin') return state.checkIn.eventId;
    // Free, and the window of the next meeting opened early: people arriving for it.
    if (state.status === 'free' && state.next?.id === state.checkIn.eventId) return state.checkIn.eventId;
    return null;
  }

  private check(): void {
    if (this.closed || !this.sensor.present) return;
    const id = PresenceCheckIn.meetingToCheckIn(this.stateOf());
    if (id !== null && !this.asked.has(id)) {
      this.asked.add(id);
      if (this.asked.size > 64) this.asked.delete(this.asked.values().next().value as string);
      for (const l of this.listeners) l('checkin', 'presence');
    }
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.check(), RECHECK_MS);
  }

  private idle(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Several action sources (the buttons, a presence input) as one, for the agent. */
export function mergeActions(...sources: ActionSource[]): ActionSource {
  return {
    onAction: (listener) => {
      for (const s of sources) s.onAction(listener);
    },
    close: () => {
      for (const s of sources) s.close();
    },
  };
}
