import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { DoorplateError } from '../../shared/errors.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import { LONG_MEETING_MS } from '../../shared/model/long-meeting.js';
import type { Slot } from '../../shared/state/slots.js';
import { isoUtc as iso } from '../../shared/state/time.js';
import { RoomTimeline } from '../../shared/state/timeline.js';
import { bookingEventId } from '../providers/local/booking-id.js';
import type { BookingAttendee, BookingRequest } from '../providers/provider.js';
import type { RoomDirectory, RoomInfo } from '../rooms/room-directory.js';
import { bookNowWindow, endNowAt, extendEnd } from './book-now.js';
import { IdempotentRunner, type IdempotencyLog } from './idempotent.js';
import { refuseFullDay } from './day-limit.js';
import { settleWrite, type PlannedWrite } from './planned-write.js';

const MIN = 60_000;

/** The calendar writes the booking rules need; the provider adapters implement them. */
export interface CalendarWriter {
  readonly readOnly: boolean;
  book(req: BookingRequest): Promise<CalendarEvent>;
  setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent>;
  cancel(roomId: string, eventId: string): Promise<void>;
  checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent>;
}

export interface EventSource {
  listForRoom(roomId: string): CalendarEvent[];
  get(roomId: string, eventId: string): CalendarEvent | null;
}

export interface BookingServiceDeps {
  clock: Clock;
  rooms: RoomDirectory;
  events: EventSource;
  calendar: CalendarWriter;
  idempotency: IdempotencyLog;
  /** Awaited before every successful answer: a standby holds the write (see IdempotentRunner). */
  durable?: () => Promise<void>;
}

export interface BookNowOptions {
  durationMins?: number | 'untilNext';
  title?: string;
  organizer?: string | null;
  via: 'panel' | 'api';
  /** Who asks: `device:<id>` or `api`; with the key it makes the request idempotent. */
  scope: string;
  key?: string;
  /** The display pressed: its overrides of the room's rules apply. */
  deviceId?: string;
}

export interface BookLaterOptions {
  start: string;
  end: string;
  title: string;
  organizer?: string | null;
  /** People the calendar invites (remote calendars); with the address that invites them. */
  attendees?: readonly BookingAttendee[];
  organizerAddress?: string | null;
  scope: string;
  key?: string;
}

/**
 * The booking rules, decided on the server: book now, book later, extend, end early, cancel,
 * check in. Every write is checked against the room's timeline first (the one the panel's state
 * comes from, so "end" ends the meeting the panel shows), and carries a key so a retried
 * request never acts twice, even while the first is still at work.
 */
export class BookingService {
  private readonly idempotent: IdempotentRunner<PlannedWrite>;

  constructor(private readonly deps: BookingServiceDeps) {
    this.idempotent = new IdempotentRunner(deps.idempotency, (plan) => settleWrite(deps.events, plan), deps.durable);
  }

  private room(roomId: string, deviceId?: string): RoomInfo {
    const r = this.deps.rooms.forDevice(roomId, deviceId);
    if (!r) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    return r;
  }

  private writable(): void {
    if (this.deps.calendar.readOnly) throw new DoorplateError('READ_ONLY');
  }

  private timeline(room: RoomInfo, events = this.deps.events.listForRoom(room.id)): RoomTimeline<CalendarEvent> {
    return new RoomTimeline(events, room);
  }

  /**
   * The booking a key made, when it was committed but its answer was not recorded (the server
   * stopped in between): the retry gets its own meeting back instead of a conflict with it.
   */
  private ownBooking(roomId: string, bookingKey: string): CalendarEvent | null {
    return this.deps.events.get(roomId, bookingEventId(bookingKey));
  }

