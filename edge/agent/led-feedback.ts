import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { RoomStatus } from '../../shared/model/room-state.js';
import type { LedColor, StatusLight } from '../hal/types.js';

/** How long the light acknowledges an accepted request (steady green) before it follows the room again. */
export const OK_FLASH_MS = 1500;
/** How long the light fast-blinks red after a refused or unanswered request. */
export const ERROR_FLASH_MS = 3000;

export function colorOf(status: RoomStatus | null): LedColor {
  switch (status) {
    case 'free':
      return 'green';
    case 'busy':
      return 'red';
    case 'awaiting-checkin':
      return 'amber';
    default:
      return 'off';
  }
}

/**
 * The busy light: the room's colour, blinking while a request waits for its answer, a short
 * acknowledgement after an answer. A flash outranks the pending blink, which outranks the room.
 */
export class LedFeedback {
  private status: RoomStatus | null = null;
  private pending = false;
  private flash: { color: LedColor; pattern: 'steady' | 'fast-blink' } | null = null;
  private flashTimer: TimerHandle | null = null;

  constructor(
    private readonly light: StatusLight,
    private readonly clock: Clock,
  ) {}

  setStatus(status: RoomStatus | null): void {
    this.status = status;
    this.apply();
  }

  setPending(pending: boolean): void {
    this.pending = pending;
    this.apply();
  }

  ok(): void {
    this.startFlash({ color: 'green', pattern: 'steady' }, OK_FLASH_MS);
  }

  error(): void {
    this.startFlash({ color: 'red', pattern: 'fast-blink' }, ERROR_FLASH_MS);
  }

  stop(): void {
    this.clock.clearTimeout(this.flashTimer);
    this.flashTimer = null;
    this.flash = null;
  }

  private startFlash(flash: NonNullable<LedFeedback['flash']>, ms: number): void {
    this.clock.clearTimeout(this.flashTimer);
    this.flash = flash;
    this.flashTimer = this.clock.setTimeout(() => {
      this.flashTimer = null;
      this.flash = null;
      this.apply();
    }, ms);
    this.apply();
  }

  private apply(): void {
    if (this.flash) return this.show(this.flash.color, this.flash.pattern);
    const color = colorOf(this.status);
    // With no room state yet, blink amber so a press still shows it was taken.
    if (this.pending) return this.show(color === 'off' ? 'amber' : color, 'blink');
    this.show(color, 'steady');
  }

  private show(color: LedColor, pattern: 'steady' | 'blink' | 'fast-blink'): void {
    if (this.light.color === color && this.light.pattern === pattern) return;
    this.light.set(color, pattern);
  }
}
