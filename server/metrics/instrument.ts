import type { ServerBus } from '../bus.js';
import type { CalendarProvider } from '../providers/provider.js';
import type { DoorplateMetrics } from './doorplate-metrics.js';

/**
 * Counts what the server publishes, without the bus knowing about metrics: the instance's
 * `publish` is replaced by one that counts by contract topic name (a bounded label) and calls it.
 */
export function countPublishes(bus: ServerBus, metrics: DoorplateMetrics): void {
  const publish = bus.publish.bind(bus);
  const clear = bus.clearRetained.bind(bus);
  bus.publish = (name, params, payload) => {
    metrics.published(name);
    return publish(name, params, payload);
  };
  bus.clearRetained = (name, params) => {
    metrics.published(name);
    return clear(name, params);
  };
}

/** Times every room sync of the provider (its scheduler calls `this.sync`, which this replaces). */
export function timeSyncs(provider: CalendarProvider, metrics: DoorplateMetrics): void {
  const sync = provider.sync.bind(provider);
  provider.sync = (roomId) => metrics.timeSync(provider.kind, () => sync(roomId));
}