  async bookNow(roomId: string, opts: BookNowOptions): Promise<{ event: CalendarEvent; replayed: boolean }> {
    const room = this.room(roomId, opts.deviceId);
    this.writable();
    const body = { op: 'bookNow', roomId, durationMins: opts.durationMins ?? null, title: opts.title ?? null };
    const r = await this.idempotent.once(opts.scope, opts.key, body, async (plan) => {
      const bookingKey = `${opts.scope}:${opts.key ?? randomUUID()}`;
      const own = this.ownBooking(roomId, bookingKey);
      if (own) return { statusCode: 201, response: own };
      const now = this.deps.clock.now();
      const events = this.deps.events.listForRoom(roomId);
      const timeline = this.timeline(room, events);
      const w = bookNowWindow(timeline, room.booking, { now, duration: opts.durationMins });
      refuseFullDay(roomId, timeline.reader, events, w.start);
      plan({ roomId, eventId: bookingEventId(bookingKey), statusCode: 201, effect: 'booked', answer: 'event' });
      const event = await this.deps.calendar.book({
        key: bookingKey,
        roomId,
        start: iso(w.start),
        end: iso(w.end),
        title: opts.title ?? (opts.via === 'panel' ? 'Booked at the door' : 'Booked now'),
        organizer: opts.organizer ?? null,
        bookedVia: opts.via,
        // A meeting booked at the door has its people present: nothing to check in.
        checkInRequired: false,
      });
      return { statusCode: 201, response: event };
    });
    return { event: r.response, replayed: r.replayed };
  }

  async bookLater(roomId: string, opts: BookLaterOptions): Promise<{ event: CalendarEvent; replayed: boolean }> {
    const room = this.room(roomId);
    this.writable();
    const start = Date.parse(opts.start);
    const end = Date.parse(opts.end);
    if (!(end > start)) throw new DoorplateError('VALIDATION', 'end: must be after start');
    if (end - start < room.booking.minMins * MIN) throw new DoorplateError('TOO_SHORT', `a meeting lasts at least ${room.booking.minMins} minutes`);
    const body = { op: 'bookLater', roomId, start: opts.start, end: opts.end, title: opts.title };
    const r = await this.idempotent.once(opts.scope, opts.key, body, async (plan) => {
      const bookingKey = `${opts.scope}:${opts.key ?? randomUUID()}`;
      const own = this.ownBooking(roomId, bookingKey);
      if (own) return { statusCode: 201, response: own };
      const now = this.deps.clock.now();
      if (end <= now) throw new DoorplateError('VALIDATION', 'end: must be in the future');
      const events = this.deps.events.listForRoom(roomId);
      const timeline = this.timeline(room, events);
      const clash = timeline.firstOverlap(start, end);
      if (clash) throw new DoorplateError('CONFLICT', 'the room is booked at that time', { conflicting: { id: clash.event.id, start: clash.event.start, end: clash.event.end } });
      refuseFullDay(roomId, timeline.reader, events, start);
      plan({ roomId, eventId: bookingEventId(bookingKey), statusCode: 201, effect: 'booked', answer: 'event' });
      const event = await this.deps.calendar.book({
        key: bookingKey,
        roomId,
        start: iso(start),
        end: iso(end),
        title: opts.title,
        organizer: opts.organizer ?? null,
        bookedVia: 'api',
        checkInRequired: room.checkIn.enabled && end - start < LONG_MEETING_MS,
        ...(opts.attendees?.length ? { attendees: opts.attendees, organizerAddress: opts.organizerAddress ?? null } : {}),
      });
      return { statusCode: 201, response: event };
    });
    return { event: r.response, replayed: r.replayed };
  }

  /** The meeting holding the room now (the one its panel shows), or the one named. */
  private target(roomId: string, timeline: RoomTimeline<CalendarEvent>, eventId: string | undefined): Slot<CalendarEvent> {
    if (eventId === undefined) {
      const holding = timeline.holding(this.deps.clock.now());
      if (!holding) throw new DoorplateError('NOTHING_TO_DO', 'no meeting holds the room now');
      return holding;
    }
    const slot = timeline.slot(eventId);
    if (slot) return slot;
    // A cancelled or empty meeting is not on the timeline, but it exists.
    if (this.deps.events.get(roomId, eventId)) throw new DoorplateError('NOTHING_TO_DO', 'the meeting does not hold the room');
    throw new DoorplateError('MEETING_NOT_FOUND');
  }

  /** Extends by `mins`, or by the first of the room's (or display's) extend steps. */
  async extend(roomId: string, opts: { eventId?: string; mins?: number; scope: string; key?: string; deviceId?: string }): Promise<CalendarEvent> {
    const room = this.room(roomId, opts.deviceId);
    this.writable();
    const mins = opts.mins ?? room.booking.extendStepsMins[0] ?? 15;
    const body = { op: 'extend', roomId, eventId: opts.eventId ?? null, mins };
    const r = await this.idempotent.once(opts.scope, opts.key, body, async (plan) => {
      const timeline = this.timeline(room);
      const target = this.target(roomId, timeline, opts.eventId);
      if (target.end <= this.deps.clock.now()) throw new DoorplateError('NOTHING_TO_DO', 'the meeting is over');
      refuseAllDay(target);
      const end = iso(extendEnd(timeline, target, room.booking, mins));
      plan({ roomId, eventId: target.event.id, statusCode: 200, effect: { end }, answer: 'event' });
      return { statusCode: 200, response: await this.deps.calendar.setEnd(roomId, target.event.id, end) };
    });
    return r.response;
  }

