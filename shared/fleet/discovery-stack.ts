import { existsSync } from 'node:fs';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ServiceBrowser, ServicePublisher } from './discovery.js';

export interface DiscoveryStack {
  kind: 'avahi' | 'builtin';
  publisher(): Promise<ServicePublisher>;
  browser(): Promise<ServiceBrowser>;
}

/** Where avahi-daemon listens for its clients; present only while it runs. */
export const AVAHI_SOCKET = '/run/avahi-daemon/socket';

/**
 * `auto` takes Avahi where its daemon runs (a second mDNS stack beside it cannot receive
 * unicast replies and may not bind 5353), the in-process stack elsewhere. Each stack is
 * loaded only when chosen.
 */
export function discoveryStack(mode: 'auto' | 'avahi' | 'builtin', deps: { clock: Clock; log: Logger; interfaceAddress?: string }, avahiRunning: () => boolean = () => existsSync(AVAHI_SOCKET)): DiscoveryStack {
  const kind = mode === 'auto' ? (avahiRunning() ? 'avahi' : 'builtin') : mode;
  const iface = deps.interfaceAddress ? { interfaceAddress: deps.interfaceAddress } : {};
  if (kind === 'avahi') {
    return {
      kind,
      publisher: async () => new (await import('./avahi-cli.js')).AvahiPublisher({ log: deps.log }),
      browser: async () => new (await import('./avahi-cli.js')).AvahiBrowser({ log: deps.log }),
    };
  }
  return {
    kind,
    publisher: async () => new (await import('./mdns-builtin.js')).CiaoPublisher({ log: deps.log, ...iface }),
    browser: async () => new (await import('./mdns-builtin.js')).MdnsBrowser({ clock: deps.clock, log: deps.log, ...iface }),
  };
}
