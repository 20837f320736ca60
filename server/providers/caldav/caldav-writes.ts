import type { OutboxItem } from '../../store/repos/outbox.js';
import type { Store } from '../../store/store.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import { released, withEnd, type InstanceRef } from '../ical/edit.js';
import type { DavClient } from './dav-client.js';
import { resourceUrl } from './resource-ids.js';

export const WRITE_KIND = 'caldav.write';

/** A CalDAV write as the outbox keeps it: plain JSON, safe to send again after a restart. */
export type CaldavWrite =
  | { op: 'create'; collection: string; name: string; eventId: string; ics: string }
  | { op: 'set-end'; collection: string; name: string; eventId: string; instance: InstanceRef | null; end: string }
  | { op: 'release'; collection: string; name: string; eventId: string; instance: InstanceRef | null; roomAddress: string | null };

/** Tries of read-change-write before a calendar that keeps changing under us counts as a failure (retried later by the outbox). */
const MAX_TRIES = 5;

function status(e: unknown): number | null {
  return e instanceof ProviderRequestError ? e.status : null;
}

/**
 * Sends one write. Creating uses If-None-Match: * on a name derived from the booking key, so a
 * repeat that finds the resource there is done; changes read the resource, change it and write
 * it back with If-Match on the ETag read, reading again after a 412.
 */
export async function sendCaldavWrite(item: OutboxItem, deps: { client: DavClient; runner: RequestRunner; store: Store; now: () => number }): Promise<void> {
  const w = item.payload as CaldavWrite;
  const { client, runner, store } = deps;
  const roomId = item.roomId ?? '';
  const url = resourceUrl(w.collection, w.name);
  const remember = (etag: string | null): void => {
    const e = store.events.get(roomId, w.eventId);
    if (e && etag) store.events.upsert(roomId, e, { etag });
  };
  if (w.op === 'create') {
    try {
      remember(await runner.run('write.put', () => client.put(url, w.ics, { create: true })));
    } catch (e) {
      // The name comes from the booking key: an earlier try got through.
      if (status(e) !== 412) throw e;
    }
    return;
  }
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    let current: { text: string; etag: string | null };
    try {
      current = await runner.run('write.get', () => client.get(url));
    } catch (e) {
      // Gone: nothing left to change or free.
      if (status(e) === 404 || status(e) === 410) return;
      throw e;
    }
    const now = new Date(deps.now()).toISOString();
    const next = w.op === 'set-end' ? withEnd(current.text, w.instance, w.end, now) : released(current.text, w.instance, w.roomAddress, now);
    if (next === null) return;
    try {
      if (next === 'delete') {
        await runner.run('write.delete', () => client.delete(url, current.etag));
      } else {
        const etag = await runner.run('write.put', () => client.put(url, next, { ifMatch: current.etag ?? '*' }));
        // A release is kept locally as "cancelled" while the server says "declined" or drops the
        // instance: the ETag is not taken, so the next sync reads the server's version.
        if (w.op === 'set-end') remember(etag);
      }
      return;
    } catch (e) {
      if (status(e) === 404 && next === 'delete') return;
      if (status(e) !== 412) throw e;
    }
  }
  throw new ProviderRequestError(503, null, `${w.op} ${w.eventId}: the calendar object kept changing while we wrote it`);
}
