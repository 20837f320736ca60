import { Store } from '../../../server/store/store.js';
import { FakeClock } from '../../../shared/clock.js';
import type { ChunkMessage, EntriesMessage } from '../../../server/replication/protocol.js';
import { event } from '../store/helpers.js';

export const HASH = 'ab'.repeat(32);

export function openStore(clock = new FakeClock('2026-03-02T08:00:00Z')): Store {
  return Store.open({ path: ':memory:', clock });
}

/** Some of everything: rooms, a device with a secret, bookings, settings, an outbox row. */
export function writeSome(store: Store, n = 1): void {
  store.rooms.upsertFromConfig([
    { id: 'ada', name: 'Ada Lovelace' },
    { id: 'grace', name: 'Grace Hopper' },
  ]);
  store.transaction(() => {
    store.devices.getOrCreatePending(`pi-${n}`, { model: 'Pi' }, '10.0.0.5');
    store.devices.approve(`pi-${n}`);
    store.devices.assignRoom(`pi-${n}`, 'ada');
    store.devices.setSecretHash(`pi-${n}`, HASH);
  });
  store.events.upsert('ada', event({ id: `ev-${n}`, title: `Booking ${n}` }));
  store.settings.set(`k-${n}`, `v-${n}`);
  store.outbox.enqueue({ kind: 'create', roomId: 'grace', payload: { n } });
}

/** Every replicated row of a store, in a stable order, for comparing two stores. */
export function contents(store: Store): string[] {
  return store.replication
    .snapshot()
    .rows.map((r) => `${r.tbl} ${JSON.stringify(r.row)}`)
    .sort();
}

export function entriesSince(from: Store, storeId: string, after: number): EntriesMessage {
  return { kind: 'entries', storeId, after, entries: from.replication.after(after, 10_000, 1 << 30) };
}

export function snapshotOf(from: Store, parts = 2): ChunkMessage[] {
  const snap = from.replication.snapshot();
  const per = Math.ceil(snap.rows.length / parts);
  return Array.from({ length: parts }, (_, index) => ({
    kind: 'chunk' as const,
    storeId: snap.storeId,
    snapshotId: 's1',
    index,
    count: parts,
    upTo: snap.upTo,
    rows: snap.rows.slice(index * per, (index + 1) * per),
  }));
}
