import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';
import { fromJson, toJson } from './json.js';

export interface Attendee {
  email: string;
  name?: string | undefined;
  language?: string | undefined;
}

/** What was last mailed about a booking: the calendar's view at that time. */
export interface MailedState {
  sequence: number;
  start: string;
  end: string;
  status: 'confirmed' | 'cancelled';
}

export interface BookingAttendees {
  roomId: string;
  eventId: string;
  organizer: string;
  organizerName: string | null;
  attendees: Attendee[];
  /** The iCalendar UID, fixed at booking so every update names the same event. */
  uid: string;
  /** Null until the first invitation is queued. */
  mailed: MailedState | null;
  createdAt: number;
}

interface Row {
  room_id: string;
  event_id: string;
  organizer: string;
  organizer_name: string | null;
  attendees: string;
  uid: string;
  sequence: number;
  sent_start: string | null;
  sent_end: string | null;
  sent_status: string | null;
  created_at: number;
}

function toBooking(r: Row): BookingAttendees {
  const mailed =
    r.sequence >= 0 && r.sent_start !== null && r.sent_end !== null
      ? { sequence: r.sequence, start: r.sent_start, end: r.sent_end, status: r.sent_status === 'cancelled' ? ('cancelled' as const) : ('confirmed' as const) }
      : null;
  return {
    roomId: r.room_id,
    eventId: r.event_id,
    organizer: r.organizer,
    organizerName: r.organizer_name,
    attendees: fromJson(r.attendees) as Attendee[],
    uid: r.uid,
    mailed,
    createdAt: r.created_at,
  };
}

/** The people invited to each booking of the built-in calendar, kept beside the event. */
export class BookingAttendeesRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Stores the people of a booking; a replayed request (same booking) keeps the first list and its mail state. */
  attach(b: { roomId: string; eventId: string; organizer: string; organizerName: string | null; attendees: Attendee[]; uid: string }): BookingAttendees {
    this.db
      .prepare(
        `INSERT INTO booking_attendees (room_id, event_id, organizer, organizer_name, attendees, uid, created_at)
         VALUES (@roomId, @eventId, @organizer, @organizerName, @attendees, @uid, @now)
         ON CONFLICT (room_id, event_id) DO NOTHING`,
      )
      .run({ ...b, attendees: toJson(b.attendees, 'attendees'), now: this.clock.now() });
    const got = this.get(b.roomId, b.eventId);
    if (!got) throw new Error(`booking ${b.roomId}/${b.eventId}: attendees not stored`);
    return got;
  }

  get(roomId: string, eventId: string): BookingAttendees | null {
    const row = this.db.prepare('SELECT * FROM booking_attendees WHERE room_id = ? AND event_id = ?').get(roomId, eventId) as Row | undefined;
    return row ? toBooking(row) : null;
  }

  listForRoom(roomId: string): BookingAttendees[] {
    return (this.db.prepare('SELECT * FROM booking_attendees WHERE room_id = ? ORDER BY created_at, event_id').all(roomId) as Row[]).map(toBooking);
  }

  /** Forgets the people of bookings that ended before `beforeMs`: nothing is mailed about those any more. */
  pruneEndedBefore(beforeMs: number): number {
    return this.db.prepare('DELETE FROM booking_attendees WHERE sent_end IS NOT NULL AND sent_end < ?').run(new Date(beforeMs).toISOString()).changes;
  }

  /** Records what the mails just queued said; run in the same transaction as the queueing. */
  markMailed(roomId: string, eventId: string, m: MailedState): void {
    this.db
      .prepare('UPDATE booking_attendees SET sequence = @sequence, sent_start = @start, sent_end = @end, sent_status = @status WHERE room_id = @roomId AND event_id = @eventId')
      .run({ roomId, eventId, ...m });
  }
}