  /** Ends a running meeting now; a meeting that has not started is cancelled instead. */
  async end(roomId: string, opts: { eventId?: string; scope: string; key?: string }): Promise<CalendarEvent | null> {
    const room = this.room(roomId);
    this.writable();
    const body = { op: 'end', roomId, eventId: opts.eventId ?? null };
    const r = await this.idempotent.once(opts.scope, opts.key, body, async (plan) => {
      const target = this.target(roomId, this.timeline(room), opts.eventId);
      const now = this.deps.clock.now();
      const eventId = target.event.id;
      if (target.end <= now) throw new DoorplateError('NOTHING_TO_DO', 'the meeting is over');
      if (target.start >= now) {
        plan({ roomId, eventId, statusCode: 200, effect: 'cancelled', answer: 'none' });
        await this.deps.calendar.cancel(roomId, eventId);
        return { statusCode: 200, response: null };
      }
      refuseAllDay(target);
      const end = iso(endNowAt(target.start, now));
      plan({ roomId, eventId, statusCode: 200, effect: { end }, answer: 'event' });
      return { statusCode: 200, response: await this.deps.calendar.setEnd(roomId, eventId, end) };
    });
    return r.response;
  }

  async cancel(roomId: string, eventId: string, opts: { scope: string; key?: string }): Promise<void> {
    this.room(roomId);
    this.writable();
    await this.idempotent.once(opts.scope, opts.key, { op: 'cancel', roomId, eventId }, async (plan) => {
      if (!this.deps.events.get(roomId, eventId)) throw new DoorplateError('MEETING_NOT_FOUND');
      plan({ roomId, eventId, statusCode: 204, effect: 'cancelled', answer: 'none' });
      await this.deps.calendar.cancel(roomId, eventId);
      return { statusCode: 204, response: null };
    });
  }

  /**
   * Checks in the meeting whose check-in window is open now (or the one named). A press at a
   * display uses that display's window; a meeting already checked in answers as it is.
   */
  async checkIn(roomId: string, opts: { eventId?: string; scope: string; key?: string; deviceId?: string }): Promise<CalendarEvent> {
    const room = this.room(roomId, opts.deviceId);
    this.writable();
    const body = { op: 'checkin', roomId, eventId: opts.eventId ?? null };
    const r = await this.idempotent.once(opts.scope, opts.key, body, async (plan) => {
      const now = this.deps.clock.now();
      // The display's own rules decide its window, as they decide what it shows.
      const timeline = this.timeline(room);
      const eventId = opts.eventId ?? timeline.checkInOpen(now)?.event.id;
      if (!eventId) throw new DoorplateError('CHECKIN_CLOSED', 'no meeting is waiting for check-in');
      const stored = this.deps.events.get(roomId, eventId);
      const target = timeline.slot(eventId);
      if (stored?.checkedInAt && target) return { statusCode: 200, response: stored };
      if (!target) throw new DoorplateError('MEETING_NOT_FOUND');
      if (!room.checkIn.enabled) throw new DoorplateError('CHECKIN_CLOSED', 'check-in is turned off here');
      if (!target.event.checkInRequired) throw new DoorplateError('NOTHING_TO_DO', 'this meeting needs no check-in');
      const w = target.checkIn;
      if (!w || now < w.opensAt || now >= w.closesAt) {
        throw new DoorplateError('CHECKIN_CLOSED', `the check-in window of this meeting is not open (${room.checkIn.opensBeforeMins} min before to ${room.checkIn.closesAfterMins} min after the start)`);
      }
      plan({ roomId, eventId, statusCode: 200, effect: 'checked-in', answer: 'event' });
      return { statusCode: 200, response: await this.deps.calendar.checkIn(roomId, eventId, iso(now)) };
    });
    return r.response;
  }
}

/** An all-day event blocks the day on purpose (a holiday, "room closed"): its end is the calendar's. */
function refuseAllDay(target: Slot): void {
  if (target.allDay) throw new DoorplateError('NOTHING_TO_DO', 'an all-day event cannot be extended or ended early here');
}
