import type { Store } from '../../store/store.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { GoogleApi, GoogleEvent, SendUpdates } from './google-types.js';

/** Outbox kinds, as the remote core names them (`<provider>.write`, `<provider>.sync`). */
export const WRITE_KIND = 'google.write';
export const SYNC_KIND = 'google.sync';

/**
 * A provider write as the outbox keeps it; plain JSON, replayable after a restart. `sendUpdates`
 * is decided when the write is made and kept with it, so a retry mails the guests as the first
 * try would have (rows written before it existed mail nobody, as they did).
 */
export type GoogleWrite =
  | { op: 'insert'; calendarId: string; body: GoogleEvent; sendUpdates?: SendUpdates }
  | { op: 'patch'; calendarId: string; eventId: string; patch: GoogleEvent; ifMatch: boolean; sendUpdates?: SendUpdates }
  /** Releases the room: `drop-room` removes it from the attendees, `decline` answers for it, `delete` removes the event. */
  | { op: 'release'; calendarId: string; eventId: string; roomEmail: string; how: 'drop-room' | 'decline' | 'delete'; sendUpdates?: SendUpdates };

function status(e: unknown): number | null {
  return e instanceof ProviderRequestError ? e.status : null;
}

/** Sends one outbox write to Google; every op is safe to repeat. */
export async function sendGoogleWrite(w: GoogleWrite, roomId: string, deps: { api: GoogleApi; runner: RequestRunner; store: Store }): Promise<void> {
  const { api, runner, store } = deps;
  const remember = (eventId: string, g: GoogleEvent, calendarId: string, roomEmail: string | null): void => {
    // Only the room calendar's etag is kept: it is the copy the next If-Match is checked against.
    if (calendarId === roomEmail && g.etag && store.events.get(roomId, eventId)) store.events.upsert(roomId, store.events.get(roomId, eventId)!, { etag: g.etag });
  };
  const roomEmail = store.rooms.get(roomId)?.calendar ?? null;
  switch (w.op) {
    case 'insert': {
      try {
        const g = await runner.run('write.insert', () => api.insertEvent(w.calendarId, w.body, w.sendUpdates));
        remember(w.body.id ?? '', g, w.calendarId, roomEmail);
      } catch (e) {
        // The id is derived from the booking key: 409 means an earlier try got through.
        if (status(e) !== 409) throw e;
      }
      return;
    }
    case 'patch': {
      const etag = w.ifMatch ? (store.events.meta(roomId, w.eventId)?.etag ?? null) : null;
      try {
        remember(w.eventId, await runner.run('write.patch', () => api.patchEvent(w.calendarId, w.eventId, w.patch, etag, w.sendUpdates)), w.calendarId, roomEmail);
      } catch (e) {
        if (status(e) !== 412) throw e;
        // Someone changed the event since our last sync: read it again and apply our change to that.
        const fresh = await runner.run('write.get', () => api.getEvent(w.calendarId, w.eventId));
        if (fresh.status === 'cancelled') return;
        remember(w.eventId, await runner.run('write.patch', () => api.patchEvent(w.calendarId, w.eventId, w.patch, fresh.etag, w.sendUpdates)), w.calendarId, roomEmail);
      }
      return;
    }
    case 'release': {
      try {
        if (w.how === 'delete') {
          await runner.run('write.delete', () => api.deleteEvent(w.calendarId, w.eventId, w.sendUpdates));
          return;
        }
        const g = await runner.run('write.get', () => api.getEvent(w.calendarId, w.eventId));
        if (g.status === 'cancelled') return;
        const mine = (a: { email?: string | null }): boolean => a.email?.toLowerCase() === w.roomEmail.toLowerCase();
        const attendees = g.attendees ?? [];
        if (!attendees.some(mine)) {
          if (w.how === 'decline') await runner.run('write.delete', () => api.deleteEvent(w.calendarId, w.eventId));
          return;
        }
        const next = w.how === 'drop-room' ? attendees.filter((a) => !mine(a)) : attendees.map((a) => (mine(a) ? { ...a, responseStatus: 'declined' } : a));
        await runner.run('write.patch', () => api.patchEvent(w.calendarId, w.eventId, { attendees: next }, g.etag));
      } catch (e) {
        // Gone already: the room is free, which is what was asked.
        if (status(e) !== 404 && status(e) !== 410) throw e;
      }
      return;
    }
  }
}
