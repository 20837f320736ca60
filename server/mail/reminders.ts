import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import { applyPrivacy } from '../../shared/model/privacy.js';
import { isDoorplateError } from '../../shared/errors.js';
import type { RoomInfo } from '../rooms/room-directory.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export interface ReminderDeps {
  clock: Clock;
  log: Logger;
  rooms: { list(): RoomInfo[] };
  /** Minutes before a meeting to remind, per room (0: never). */
  leadMins(roomId: string): number;
  events: { listForRoom(roomId: string, fromMs?: number, toMs?: number): CalendarEvent[] };
  /** Claims a reminder in the store: false when it was sent before (also before a restart). */
  claim(roomId: string, eventId: string, start: string): boolean;
  /** Gives a claim back when the panels' notice was refused for now (the notify budget was spent). */
  release(roomId: string, eventId: string, start: string): void;
  /** A notice line on the room's panels (the notify path). */
  notifyPanels(room: RoomInfo, message: string, expiresAt: string): void;
  /** Mails to the meeting's attendees, if it has any. */
  mailAttendees(room: RoomInfo, event: CalendarEvent): void;
  /** Once a day: forgets what is old enough (reminders sent, mail sent, bookings over). */
  prune?: (nowMs: number) => unknown;
  /** How often to look (a minute by default). */
  tickMs?: number;
}

function hhmm(ms: number, room: RoomInfo): string {
  return new Intl.DateTimeFormat(room.locale, { timeZone: room.timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

/**
 * Reminders before meetings: once per meeting and start time, claimed in the store before
 * anything is sent, so neither a second look nor a restart sends one twice. A cancelled or
 * released meeting is never reminded of; an all-day event neither.
 */
export class Reminders {
  private timer: TimerHandle | null = null;
  private sentCount = 0;
  private prunedAt = 0;

  constructor(private readonly deps: ReminderDeps) {}

  start(): void {
    this.tick();
  }

  stop(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  sent(): number {
    return this.sentCount;
  }

  /** Sends every reminder due now; returns how many. */
  check(): number {
    const now = this.deps.clock.now();
    let n = 0;
    for (const room of this.deps.rooms.list()) {
      const lead = this.deps.leadMins(room.id) * MIN;
      if (lead <= 0) continue;
      for (const e of this.deps.events.listForRoom(room.id, now, now + lead + MIN)) {
        if (e.allDay || e.status === 'cancelled') continue;
        const start = Date.parse(e.start);
        if (!(start > now && start - lead <= now)) continue;
        if (!this.deps.claim(room.id, e.id, e.start)) continue;
        if (this.send(room, e, start)) n++;
        else this.deps.release(room.id, e.id, e.start);
      }
    }
    this.sentCount += n;
    return n;
  }

  /** False when the notice was refused for now (rate limit): nothing was sent, the next look tries again. */
  private send(room: RoomInfo, e: CalendarEvent, start: number): boolean {
    const title = applyPrivacy(e, room.privacy).title ?? 'Meeting';
    try {
      this.deps.notifyPanels(room, `${title}: ${hhmm(start, room)}`.slice(0, 280), new Date(start).toISOString());
    } catch (err) {
      if (isDoorplateError(err) && err.code === 'RATE_LIMITED') {
        this.deps.log.info({ room: room.id, event: e.id }, 'reminder notice deferred: the notify budget is spent');
        return false;
      }
      this.deps.log.warn({ room: room.id, event: e.id, err: (err as Error).message }, 'the reminder notice did not reach the panels');
    }
    try {
      this.deps.mailAttendees(room, e);
    } catch (err) {
      this.deps.log.warn({ room: room.id, event: e.id, err: (err as Error).message }, 'the reminder mails were not queued');
    }
    this.deps.log.info({ room: room.id, event: e.id, start: e.start }, 'reminder sent');
    return true;
  }

  private tick(): void {
    try {
      this.check();
      const now = this.deps.clock.now();
      if (now - this.prunedAt >= DAY) {
        this.prunedAt = now;
        this.deps.prune?.(now);
      }
    } catch (e) {
      this.deps.log.warn({ err: (e as Error).message }, 'reminder check failed');
    }
    this.timer = this.deps.clock.setTimeout(() => this.tick(), this.deps.tickMs ?? MIN);
  }
}
