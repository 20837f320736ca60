import type { Part } from '../../shared/lifecycle.js';
import { countPublishes, timeSyncs } from '../metrics/instrument.js';
import type { DoorplateServer } from '../server.js';
import type { PartDeps } from './part-deps.js';

/** Counts the server's publishes and times its syncs, once both the MQTT link and the provider exist. */
export function metricsPart({ slots, metrics }: PartDeps): Part {
  return {
    name: 'metrics',
    async start() {
      countPublishes(slots.get('mqtt'), metrics);
      timeSyncs(slots.get('provider'), metrics);
    },
    async stop() {},
  };
}

/**
 * Home Assistant discovery and its book button, only where the config turns it on (its code is
 * loaded only then). It talks to the site broker with the server's own login, or to Home
 * Assistant's broker when `homeAssistant.url` names one.
 */
export function homeAssistantPart({ config, slots }: PartDeps, server: DoorplateServer): Part {
  let stop: (() => Promise<void>) | null = null;
  return {
    name: 'home-assistant',
    async start() {
      if (!config.homeAssistant.enabled) return;
      const { startHomeAssistant } = await import('../homeassistant/start-home-assistant.js');
      const ha = await startHomeAssistant(server, slots.get('mqttLogin'));
      stop = ha.stop;
    },
    async stop() {
      await stop?.();
      stop = null;
    },
  };
}
