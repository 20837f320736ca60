import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { DoorplateError } from '../../shared/errors.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import { computeRoomState } from '../../shared/state/engine.js';
import type { RoomDirectory, RoomInfo } from '../rooms/room-directory.js';
import { bookNowWindow, endNowAt, extendEnd, occupying } from './book-now.js';
import { eventInterval, iso } from './intervals.js';
import { once, type IdempotencyLog } from './idempotent.js';
import { checkInWindowOf } from './rules.js';

const MIN = 60_000;

/** The calendar writes the booking rules need; the provider adapters implement them. */
export interface CalendarWriter {
  readonly readOnly: boolean;
  book(req: {
    key: string;
    roomId: string;
    start: string;
    end: string;
    title: string;
    organizer: string | null;
    bookedVia: 'panel' | 'api';
    checkInRequired: boolean;
  }): Promise<CalendarEvent>;
  setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent>;
  cancel(roomId: string, eventId: string): Promise<void>;
  checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent>;
}

export interface EventSource {
  listForRoom(roomId: string): CalendarEvent[];
}

export interface BookingServiceDeps {
  clock: Clock;
  rooms: RoomDirectory;
  events: EventSource;
  calendar: CalendarWriter;
  idempotency: IdempotencyLog;
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
  scope: string;
  key?: string;
}

/**
 * The booking rules, decided on the server: book now, book later, extend, end early, cancel,
 * check in. Every write is checked against the room's agenda first, and carries a key so a
 * retried request never books twice.
 */
export class BookingService {
  constructor(private readonly deps: BookingServiceDeps) {}

  private room(roomId: string, deviceId?: string): RoomInfo {
    const r = this.deps.rooms.forDevice(roomId, deviceId);
    if (!r) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    return r;
  }

  private writable(): void {
    if (this.deps.calendar.readOnly) throw new DoorplateError('READ_ONLY');
  }

