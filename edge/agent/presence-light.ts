import type { RoomState } from '../../shared/model/room-state.js';
import type { LedColor, StatusLight } from '../hal/types.js';
import type { PresenceSensor } from '../hal/presence.js';

type Pattern = StatusLight['pattern'];

/**
 * The busy light with a presence input: someone in a room that is free (not booked) shows
 * amber, slowly blinking — "in use, not booked", different from the steady amber of a meeting
 * waiting for check-in — so passers-by see it is taken and the people inside see they may book
 * it. Everything else the agent sets passes through unchanged.
 */
export class PresenceAwareLight implements StatusLight {
  private wanted: { color: LedColor; pattern: Pattern } = { color: 'off', pattern: 'steady' };

  constructor(
    private readonly inner: StatusLight,
    private readonly sensor: PresenceSensor,
    private readonly stateOf: () => RoomState | null,
  ) {
    sensor.onChange(() => this.apply());
  }

  get color(): LedColor {
    return this.inner.color;
  }

  get pattern(): Pattern {
    return this.inner.pattern;
  }

  set(color: LedColor, pattern: Pattern = 'steady'): void {
    this.wanted = { color, pattern };
    this.apply();
  }

  close(): void {
    this.inner.close();
  }

  /** Whether the light now says "in use, not booked". */
  get inUseNotBooked(): boolean {
    const { color, pattern } = this.wanted;
    // Steady green is the free room (an accepted press also flashes green, but then the room is no longer free).
    return color === 'green' && pattern === 'steady' && this.sensor.present && this.stateOf()?.status === 'free';
  }

  private apply(): void {
    if (this.inUseNotBooked) this.inner.set('amber', 'blink');
    else this.inner.set(this.wanted.color, this.wanted.pattern);
  }
}
