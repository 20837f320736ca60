import type { GoogleProviderConfig } from '../../../shared/config/schema.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';
import type { Busy } from '../../sync/busy-compare.js';
import type { RemoteAdapter, RemotePush, RemoteRoom, SlotConflict } from '../../sync/remote-adapter.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { BookingRequest } from '../provider.js';
import { PROP } from './google-mapping.js';
import type { GoogleChannels } from './google-channels.js';
import type { GoogleSync } from './google-sync.js';
import type { GoogleApi, GoogleEvent } from './google-types.js';
import { sendGoogleWrite, type GoogleWrite } from './google-writes.js';

/** Google Calendar as the remote core's adapter: events.list sync, inserts with ids from the booking key, freeBusy. */
export class GoogleAdapter implements RemoteAdapter<GoogleWrite> {
  readonly label = 'Google';

  constructor(
    private readonly deps: { api: GoogleApi; runner: RequestRunner; store: Store; config: GoogleProviderConfig; syncer: GoogleSync; push: GoogleChannels | null },
  ) {}

  get push(): RemotePush | null {
    return this.deps.push;
  }

  get channels(): GoogleChannels | null {
    return this.deps.push;
  }

  syncRoom(room: RemoteRoom, pending: ReadonlySet<string>): Promise<{ changed: boolean }> {
    return this.deps.syncer.sync(room.id, room.calendar, pending);
  }

  /**
   * In attendee mode (the default) the booking account organizes the event and invites the
   * room; the room's copy is what we sync, so our fields go in shared properties, which every
   * copy carries, and the organizer the booking named goes with them. The booking's people are
   * the event's guests, and Google mails them (`sendUpdates=all`): doorplate sends them nothing.
   */
  bookWrite(req: BookingRequest, id: string, bookedAt: string, room: RemoteRoom): GoogleWrite {
    const onRoomCalendar = this.deps.config.bookOn === 'room-calendar';
    const people = (req.attendees ?? []).map((a) => ({ email: a.email, ...(a.name ? { displayName: a.name } : {}) }));
    const attendees = [...(onRoomCalendar ? [] : [{ email: room.calendar, resource: true }]), ...people];
    const body: GoogleEvent = {
      id,
      summary: req.title,
      start: { dateTime: req.start },
      end: { dateTime: req.end },
      ...(attendees.length ? { attendees } : {}),
      extendedProperties: {
        shared: { [PROP.via]: req.bookedVia, [PROP.checkIn]: req.checkInRequired ? '1' : '0', [PROP.bookedAt]: bookedAt, [PROP.organizer]: req.organizer ?? '' },
      },
    };
    return { op: 'insert', calendarId: onRoomCalendar ? room.calendar : 'primary', body, ...(people.length ? { sendUpdates: 'all' as const } : {}) };
  }

  endWrite(current: CalendarEvent, end: string, room: RemoteRoom): GoogleWrite {
    const target = this.writeCalendar(current, room.calendar);
    return { op: 'patch', calendarId: target, eventId: current.id, patch: { end: { dateTime: end } }, ifMatch: target === room.calendar, ...this.notify(room, current) };
  }

  /** Our booking with guests is cancelled for them all (Google mails the cancellation), not only left by the room. */
  releaseWrite(current: CalendarEvent, room: RemoteRoom): GoogleWrite {
    const ours = current.bookedVia !== 'provider';
    const notify = ours ? this.notify(room, current) : {};
    const how = ours ? (this.deps.config.bookOn === 'room-calendar' || notify.sendUpdates ? 'delete' : 'drop-room') : 'decline';
    return { op: 'release', calendarId: this.writeCalendar(current, room.calendar), eventId: current.id, roomEmail: room.calendar, how, ...notify };
  }

  /** Guests of our own booking hear of its changes from Google; other meetings' guests are their organizer's business. */
  private notify(room: RemoteRoom, e: CalendarEvent): { sendUpdates?: 'all' } {
    if (e.bookedVia === 'provider') return {};
    return this.deps.store.attendees.get(room.id, e.id)?.attendees.length ? { sendUpdates: 'all' } : {};
  }

  sendWrite(write: GoogleWrite, roomId: string): Promise<void> {
    return sendGoogleWrite(write, roomId, this.deps);
  }

  createdId(write: GoogleWrite): string | null {
    return write.op === 'insert' ? (write.body.id ?? null) : null;
  }

  busy(calendars: readonly string[], from: string, to: string): Promise<Map<string, Busy>> {
    return this.deps.runner.run('freebusy', () => this.deps.api.freeBusy(calendars, from, to));
  }

  /** One freeBusy query for the slot: Google refuses no clash on a room calendar written directly. */
  async conflicts(room: RemoteRoom, start: string, end: string): Promise<SlotConflict[]> {
    const answer = await this.busy([room.calendar], start, end);
    const busy = answer.get(room.calendar) ?? [];
    return busy.filter((b) => Date.parse(b.end) > Date.parse(start) && Date.parse(b.start) < Date.parse(end)).map((b) => ({ id: null, start: b.start, end: b.end }));
  }

  /** Our own bookings live on the organizer's calendar in attendee mode; everything else on the room's. */
  private writeCalendar(e: CalendarEvent, roomCalendar: string): string {
    return e.bookedVia !== 'provider' && this.deps.config.bookOn === 'attendee' ? 'primary' : roomCalendar;
  }
}
