import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { DoorplateError } from '../../../shared/errors.js';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { parseConfig } from '../../../shared/config/load.js';
import { Store } from '../../../server/store/store.js';
import { ProviderRequestError } from '../../../server/sync/provider-error.js';
import type { RemoteAdapter, RemoteRoom } from '../../../server/sync/remote-adapter.js';
import { RemoteCalendar } from '../../../server/sync/remote-calendar.js';
import type { BookingRequest } from '../../../server/providers/provider.js';

type Write = { op: 'create'; id: string } | { op: 'end'; id: string; end: string } | { op: 'release'; id: string };

/** A provider in memory: syncs wait until released, so a test can see two at once; writes can be refused. */
class MemoryAdapter implements RemoteAdapter<Write> {
  readonly label = 'Memory';
  running = 0;
  maxRunning = 0;
  syncs = 0;
  failSync: Error | null = null;
  refuse: ProviderRequestError | null = null;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }

  release(): void {
    this.open();
  }

  async syncRoom(_room: RemoteRoom): Promise<{ changed: boolean }> {
    this.running++;
    this.syncs++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.gate;
      if (this.failSync) throw this.failSync;
      return { changed: false };
    } finally {
      this.running--;
    }
  }

  bookWrite(req: BookingRequest, id: string): Write {
    return { op: 'create', id };
  }

  endWrite(current: CalendarEvent, end: string): Write {
    return { op: 'end', id: current.id, end };
  }

  releaseWrite(current: CalendarEvent): Write {
    return { op: 'release', id: current.id };
  }

  async sendWrite(): Promise<void> {
    if (this.refuse) throw this.refuse;
  }

  createdId(w: Write): string | null {
    return w.op === 'create' ? w.id : null;
  }

  readonly push = { start: async () => undefined, stop: () => undefined };
}

/** The core with its push path opened to the test, as a provider's webhook handler uses it. */
class MemoryCalendar extends RemoteCalendar<Write> {
  readonly memory: MemoryAdapter;

  constructor(store: Store, clock: FakeClock, memory: MemoryAdapter) {
    const cfg = parseConfig({ provider: { kind: 'google', subject: 'a@example.com', credentials: { client_email: 'x', private_key: 'y' }, pollSecs: 60 } }).provider;
    if (cfg.kind !== 'google') throw new Error('expected google');
    super({ name: 'memory', store, clock, config: cfg, log: silentLogger(), random: () => 0.5 }, () => memory);
    this.memory = memory;
  }

  push(roomId: string): Promise<void> {
    return this.sendQueued(this.queuePushSync(roomId, {}));
  }
}

function setup(): { clock: FakeClock; store: Store; adapter: MemoryAdapter; p: MemoryCalendar } {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig([{ id: 'ada', name: 'Ada', calendar: 'ada@example.com' }]);
  const adapter = new MemoryAdapter();
  return { clock, store, adapter, p: new MemoryCalendar(store, clock, adapter) };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a push and a poll never sync one room at once; a push during a sync runs once after it', async () => {
  const { store, adapter, p } = setup();
  try {
    await p.start();
    await p.ready();
    adapter.syncs = 0;
    adapter.hold();
    const poll = p.requestSync('ada');
    const push1 = p.push('ada');
    const push2 = p.push('ada');
    await flush();
    assert.equal(adapter.running, 1);
    adapter.release();
    await Promise.all([poll, push1, push2]);
    assert.equal(adapter.maxRunning, 1);
    assert.equal(adapter.syncs, 2, 'the pushes that came during the poll cost one more sync, not two');
    assert.equal(store.outbox.list({ kind: 'memory.sync', state: 'done' }).length, 1);
  } finally {
    await p.stop();
    store.close();
  }
});

test('a push sync that fails because the provider is down marks the room stale, keeps the row for a retry, and fresh again after', async () => {
  const { store, adapter, p } = setup();
  try {
    const stale: Array<[string, boolean]> = [];
    p.onStaleChanged((r, s) => stale.push([r, s]));
    adapter.failSync = new DoorplateError('PROVIDER_UNAVAILABLE', 'memory is down');
    await p.push('ada');
    assert.deepEqual(stale, [['ada', true]]);
    assert.equal(store.outbox.list({ kind: 'memory.sync', state: 'pending' }).length, 1, 'the push is not lost');
    adapter.failSync = null;
    await p.push('ada');
    assert.deepEqual(stale, [
      ['ada', true],
      ['ada', false],
    ]);
  } finally {
    await p.stop();
    store.close();
  }
});

test('a change the provider refuses for good is rolled back here and answered as a refusal with its reason, not as unavailable', async () => {
  const { store, adapter, p } = setup();
  try {
    store.events.upsert('ada', {
      id: 'theirs',
      title: 'Their meeting',
      organizer: 'someone@example.com',
      start: '2026-03-02T09:00:00Z',
      end: '2026-03-02T10:00:00Z',
      allDay: false,
      status: 'confirmed',
      roomResponse: 'accepted',
      private: false,
      checkInRequired: true,
      checkedInAt: null,
      seriesId: null,
      bookedAt: null,
      bookedVia: 'provider',
    });
    store.syncState.set('ada', 'memory', 'token-1', { full: true });
    adapter.refuse = new ProviderRequestError(403, 'forbiddenForNonOrganizer', 'HTTP 403 Forbidden');
    const syncsBefore = adapter.syncs;
    await assert.rejects(p.setEnd('ada', 'theirs', '2026-03-02T09:30:00Z'), (e: unknown) => {
      assert.ok(e instanceof DoorplateError);
      assert.equal(e.code, 'PROVIDER_REFUSED');
      assert.equal(e.status, 409);
      assert.match(e.message, /forbiddenForNonOrganizer/);
      return true;
    });
    assert.equal(store.events.get('ada', 'theirs')?.end, '2026-03-02T10:00:00Z', 'the old end is back');
    await assert.rejects(p.cancel('ada', 'theirs'), /PROVIDER_REFUSED|refused the release/);
    assert.equal(store.events.get('ada', 'theirs')?.status, 'confirmed', 'the release is taken back too');
    assert.equal(store.syncState.get('ada', 'memory'), null, 'the next sync reads the room in full');
    await flush();
    assert.ok(adapter.syncs > syncsBefore, 'and it is re-read from the provider');
    // A booking refused for good goes.
    await assert.rejects(p.book({ key: 'k1', roomId: 'ada', start: '2026-03-02T11:00:00Z', end: '2026-03-02T11:30:00Z', title: 'x', organizer: null, bookedVia: 'panel', checkInRequired: true }));
    assert.equal(store.events.listForRoom('ada').length, 1);
  } finally {
    await p.stop();
    store.close();
  }
});
