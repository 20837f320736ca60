import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import { demoArrival } from '../../server/demo/seed.js';

/** The one booking call the demo's people make. */
export interface CheckInDoor {
  checkIn(roomId: string, opts: { eventId: string; scope: string; key?: string }): Promise<unknown>;
}

/**
 * The demo's people: at each seeded meeting's arrival time (demoArrival) they check in through
 * the booking service, as a press at the door would; no-shows never come, so auto-release is
 * still seen. Runs on the injected clock.
 */
export class DemoAttendance {
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly deps: {
      clock: Clock;
      schedule: ReadonlyMap<string, readonly CalendarEvent[]>;
      seed: number;
      door: CheckInDoor;
      log: Logger;
      /** Called after each check-in attempt (tests wait on it). */
      onAttempt?: (eventId: string, ok: boolean) => void;
    },
  ) {}

  start(): void {
    const now = this.deps.clock.now();
    for (const [roomId, events] of this.deps.schedule) {
      for (const e of events) {
        const at = demoArrival(e, this.deps.seed);
        // Earlier arrivals are in the seed already (checkedInAt).
        if (at === null || at <= now || e.checkedInAt !== null) continue;
        const t = this.deps.clock.setTimeout(() => {
          this.timers.delete(t);
          void this.arrive(roomId, e.id);
        }, at - now);
        this.timers.add(t);
      }
    }
  }

  stop(): void {
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** Pending arrivals (for tests and the log). */
  get pending(): number {
    return this.timers.size;
  }

  private async arrive(roomId: string, eventId: string): Promise<void> {
    try {
      await this.deps.door.checkIn(roomId, { eventId, scope: 'demo-attendance', key: `arrive-${eventId}` });
      this.deps.onAttempt?.(eventId, true);
    } catch (e) {
      // The meeting may have been ended, cancelled or moved by someone clicking in the demo.
      this.deps.log.debug({ room: roomId, event: eventId, err: (e as Error).message }, 'a demo check-in was not taken');
      this.deps.onAttempt?.(eventId, false);
    }
  }
}
