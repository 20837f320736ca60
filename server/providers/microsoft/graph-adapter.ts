import type { CalendarEvent } from '../../../shared/model/event.js';
import { occupiesRoom } from '../../../shared/state/slots.js';
import type { Busy } from '../../sync/busy-compare.js';
import type { RemoteAdapter, RemotePush, RemoteRoom, SlotConflict } from '../../sync/remote-adapter.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { BookingRequest } from '../provider.js';
import type { BookingIds } from './booking-ids.js';
import type { GraphSubscriptions } from './graph-subscriptions.js';
import { BOOKING_PROPERTY, toCalendarEvent, type BookingMeta } from './graph-mapping.js';
import type { GraphSync } from './graph-sync.js';
import type { GraphApi, GraphAttendee, GraphEvent } from './graph-types.js';
import { sendGraphWrite, type GraphWrite } from './graph-writes.js';

/** An instant with any offset as Graph's UTC wall time (`2026-03-02T10:00:00`). */
function utc(instant: string): string {
  return new Date(instant).toISOString().slice(0, 19);
}

/**
 * Microsoft Graph as the remote core's adapter: delta sync of each room mailbox's calendar view,
 * writes into the room mailbox's own calendar, creates carrying a transactionId from the booking
 * key (a repeat returns the event the first try made), at most a few requests per mailbox at once.
 */
export class GraphAdapter implements RemoteAdapter<GraphWrite> {
  readonly label = 'Microsoft Graph';
  /** Mailboxes per getSchedule request. */
  readonly busyChunk = 20;

  constructor(
    private readonly deps: {
      api: GraphApi;
      runner: RequestRunner;
      ids: BookingIds;
      syncer: GraphSync;
      limit: <T>(mailbox: string, fn: () => Promise<T>) => Promise<T>;
      subscriptions: GraphSubscriptions | null;
    },
  ) {}

  get push(): RemotePush | null {
    return this.deps.subscriptions;
  }

  get subscriptions(): GraphSubscriptions | null {
    return this.deps.subscriptions;
  }

  syncRoom(room: RemoteRoom, pending: ReadonlySet<string>): Promise<{ changed: boolean }> {
    return this.deps.syncer.sync(room.id, room.calendar, pending);
  }

  /**
   * The create goes into the room mailbox's calendar (the room mailbox organizes it, and
   * Exchange sends the attendees its invitation from there), so the room's copy is the one written:
   * our fields (and the organizer the booking named: the room organizes the event at Graph)
   * go in an extended property there.
   */
  bookWrite(req: BookingRequest, id: string, bookedAt: string, room: RemoteRoom): GraphWrite {
    const meta: BookingMeta = { via: req.bookedVia, checkIn: req.checkInRequired, bookedAt, organizer: req.organizer };
    const attendees = graphAttendees(req);
    const body: GraphEvent = {
      subject: req.title,
      start: { dateTime: utc(req.start), timeZone: 'UTC' },
      end: { dateTime: utc(req.end), timeZone: 'UTC' },
      transactionId: id,
      showAs: 'busy',
      ...(attendees.length ? { attendees } : {}),
      singleValueExtendedProperties: [{ id: BOOKING_PROPERTY, value: JSON.stringify(meta) }],
    };
    return { op: 'create', mailbox: room.calendar, localId: id, body };
  }

  endWrite(current: CalendarEvent, end: string, room: RemoteRoom): GraphWrite {
    return { op: 'patch', mailbox: room.calendar, eventId: current.id, patch: { end: { dateTime: utc(end), timeZone: 'UTC' } } };
  }

  releaseWrite(current: CalendarEvent, room: RemoteRoom): GraphWrite {
    return { op: 'release', mailbox: room.calendar, eventId: current.id, how: current.bookedVia !== 'provider' ? 'cancel' : 'decline' };
  }

  sendWrite(write: GraphWrite, roomId: string): Promise<void> {
    return sendGraphWrite(write, roomId, this.deps);
  }

  createdId(write: GraphWrite): string | null {
    return write.op === 'create' ? write.localId : null;
  }

  /** getSchedule for up to 20 room mailboxes, asked as the first of them. */
  async busy(calendars: readonly string[], from: string, to: string): Promise<Map<string, Busy>> {
    const first = calendars[0];
    const out = new Map<string, Busy>();
    if (!first) return out;
    const answer = await this.deps.runner.run('getSchedule', () => this.deps.limit(first, () => this.deps.api.getSchedule(first, calendars, from, to)));
    for (const [mailbox, items] of answer) {
      out.set(
        mailbox,
        items === null
          ? null
          : items.filter((i) => i.status !== 'free' && i.status !== 'workingElsewhere' && i.start?.dateTime && i.end?.dateTime).map((i) => ({ start: `${(i.start?.dateTime ?? '').slice(0, 19)}Z`, end: `${(i.end?.dateTime ?? '').slice(0, 19)}Z` })),
      );
    }
    return out;
  }

  /** One calendarView of the slot: nothing at Graph refuses a clash in a room calendar written directly. */
  async conflicts(room: RemoteRoom, start: string, end: string): Promise<SlotConflict[]> {
    const events = await this.deps.runner.run('slot.check', () => this.deps.limit(room.calendar, () => this.deps.api.calendarView(room.calendar, new Date(start).toISOString(), new Date(end).toISOString())));
    const out: SlotConflict[] = [];
    for (const g of events) {
      if (!g.id) continue;
      const e = toCalendarEvent(g, g.transactionId ?? g.id, room.calendar, null);
      // The same rule as the panels and the other providers: an all-day meeting that holds the room clashes too.
      if (occupiesRoom(e)) out.push({ id: e.id, start: e.start, end: e.end });
    }
    return out;
  }

  forget(roomId: string, write: GraphWrite): void {
    if (write.op === 'create') this.deps.ids.forget(roomId, write.localId);
  }
}

/**
 * The event's attendees: the booking's people, each required, so Exchange invites them. An
 * organizer the booking named by address stays an attendee, as before; a bare name is no address.
 */
function graphAttendees(req: BookingRequest): GraphAttendee[] {
  const out: GraphAttendee[] = [];
  const seen = new Set<string>();
  const add = (address: string, name?: string): void => {
    if (seen.has(address.toLowerCase())) return;
    seen.add(address.toLowerCase());
    out.push({ emailAddress: { address, ...(name ? { name } : {}) }, type: 'required' });
  };
  for (const a of req.attendees ?? []) add(a.email, a.name);
  if (req.organizer && req.organizer.includes('@')) add(req.organizer);
  return out;
}
