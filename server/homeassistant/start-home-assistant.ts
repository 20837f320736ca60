import { createLogger } from '../../shared/logger.js';
import type { DoorplateServer } from '../server.js';
import { packageVersion } from '../metrics/version.js';
import { HomeAssistantBridge } from './home-assistant-bridge.js';
import { MqttHaConnection } from './ha-connection.js';
import { haTopics } from './ha-topics.js';
import { readSecret } from '../../shared/config/secret.js';

const ANNOUNCED_KEY = 'homeassistant.devices';

/** The site broker the server itself uses: where Home Assistant reads unless it has its own. */
export interface SiteBroker {
  url: string;
  username: string;
  password: string;
}

/**
 * Builds and starts the Home Assistant bridge from the server's parts; returns its stop. With
 * `homeAssistant.url` it talks to Home Assistant's broker (and says there whether the server is
 * online); otherwise to the site's broker with the server's own login.
 */
export async function startHomeAssistant(s: DoorplateServer, site: SiteBroker): Promise<{ bridge: HomeAssistantBridge; stop: () => Promise<void> }> {
  const ha = s.config.homeAssistant;
  const prefix = s.config.broker.prefix;
  const log = createLogger('server:homeassistant', s.log);
  const own = ha.url !== undefined;
  const conn = new MqttHaConnection({
    url: ha.url ?? site.url,
    ...(own ? { username: ha.username, password: ha.password === undefined ? undefined : readSecret(ha.password, 'homeAssistant.password') } : { username: site.username, password: site.password }),
    clientId: `doorplate-ha-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ...(own ? { availabilityTopic: haTopics.serverAvailability(prefix) } : {}),
    log,
  });
  const bridge = new HomeAssistantBridge({
    clock: s.clock,
    log,
    conn,
    discovery: { prefix, discoveryPrefix: ha.discoveryPrefix, version: packageVersion() },
    rooms: () => s.rooms.list(),
    roomState: (id) => s.publisher.snapshot(id)?.state,
    serverView: () => ({
      rooms_busy: s.rooms.list().filter((r) => (s.publisher.snapshot(r.id)?.state.status ?? 'free') !== 'free').length,
      displays_online: s.store.devices.list({ status: 'approved' }).filter((d) => d.online).length,
    }),
    bookNow: async (roomId) => {
      await s.bookings.bookNow(roomId, { via: 'api', title: 'Booked from Home Assistant', scope: 'homeassistant' });
    },
    announced: {
      get: () => {
        const raw = s.store.settings.get(ANNOUNCED_KEY);
        const parsed: unknown = raw ? JSON.parse(raw) : [];
        return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
      },
      set: (ids) => s.store.settings.set(ANNOUNCED_KEY, JSON.stringify(ids)),
    },
    refused: (reason) => s.metrics.refused('home_assistant', reason),
    rediscoverMaxDelayMs: ha.rediscoverMaxDelaySecs * 1000,
  });
  await conn.start();
  const warn = (e: Error) => log.warn({ err: e.message }, 'publishing to Home Assistant failed');
  s.publisher.onUpdate((roomId, what) => {
    if (what.state) void Promise.all([bridge.roomChanged(roomId), bridge.serverChanged()]).catch(warn);
  });
  s.devices.onChange(() => void bridge.serverChanged().catch(warn));
  await s.bus.subscribe('deviceRequest', {}, (p) => {
    const roomId = p.device ? s.store.devices.get(p.device)?.roomId : null;
    if (roomId && p.verb) void bridge.buttonPressed(roomId, p.verb).catch(warn);
  });
  await bridge.start();
  return {
    bridge,
    stop: async () => {
      bridge.stop();
      await conn.stop();
    },
  };
}
