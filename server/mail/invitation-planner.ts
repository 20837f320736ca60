import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { RoomInfo } from '../rooms/room-directory.js';
import type { BookingAttendees, MailedState } from '../store/repos/booking-attendees.js';
import type { MailKind, NewMail } from '../store/repos/mail-outbox.js';
import type { MailComposer } from './compose.js';

export interface PlannerDeps {
  clock: Clock;
  log: Logger;
  rooms: { get(id: string): RoomInfo | undefined };
  events: { get(roomId: string, id: string): CalendarEvent | null };
  attendees: {
    listForRoom(roomId: string): BookingAttendees[];
    get(roomId: string, eventId: string): BookingAttendees | null;
    markMailed(roomId: string, eventId: string, m: MailedState): void;
  };
  outbox: { enqueue(m: NewMail): unknown };
  transaction<T>(fn: () => T): T;
  composer: MailComposer;
  /** Render and log only; nothing is queued. */
  dryRun: boolean;
  /** Called after mails were queued (the worker looks at once). */
  queued?: () => void;
}

/** What the calendar says now about a booking, in the terms a mail speaks of. */
function wanted(e: CalendarEvent | null): { status: 'confirmed' | 'cancelled'; start: string; end: string } | null {
  if (!e) return null;
  if (e.allDay) return null;
  return { status: e.status === 'cancelled' ? 'cancelled' : 'confirmed', start: new Date(Date.parse(e.start)).toISOString(), end: new Date(Date.parse(e.end)).toISOString() };
}

/**
 * Compares each booking with what its attendees were last told and queues what they have not
 * heard yet: the invitation, an update (same UID, next SEQUENCE) when the time moved (extend,
 * end early, a time change), a cancellation when it was cancelled or released. The mails and
 * the new "last told" state are written in one transaction, so a crash repeats nothing and
 * loses nothing; the comparison is with the stored state, so it does not matter which change
 * of the calendar (or a restart) triggers it.
 */
export class InvitationPlanner {
  private queuedCount = 0;

  constructor(private readonly deps: PlannerDeps) {}

  queuedTotal(): number {
    return this.queuedCount;
  }

  reconcileRoom(roomId: string): number {
    let n = 0;
    const now = this.deps.clock.now();
    for (const b of this.deps.attendees.listForRoom(roomId)) {
      if (b.mailed && (b.mailed.status === 'cancelled' || Date.parse(b.mailed.end) <= now)) continue;
      n += this.reconcile(roomId, b.eventId);
    }
    return n;
  }

  reconcile(roomId: string, eventId: string): number {
    const { deps } = this;
    const room = deps.rooms.get(roomId);
    if (!room) return 0;
    const mails = deps.transaction(() => {
      const b = deps.attendees.get(roomId, eventId);
      if (!b || b.attendees.length === 0) return [];
      // Settled: cancelled, or over (its event may even be pruned from the calendar by now).
      if (b.mailed && (b.mailed.status === 'cancelled' || Date.parse(b.mailed.end) <= deps.clock.now())) return [];
      const event = deps.events.get(roomId, eventId);
      const now = wanted(event) ?? (b.mailed ? { ...b.mailed, status: 'cancelled' as const } : null);
      if (!now) return [];
      const told = b.mailed;
      let kind: MailKind | null = null;
      if (!told) kind = now.status === 'confirmed' && Date.parse(now.end) > deps.clock.now() ? 'invite' : null;
      else if (told.status === 'cancelled') kind = null;
      else if (now.status === 'cancelled') kind = 'cancel';
      else if (told.start !== now.start || told.end !== now.end) kind = 'update';
      if (kind === null) {
        // A booking cancelled (or over) before anyone was invited is settled without a mail.
        if (!told) deps.attendees.markMailed(roomId, eventId, { sequence: 0, start: now.start, end: now.end, status: 'cancelled' });
        return [];
      }
      const sequence = told ? told.sequence + 1 : 0;
      const facts = { title: event?.title ?? '', start: Date.parse(now.start), end: Date.parse(now.end) };
      const out = deps.composer.compose(kind, b, facts, room, sequence, deps.clock.now());
      if (!deps.dryRun) for (const m of out) deps.outbox.enqueue(m);
      deps.attendees.markMailed(roomId, eventId, { sequence, start: now.start, end: now.end, status: now.status });
      return out;
    });
    if (mails.length === 0) return 0;
    for (const m of mails) {
      if (deps.dryRun) deps.log.info({ dryRun: true, kind: m.kind, to: m.recipient, subject: m.subject }, 'mail rendered, not sent');
      else deps.log.info({ kind: m.kind, to: m.recipient, room: roomId, event: eventId }, 'mail queued');
    }
    if (!deps.dryRun) {
      this.queuedCount += mails.length;
      deps.queued?.();
    }
    return mails.length;
  }
}
