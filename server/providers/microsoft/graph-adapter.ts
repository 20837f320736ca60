import type { CalendarEvent } from '../../../shared/model/event.js';
import type { RemoteAdapter, RemotePush, RemoteRoom } from '../../sync/remote-adapter.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { BookingRequest } from '../provider.js';
import type { BookingIds } from './booking-ids.js';
import type { GraphSubscriptions } from './graph-subscriptions.js';
import type { GraphSync } from './graph-sync.js';
import type { GraphApi, GraphEvent } from './graph-types.js';
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

  bookWrite(req: BookingRequest, id: string, _bookedAt: string, room: RemoteRoom): GraphWrite {
    const body: GraphEvent = {
      subject: req.title,
      start: { dateTime: utc(req.start), timeZone: 'UTC' },
      end: { dateTime: utc(req.end), timeZone: 'UTC' },
      transactionId: id,
      showAs: 'busy',
      ...(req.organizer ? { attendees: [{ emailAddress: { address: req.organizer }, type: 'required' }] } : {}),
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

  forget(roomId: string, write: GraphWrite): void {
    if (write.op === 'create') this.deps.ids.forget(roomId, write.localId);
  }
}
