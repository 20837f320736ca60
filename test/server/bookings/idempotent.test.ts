import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { BookingService, type CalendarWriter } from '../../../server/bookings/booking-service.js';
import { LocalProvider } from '../../../server/providers/local/local-provider.js';
import { RoomDirectory } from '../../../server/rooms/room-directory.js';
import { Store } from '../../../server/store/store.js';
import { at, codeOf, meeting } from './world.js';

const config = parseConfig({ site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada Lovelace' }] });

/** What a calendar write does around the real one: commit, then wait (a slow provider) or die (a crash). */
type Around = (write: () => Promise<unknown>) => Promise<unknown>;

/** A server's booking parts over a store file; `restart()` drops the process state and opens the file again. */
function serverAt(dir: string, clock: FakeClock) {
  let store = Store.open({ path: join(dir, 'doorplate.db'), clock });
  store.rooms.upsertFromConfig(config.rooms);
  let around: Around = (write) => write();
  let writes = 0;
  const build = (): { provider: LocalProvider; bookings: BookingService } => {
    const provider = new LocalProvider({ store, clock, defaultTimeZone: 'Europe/Berlin', logger: silentLogger() });
    const wrap =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      (...a: A): Promise<R> => {
        writes++;
        return around(() => f(...a)) as Promise<R>;
      };
    const calendar: CalendarWriter = {
      readOnly: false,
      book: wrap(provider.book.bind(provider)),
      setEnd: wrap(provider.setEnd.bind(provider)),
      cancel: wrap(provider.cancel.bind(provider)),
      checkIn: wrap(provider.checkIn.bind(provider)),
    };
    return { provider, bookings: new BookingService({ clock, rooms: new RoomDirectory(config), events: store.events, calendar, idempotency: store.idempotency }) };
  };
  let parts = build();
  return {
    get store() {
      return store;
    },
    get bookings() {
      return parts.bookings;
    },
    get writes() {
      return writes;
    },
    add: (e: CalendarEvent) => parts.provider.addEvent('ada', e),
    setAround(a: Around) {
      around = a;
    },
    restart() {
      store.close();
      store = Store.open({ path: join(dir, 'doorplate.db'), clock });
      around = (write) => write();
      parts = build();
    },
    close: () => store.close(),
  };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-idem-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A gate the slow calendar waits on after its write committed. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const N = 5;

const verbs: { name: string; start: string; seed: CalendarEvent[]; run: (b: BookingService) => Promise<CalendarEvent | null>; check: (s: Store, answers: (CalendarEvent | null)[]) => void }[] = [
  {
    name: 'book',
    start: '10:02',
    seed: [],
    run: async (b) => (await b.bookNow('ada', { durationMins: 30, via: 'panel', scope: 'device:door', key: 'tx-1' })).event,
    check: (s) => assert.equal(s.events.listForRoom('ada').length, 1, 'one meeting booked'),
  },
  {
    name: 'extend',
    start: '10:30',
    seed: [meeting('m', '10:00', '11:00', { checkInRequired: false })],
    run: (b) => b.extend('ada', { mins: 15, scope: 'device:door', key: 'tx-1' }),
    check: (s) => assert.equal(s.events.get('ada', 'm')?.end, at('11:15'), 'extended by 15 minutes once'),
  },
  {
    name: 'end',
    start: '10:30',
    seed: [meeting('m', '10:00', '11:00', { checkInRequired: false }), meeting('n', '10:15', '12:00', { checkInRequired: false })],
    run: (b) => b.end('ada', { scope: 'device:door', key: 'tx-1' }),
    check: (s) => {
      assert.equal(s.events.get('ada', 'n')?.end, at('10:30'), 'the meeting shown ended');
      assert.equal(s.events.get('ada', 'm')?.end, at('11:00'), 'and no second one');
    },
  },
  {
    name: 'check-in',
    start: '10:03',
    seed: [meeting('m', '10:00', '11:00')],
    run: (b) => b.checkIn('ada', { scope: 'device:door', key: 'tx-1' }),
    check: (s) => assert.equal(s.events.get('ada', 'm')?.checkedInAt, at('10:03')),
  },
];

for (const v of verbs) {
  test(`idempotency: ${N} concurrent ${v.name} requests with one key act once and get one answer`, async (t) => {
    const clock = new FakeClock(at(v.start));
    const server = serverAt(tempDir(t), clock);
    t.after(() => server.close());
    for (const e of v.seed) server.add(e);
    const slow = gate();
    server.setAround(async (write) => {
      const r = await write();
      await slow.wait;
      return r;
    });
    const first = v.run(server.bookings);
    // The first write is committed and waits; the others arrive now, as a redelivery or a retry would.
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: N - 1 }, () => v.run(server.bookings));
    await new Promise((r) => setImmediate(r));
    slow.open();
    const answers = await Promise.all([first, ...rest]);
    assert.equal(server.writes, 1, 'one calendar write');
    for (const a of answers) assert.deepEqual(a, answers[0], 'every caller gets the first answer');
    v.check(server.store, answers);
  });

  test(`idempotency: ${v.name} cut off between its commit and its answer is answered from the committed row after a restart`, async (t) => {
    const clock = new FakeClock(at(v.start));
    const server = serverAt(tempDir(t), clock);
    t.after(() => server.close());
    for (const e of v.seed) server.add(e);
    server.setAround(async (write) => {
      await write();
      throw new Error('the process died here');
    });
    await assert.rejects(v.run(server.bookings), /the process died here/);
    server.restart();
    const writesBefore = server.writes;
    const answer = await v.run(server.bookings);
    assert.equal(server.writes, writesBefore, 'nothing written again');
    assert.ok(answer === null || answer.id.length > 0);
    v.check(server.store, [answer]);
  });
}

test('idempotency: a request cut off before its write runs once after a restart', async (t) => {
  const clock = new FakeClock(at('10:30'));
  const server = serverAt(tempDir(t), clock);
  t.after(() => server.close());
  server.add(meeting('m', '10:00', '11:00', { checkInRequired: false }));
  server.setAround(async () => {
    throw new Error('the process died before the write');
  });
  await assert.rejects(server.bookings.extend('ada', { mins: 15, scope: 'api', key: 'k' }), /died before/);
  server.restart();
  const e = await server.bookings.extend('ada', { mins: 15, scope: 'api', key: 'k' });
  assert.equal(e.end, at('11:15'));
  assert.equal((await server.bookings.extend('ada', { mins: 15, scope: 'api', key: 'k' })).end, at('11:15'), 'and once only');
});

test('idempotency: a booking retried after its answer was lost finds its own meeting, not a conflict with it', async (t) => {
  const clock = new FakeClock(at('10:02'));
  const server = serverAt(tempDir(t), clock);
  t.after(() => server.close());
  const now = await server.bookings.bookNow('ada', { durationMins: 30, via: 'api', scope: 'api', key: 'now-1' });
  const later = await server.bookings.bookLater('ada', { start: at('14:00'), end: at('15:00'), title: 'Review', scope: 'api', key: 'later-1' });
  // The answers were never recorded (a store from before keys were reserved, or a key pruned early).
  server.store.idempotency.prune(clock.now() + 1);
  const again = await server.bookings.bookNow('ada', { durationMins: 30, via: 'api', scope: 'api', key: 'now-1' });
  assert.equal(again.event.id, now.event.id);
  assert.equal((await server.bookings.bookLater('ada', { start: at('14:00'), end: at('15:00'), title: 'Review', scope: 'api', key: 'later-1' })).event.id, later.event.id);
  assert.equal(server.store.events.listForRoom('ada').length, 2);
});

test('idempotency: the same key with another request is refused while the first is still at work', async (t) => {
  const clock = new FakeClock(at('10:30'));
  const server = serverAt(tempDir(t), clock);
  t.after(() => server.close());
  server.add(meeting('m', '10:00', '11:00', { checkInRequired: false }));
  const slow = gate();
  server.setAround(async (write) => {
    const r = await write();
    await slow.wait;
    return r;
  });
  const first = server.bookings.extend('ada', { mins: 15, scope: 'api', key: 'k' });
  await new Promise((r) => setImmediate(r));
  assert.equal(await codeOf(server.bookings.extend('ada', { mins: 30, scope: 'api', key: 'k' })), 'IDEMPOTENCY_MISMATCH');
  slow.open();
  assert.equal((await first).end, at('11:15'));
});
