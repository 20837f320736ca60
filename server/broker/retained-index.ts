import { Readable } from 'node:stream';
import aedesPersistence, { type AedesMemoryPersistence, type Packet } from 'aedes-persistence';

// A CommonJS module whose typings declare an ES default export: at run time the default import
// is the module's export, the factory itself.
const aedesMemoryPersistence = aedesPersistence as unknown as () => AedesMemoryPersistence;

/**
 * aedes' memory store with retained messages also indexed by exact topic. The store answers a
 * SUBSCRIBE by testing every retained topic against each filter, so at a site with thousands of
 * rooms a reconnecting display paid for every room's state; a display's filters are exact
 * topics, and each of those is now one lookup. A filter whose one wildcard is a last `+` (a
 * display's `devices/{id}/response/+`) reads the retained topics under its parent, and only
 * those. Other wildcards (inspectors) still go to the store's own matching. Packets are shared
 * with the store, not copied.
 */
export function retainedIndexedPersistence(): AedesMemoryPersistence {
  const store = aedesMemoryPersistence();
  const byTopic = new Map<string, Packet>();
  /** Retained topics by the topic without its last level: what `parent/+` can match. */
  const byParent = new Map<string, Map<string, Packet>>();
  const storeRetained = store.storeRetained.bind(store);
  const combi = store.createRetainedStreamCombi.bind(store);

  store.storeRetained = ((packet: Packet, cb: (error: Error | null | undefined) => void) => {
    // Only PUBLISH packets are retained: they have a topic and a payload.
    const { topic, payload } = packet as unknown as { topic: string; payload: Buffer };
    // No `parent/+` matches a topic without a `/`, nor (as in the store's own matching) one
    // whose last level is empty.
    const cut = topic.lastIndexOf('/');
    const parent = cut < 0 || cut === topic.length - 1 ? null : topic.slice(0, cut);
    const siblings = parent === null ? undefined : byParent.get(parent);
    if (payload.length === 0) {
      byTopic.delete(topic);
      siblings?.delete(topic);
      if (parent !== null && siblings?.size === 0) byParent.delete(parent);
    } else {
      byTopic.set(topic, packet);
      if (siblings) siblings.set(topic, packet);
      else if (parent !== null) byParent.set(parent, new Map([[topic, packet]]));
    }
    // Called without a callback, the store answers with a promise, which aedes awaits.
    return storeRetained(packet, cb) as unknown;
  }) as AedesMemoryPersistence['storeRetained'];
  store.createRetainedStreamCombi = (patterns) => {
    const found: Packet[] = [];
    const wild: string[] = [];
    for (const p of patterns) {
      if (isExact(p)) {
        const hit = byTopic.get(p);
        if (hit) found.push(hit);
      } else if (p.endsWith('/+') && isExact(p.slice(0, -2))) {
        for (const hit of byParent.get(p.slice(0, -2))?.values() ?? []) found.push(hit);
      } else {
        wild.push(p);
      }
    }
    if (wild.length === 0) return Readable.from(found);
    return Readable.from(concat(found, combi(wild)));
  };
  return store;
}

function isExact(pattern: string): boolean {
  return !pattern.includes('+') && !pattern.includes('#');
}

async function* concat(first: readonly Packet[], rest: Readable): AsyncGenerator<Packet> {
  yield* first;
  for await (const p of rest) yield p as Packet;
}
