import { Readable } from 'node:stream';
import aedesPersistence, { type AedesMemoryPersistence, type Packet } from 'aedes-persistence';

// A CommonJS module whose typings declare an ES default export: at run time the default import
// is the module's export, the factory itself.
const aedesMemoryPersistence = aedesPersistence as unknown as () => AedesMemoryPersistence;

/**
 * aedes' memory store with retained messages also indexed by exact topic. The store answers a
 * SUBSCRIBE by testing every retained topic against each filter, so at a site with thousands of
 * rooms a reconnecting display paid for every room's state; a display's filters are exact
 * topics, and each of those is now one lookup. Filters with wildcards (inspectors) still go to
 * the store's own matching. Packets are shared with the store, not copied.
 */
export function retainedIndexedPersistence(): AedesMemoryPersistence {
  const store = aedesMemoryPersistence();
  const byTopic = new Map<string, Packet>();
  const storeRetained = store.storeRetained.bind(store);
  const combi = store.createRetainedStreamCombi.bind(store);

  store.storeRetained = ((packet: Packet, cb: (error: Error | null | undefined) => void) => {
    // Only PUBLISH packets are retained: they have a topic and a payload.
    const { topic, payload } = packet as unknown as { topic: string; payload: Buffer };
    if (payload.length === 0) byTopic.delete(topic);
    else byTopic.set(topic, packet);
    // Called without a callback, the store answers with a promise, which aedes awaits.
    return storeRetained(packet, cb) as unknown;
  }) as AedesMemoryPersistence['storeRetained'];
  store.createRetainedStreamCombi = (patterns) => {
    const exact = patterns.filter((p) => !p.includes('+') && !p.includes('#'));
    const wild = patterns.filter((p) => p.includes('+') || p.includes('#'));
    const found = exact.map((t) => byTopic.get(t)).filter((p): p is Packet => p !== undefined);
    if (wild.length === 0) return Readable.from(found);
    return Readable.from(concat(found, combi(wild)));
  };
  return store;
}

async function* concat(first: readonly Packet[], rest: Readable): AsyncGenerator<Packet> {
  yield* first;
  for await (const p of rest) yield p as Packet;
}
