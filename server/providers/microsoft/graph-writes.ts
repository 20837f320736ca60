import { ProviderRequestError } from '../../sync/provider-error.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { BookingIds } from './booking-ids.js';
import type { GraphApi, GraphEvent } from './graph-types.js';

export const WRITE_KIND = 'microsoft.write';
export const SYNC_KIND = 'microsoft.sync';

/** A Graph write as the outbox keeps it; plain JSON, replayable after a restart. Ids are the stored ones. */
export type GraphWrite =
  | { op: 'create'; mailbox: string; localId: string; body: GraphEvent }
  | { op: 'patch'; mailbox: string; eventId: string; patch: GraphEvent }
  /** `cancel`: our own booking, the room is its organizer; `decline`: someone else's meeting. */
  | { op: 'release'; mailbox: string; eventId: string; how: 'cancel' | 'decline' };

function gone(e: unknown): boolean {
  return e instanceof ProviderRequestError && (e.status === 404 || e.status === 410);
}

/**
 * Sends one outbox write to Graph; every op is safe to repeat: a create carries the booking's
 * transactionId, so Graph answers a repeat with the event the first try made.
 */
export async function sendGraphWrite(
  w: GraphWrite,
  roomId: string,
  deps: { api: GraphApi; runner: RequestRunner; ids: BookingIds; limit: <T>(mailbox: string, fn: () => Promise<T>) => Promise<T> },
): Promise<void> {
  const { api, runner, ids, limit } = deps;
  const graphId = (localId: string): string => ids.graphId(roomId, localId) ?? localId;
  switch (w.op) {
    case 'create': {
      const g = await runner.run('write.create', () => limit(w.mailbox, () => api.createEvent(w.mailbox, w.body)));
      if (!g.id) throw new ProviderRequestError(502, null, `events.create ${w.mailbox}: answer without id`);
      ids.remember(roomId, w.localId, g.id);
      return;
    }
    case 'patch':
      await runner.run('write.patch', () => limit(w.mailbox, () => api.patchEvent(w.mailbox, graphId(w.eventId), w.patch)));
      return;
    case 'release':
      try {
        const id = graphId(w.eventId);
        let how = w.how;
        if (how === 'decline') {
          // The room never declines a meeting it organizes itself (Graph refuses): it cancels it.
          const g = await runner.run('write.get', () => limit(w.mailbox, () => api.getEvent(w.mailbox, id)));
          if (g.organizer?.emailAddress?.address?.toLowerCase() === w.mailbox.toLowerCase()) how = 'cancel';
        }
        if (how === 'cancel') await runner.run('write.cancel', () => limit(w.mailbox, () => api.cancelEvent(w.mailbox, id, 'Released at the door')));
        else await runner.run('write.decline', () => limit(w.mailbox, () => api.declineEvent(w.mailbox, id, 'Released: the room was not used')));
      } catch (e) {
        // Gone already: the room is free, which is what was asked.
        if (!gone(e)) throw e;
      }
      return;
  }
}
