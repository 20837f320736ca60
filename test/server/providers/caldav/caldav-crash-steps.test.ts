import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../shared/clock.js';
import type { CaldavProvider } from '../../../../server/providers/caldav/caldav-provider.js';
import { WRITE_KIND } from '../../../../server/providers/caldav/caldav-writes.js';
import { httpFetch, type HttpFetch } from '../../../../server/providers/ical/http.js';
import { bookingEventId } from '../../../../server/providers/local/booking-id.js';
import { startDavServer, type DavServerKind } from './dav-servers.js';
import { freshRead, newProvider, newStore } from './harness.js';

type Step = 'decided' | 'sent' | 'done';

/**
 * What "crashed" means to a provider instance: from then on its requests never answer, as if
 * the process had died. `afterWrite` lets the next PUT or DELETE reach the server and dies
 * before its answer gets back to the outbox.
 */
class Fuse {
  dead = false;
  afterWrite = false;
  /** PUTs and DELETEs that reached the server. */
  writes = 0;

  wrap(inner: HttpFetch): HttpFetch {
    const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
    return async (req) => {
      if (this.dead) return never();
      const a = await inner(req);
      const write = req.method === 'PUT' || req.method === 'DELETE';
      if (write) this.writes++;
      if (this.dead) return never();
      if (write && this.afterWrite) {
        this.dead = true;
        return never();
      }
      return a;
    };
  }
}

const realPause = (): Promise<void> => new Promise((r) => setTimeout(r, 2));

for (const kind of ['radicale', 'xandikos'] as const satisfies readonly DavServerKind[]) {
  test(`${kind}: book, extend, end early and release crashed at every outbox step: none lost, none doubled`, async (t) => {
    const server = await startDavServer(kind);
    t.after(() => server.stop());
    const collection = await server.makeCalendar('room1');
    const clock = new FakeClock('2026-03-23T07:00:00Z');
    const rooms = [{ id: 'room1', calendar: collection }];
    const store = newStore(clock, rooms);
    t.after(() => store.close());
    const crashes: Record<Step, number> = { decided: 0, sent: 0, done: 0 };
    let fuse = new Fuse();
    const live: CaldavProvider[] = [];
    const boot = async (): Promise<CaldavProvider> => {
      fuse = new Fuse();
      const p = newProvider(store, clock, { fetch: fuse.wrap(httpFetch) });
      live.push(p);
      await p.start();
      return p;
    };
    const pending = (): number => store.outbox.list({ kind: WRITE_KIND, state: 'pending' }).length;
    const until = async (cond: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 3000; i++) {
        if (cond()) return;
        await clock.advanceAsync(1000);
        await realPause();
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    let provider = await boot();
    await provider.ready();
    /** One write, crashed three times: decided and not sent; sent and not marked done; just after done. */
    const write = async (start: (p: CaldavProvider) => Promise<unknown>): Promise<void> => {
      fuse.dead = true;
      void start(provider).catch(() => undefined);
      await realPause();
      crashes.decided++;
      assert.equal(fuse.writes, 0, 'a dead instance reached the server');
      provider = await boot();
      const sentBy = fuse;
      sentBy.afterWrite = true;
      await until(() => sentBy.dead && sentBy.writes > 0, 'the resend to reach the server');
      crashes.sent++;
      provider = await boot();
      await until(() => pending() === 0, 'the outbox to empty');
      fuse.dead = true;
      crashes.done++;
      provider = await boot();
    };

    const at = (h: number, m = 0): string => `2026-03-23T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`;
    const plan = [
      { key: 'plain', start: at(9), end: at(9, 30), then: null },
      { key: 'extended', start: at(10), end: at(10, 30), then: { end: at(11) } },
      { key: 'ended-early', start: at(12), end: at(13), then: { end: at(12, 20) } },
      { key: 'released', start: at(14), end: at(14, 30), then: 'cancel' as const },
    ];
    let writes = 0;
    for (const b of plan) {
      const id = `${bookingEventId(b.key)}.ics`;
      await write((p) => p.book({ key: b.key, roomId: 'room1', start: b.start, end: b.end, title: b.key, organizer: null, bookedVia: 'api', checkInRequired: false }));
      writes++;
      if (b.then === 'cancel') {
        await write((p) => p.cancel('room1', id));
        writes++;
      } else if (b.then) {
        const end = b.then.end;
        await write((p) => p.setEnd('room1', id, end));
        writes++;
      }
    }
    assert.deepEqual(crashes, { decided: writes, sent: writes, done: writes });
    await until(() => pending() === 0, 'the last outbox to empty');
    await provider.sync('room1');

    const atServer = new Map((await freshRead(clock, rooms, 'room1')).map((e) => [e.id, e]));
    const expected = new Map(plan.filter((b) => b.then !== 'cancel').map((b) => [`${bookingEventId(b.key)}.ics`, typeof b.then === 'object' && b.then !== null ? b.then.end : b.end]));
    const lost = [...expected.keys()].filter((id) => !atServer.has(id) || !store.events.get('room1', id));
    const doubled = [...atServer.keys()].filter((id) => !expected.has(id));
    const disagree = [...expected].filter(([id, end]) => atServer.get(id)?.end !== end || store.events.get('room1', id)?.end !== end).map(([id]) => id);
    const detail = disagree.map((id) => `${id}: expected ${expected.get(id)}, server ${atServer.get(id)?.end}, store ${store.events.get('room1', id)?.end}`);
    assert.deepEqual({ lost, doubled, disagree: detail }, { lost: [], doubled: [], disagree: [] });
    assert.deepEqual(store.events.listForRoom('room1').filter((e) => e.status !== 'cancelled').map((e) => e.id).sort(), [...expected.keys()].sort());
    if (!fuse.dead) await live.at(-1)?.stop();
  });
}
