import type { Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { EmbeddedBroker } from '../broker/embedded-broker.js';
import { ServerClient } from '../broker/server-client.js';
import { storeDirectory } from '../broker/store-directory.js';
import { newSecret, sha256Hex } from '../security/secrets.js';
import type { PartDeps } from './part-deps.js';
import { readSecret } from '../../shared/config/secret.js';
import { readFleetSecret } from '../replication/fleet-secret.js';

/**
 * The embedded broker, unless `broker.url` names an external one. Either way it settles how
 * the server's own client logs in: on the embedded broker with a password that is new at
 * every start and lives only in memory.
 */
export function brokerPart({ config, log, slots, events }: PartDeps): Part {
  return {
    name: 'broker',
    async start() {
      if (config.broker.url) {
        slots.set('broker', null);
        slots.set('mqttLogin', { url: config.broker.url, username: config.broker.username ?? '$server', password: config.broker.password === undefined ? '' : readSecret(config.broker.password, 'broker.password') });
        return;
      }
      const password = newSecret();
      const { store, tokens } = { store: slots.get('store'), tokens: slots.get('tokens') };
      const broker = new EmbeddedBroker({
          host: config.broker.host,
          port: config.broker.port,
          tls: config.broker.tls && { port: config.broker.tls.port, keyPath: config.broker.tls.key, certPath: config.broker.tls.cert },
          ...(config.broker.ws ? { ws: { port: config.broker.ws.port } } : {}),
          prefix: config.broker.prefix,
          limits: config.broker.limits,
          directory: storeDirectory({ devices: store.devices, serverPasswordHash: sha256Hex(password), enrollmentTokenHash: () => tokens.enrollmentHash, broker: config.broker, discoveryPrefix: config.homeAssistant.discoveryPrefix, standbySecretHash: config.node.fleetSecret ? sha256Hex(readFleetSecret(config.node.fleetSecret)) : null }),
          logger: createLogger('server:broker', log),
        });
      slots.set('broker', broker);
      broker.on('clientConnected', (identity) => {
        if (identity.kind === 'device') events.emit('device.connected', { deviceId: identity.deviceId });
      });
      await broker.start();
      slots.set('mqttLogin', { url: `mqtt://127.0.0.1:${broker.port}`, username: '$server', password });
    },
    async stop() {
      const broker = slots.has('broker') ? slots.get('broker') : null;
      if (broker?.running) await broker.stop();
    },
    health() {
      const broker = slots.has('broker') ? slots.get('broker') : null;
      // An external broker's health is the MQTT connection's.
      if (!broker) return null;
      return { ok: broker.running, detail: `${broker.stats().connectedClients} clients` };
    },
  };
}

/** The server's own MQTT connection; every (re)connect is told on the event bus. */
export function mqttPart({ config, log, slots, events }: PartDeps): Part {
  return {
    name: 'mqtt',
    async start() {
      const login = slots.get('mqttLogin');
      const broker = slots.has('broker') ? slots.get('broker') : null;
      const client = slots.set(
        'mqtt',
        new ServerClient({
          ...login,
          prefix: config.broker.prefix,
          // Unguessable, and the prefix is reserved for the server on the embedded broker.
          clientId: `doorplate-server-${newSecret().slice(0, 22)}`,
          ...(broker ? { local: broker } : {}),
          logger: createLogger('server:mqtt', log),
        }),
      );
      // Retained messages do not survive a broker restart: the parts put theirs back on this event.
      client.on('connected', () => events.emit('mqtt.connected', {}));
      await client.start();
    },
    async stop() {
      if (slots.has('mqtt')) await slots.get('mqtt').stop();
    },
    health() {
      return { ok: slots.has('mqtt') && slots.get('mqtt').connected };
    },
  };
}