  async bookNow(roomId: string, opts: BookNowOptions): Promise<{ event: CalendarEvent; replayed: boolean }> {
    const room = this.room(roomId, opts.deviceId);
    this.writable();
    const body = { op: 'bookNow', roomId, durationMins: opts.durationMins ?? null, title: opts.title ?? null };
    const r = await once(this.deps.idempotency, opts.scope, opts.key, body, async () => {
      const now = this.deps.clock.now();
      const events = this.deps.events.listForRoom(roomId);
      const w = bookNowWindow(events, room.booking, { now, duration: opts.durationMins, timeZone: room.timeZone });
      const event = await this.deps.calendar.book({
        key: `${opts.scope}:${opts.key ?? randomUUID()}`,
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
    const r = await once(this.deps.idempotency, opts.scope, opts.key, body, async () => {
      const now = this.deps.clock.now();
      if (end <= now) throw new DoorplateError('VALIDATION', 'end: must be in the future');
      const clash = this.deps.events
        .listForRoom(roomId)
        .find((e) => {
          const iv = eventInterval(e, room.timeZone);
          return iv && iv.start < end && iv.end > start;
        });
      if (clash) throw new DoorplateError('CONFLICT', 'the room is booked at that time', { conflicting: { id: clash.id, start: clash.start, end: clash.end } });
      const event = await this.deps.calendar.book({
        key: `${opts.scope}:${opts.key ?? randomUUID()}`,
        roomId,
        start: iso(start),
        end: iso(end),
        title: opts.title,
        organizer: opts.organizer ?? null,
        bookedVia: 'api',
        checkInRequired: room.checkIn.enabled && end - start < 8 * 60 * MIN,
      });
      return { statusCode: 201, response: event };
    });
    return { event: r.response, replayed: r.replayed };
  }

  /** The meeting holding the room now, or the one named. */
  private target(roomId: string, eventId: string | undefined): CalendarEvent {
    const room = this.room(roomId);
    const events = this.deps.events.listForRoom(roomId);
    const e = eventId ? events.find((x) => x.id === eventId) : (occupying(events, this.deps.clock.now(), room.timeZone) as CalendarEvent | undefined);
    if (!e) throw eventId ? new DoorplateError('MEETING_NOT_FOUND') : new DoorplateError('NOTHING_TO_DO', 'no meeting holds the room now');
    return e;
  }

  /** Extends by `mins`, or by the first of the room's (or display's) extend steps. */
  async extend(roomId: string, opts: { eventId?: string; mins?: number; scope: string; key?: string; deviceId?: string }): Promise<CalendarEvent> {
    const room = this.room(roomId, opts.deviceId);
    this.writable();
    const mins = opts.mins ?? room.booking.extendStepsMins[0] ?? 15;
    const body = { op: 'extend', roomId, eventId: opts.eventId ?? null, mins };
    const r = await once(this.deps.idempotency, opts.scope, opts.key, body, async () => {
      const target = this.target(roomId, opts.eventId);
      const iv = eventInterval(target, room.timeZone);
      if (!iv || iv.end <= this.deps.clock.now()) throw new DoorplateError('NOTHING_TO_DO', 'the meeting is over');
      const end = extendEnd(this.deps.events.listForRoom(roomId), target, room.booking, mins, room.timeZone);
      return { statusCode: 200, response: await this.deps.calendar.setEnd(roomId, target.id, iso(end)) };
    });
    return r.response;
  }

  /** Ends a running meeting now; a meeting that has not started is cancelled instead. */
  async end(roomId: string, opts: { eventId?: string; scope: string; key?: string }): Promise<CalendarEvent | null> {
    const room = this.room(roomId);
    this.writable();
    const body = { op: 'end', roomId, eventId: opts.eventId ?? null };
    const r = await once(this.deps.idempotency, opts.scope, opts.key, body, async () => {
      const target = this.target(roomId, opts.eventId);
      const iv = eventInterval(target, room.timeZone);
      const now = this.deps.clock.now();
      if (!iv || iv.end <= now) throw new DoorplateError('NOTHING_TO_DO', 'the meeting is over');
      if (iv.start >= now) {
        await this.deps.calendar.cancel(roomId, target.id);
        return { statusCode: 200, response: null };
      }
      const end = endNowAt(iv.start, now);
      return { statusCode: 200, response: await this.deps.calendar.setEnd(roomId, target.id, iso(end)) };
    });
    return r.response;
  }

  async cancel(roomId: string, eventId: string, opts: { scope: string; key?: string }): Promise<void> {
    this.room(roomId);
    this.writable();
    await once(this.deps.idempotency, opts.scope, opts.key, { op: 'cancel', roomId, eventId }, async () => {
      this.target(roomId, eventId);
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
    const r = await once(this.deps.idempotency, opts.scope, opts.key, body, async () => {
      const now = this.deps.clock.now();
      const events = this.deps.events.listForRoom(roomId);
      const policy = this.deps.rooms.policy(roomId);
      if (!policy) throw new DoorplateError('ROOM_NOT_FOUND');
      const eventId = opts.eventId ?? computeRoomState(events, now, { ...policy, checkIn: room.checkIn }).checkIn?.eventId;
      if (!eventId) throw new DoorplateError('CHECKIN_CLOSED', 'no meeting is waiting for check-in');
      const target = events.find((e) => e.id === eventId);
      if (!target || !eventInterval(target, room.timeZone)) throw new DoorplateError('MEETING_NOT_FOUND');
      if (target.checkedInAt) return { statusCode: 200, response: target };
      if (!room.checkIn.enabled) throw new DoorplateError('CHECKIN_CLOSED', 'check-in is turned off here');
      if (!target.checkInRequired) throw new DoorplateError('NOTHING_TO_DO', 'this meeting needs no check-in');
      const w = checkInWindowOf(target, room.checkIn, room.timeZone);
      if (!w || now < w.opensAt || now >= w.closesAt) {
        throw new DoorplateError('CHECKIN_CLOSED', `the check-in window of this meeting is not open (${room.checkIn.opensBeforeMins} min before to ${room.checkIn.closesAfterMins} min after the start)`);
      }
      return { statusCode: 200, response: await this.deps.calendar.checkIn(roomId, eventId, iso(now)) };
    });
    return r.response;
  }
}
