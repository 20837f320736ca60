import { decodePayload, type ParamsOf, type PayloadOf, type TopicName } from '../../shared/api/topics.js';
import type { Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import type { ServerBus } from '../bus.js';
import type { BrokerAccounts } from '../broker/broker-accounts.js';
import { DynsecAccounts } from '../broker/mosquitto/dynsec-accounts.js';
import { DynsecClient } from '../broker/mosquitto/dynsec-client.js';
import type { PartDeps } from './part-deps.js';

/**
 * The device accounts on an external Mosquitto (only with `broker.url`), before the server's
 * own connection (which needs its role to publish): put in step with the store at start, then with every `device.changed`. The server's own login must be the dynamic
 * security plugin's admin.
 */
export function brokerAccountsPart({ config, log, slots, events }: PartDeps): Part {
  const owner = 'brokerAccounts';
  const logger = createLogger('server:broker-accounts', log);
  let dynsec: DynsecClient | null = null;
  return {
    name: owner,
    async start() {
      const login = slots.get('mqttLogin');
      const store = slots.get('store');
      const tokens = slots.get('tokens');
      dynsec = new DynsecClient({ ...login, clientId: `doorplate-server-${process.pid}-accounts` }, logger);
      await dynsec.start();
      const accounts = slots.set(
        'accounts',
        new DynsecAccounts({
          dynsec,
          prefix: config.broker.prefix,
          serverUsername: login.username,
          discoveryPrefix: config.homeAssistant.discoveryPrefix,
          enrollmentToken: () => tokens.enrollmentPlain,
          enrollableIds: () => config.devices.map((d) => d.id),
          device: (id) => store.devices.get(id),
          log: logger,
        }),
      );
      await accounts.sync(store.devices.list());
      const fail = (err: unknown) => logger.error({ err: (err as Error).message }, 'could not update the broker accounts');
      events.on(owner, 'device.changed', ({ device }) => void accounts.deviceChanged(device).catch(fail));
    },
    async stop() {
      events.off(owner);
      if (slots.has('accounts')) await slots.get('accounts').stop();
      await dynsec?.stop();
      dynsec = null;
    },
  };
}

/**
 * Mosquitto does not tell who logged in: a hello that is not an enrollment can only come from
 * the device's own account (or its enrolling one, which holds the enrollment token), so it
 * stands for "the device used its secret".
 */
export function externalHelloPart({ slots, events }: PartDeps): Part {
  return {
    name: 'externalHello',
    async start() {
      const store = slots.get('store');
      await slots.get('mqtt').subscribe('deviceHello', {}, (params, raw) => {
        const hello = decodePayload('deviceHello', raw);
        const id = params.device;
        if (!hello.ok || hello.value.enrolling || id === undefined) return;
        if (store.devices.get(id)?.status === 'approved') events.emit('device.connected', { deviceId: id });
      });
    },
    stop() {},
  };
}

/**
 * The bus the fleet publishes on: a device's config (its room) waits until the broker grants that
 * room (an external broker's accounts, or the embedded broker's identity of the device's live
 * connections, `refresh`), so the device never subscribes to it too early: the embedded broker
 * delivers in this process, before any listener of the change has run. (A new secret waits the
 * same way, in DeviceService, before its reply is sealed and sent.)
 */
export function accountsFirst(bus: ServerBus, accounts: () => BrokerAccounts | null, refresh: (deviceId: string) => void = () => undefined): ServerBus {
  return {
    async publish<N extends TopicName>(name: N, params: ParamsOf<N>, payload: PayloadOf<N>): Promise<void> {
      const acc = accounts();
      if (name === 'deviceConfig') refresh((params as ParamsOf<'deviceConfig'>).device);
      if (acc && name === 'deviceConfig') await acc.beforeConfig((params as ParamsOf<'deviceConfig'>).device);
      return bus.publish(name, params, payload);
    },
    clearRetained: (name, params) => bus.clearRetained(name, params),
    subscribe: (name, params, handler) => bus.subscribe(name, params, handler),
  };
}
