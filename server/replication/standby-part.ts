import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { replicationTopic } from '../../shared/api/topics.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { Part } from '../../shared/lifecycle.js';
import type { Logger } from '../../shared/logger.js';
import { Store } from '../store/store.js';
import { readFleetSecret } from './fleet-secret.js';
import { MqttLink } from './mqtt-link.js';
import { StandbyReplica } from './standby-replica.js';

export interface StandbyPartOptions {
  config: Config;
  nodeId: string;
  /** The broker of the node that serves now (as discovery or the config finds it); null while none is known. */
  leaderUrl: () => string | null;
  clock: Clock;
  log: Logger;
}

/**
 * A serve-capable node that does not lead keeps its store a copy of the leader's: it logs in
 * to the leader's broker as a standby (with the site's fleet secret) and applies the feed to
 * the very database its server opens when it takes the lead. It follows the leader found at
 * each moment, connecting again when that changes.
 */
export function standbyPart(opts: StandbyPartOptions): Part {
  const { config, nodeId, clock, log } = opts;
  let store: Store | null = null;
  let link: MqttLink | null = null;
  let timer: TimerHandle | null = null;
  return {
    name: 'standby',
    start() {
      const source = config.node.fleetSecret;
      if (!source) {
        log.warn('replication off: no node.fleetSecret; this node starts from its own store if it takes the lead');
        return;
      }
      const secret = readFleetSecret(source);
      const dataDir = resolve(config.server.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const s = Store.open({ path: join(dataDir, 'doorplate.db'), clock });
      store = s;
      const prefix = config.broker.prefix;
      const tls = config.broker.tls;
      // Serve-capable nodes share the site's broker certificate: it is the one to trust.
      const ca = tls ? readFileSync(tls.cert) : undefined;
      let replica: StandbyReplica | null = null;
      const follow = (url: string): void => {
        const username = `standby:${nodeId}`;
        const l: MqttLink = new MqttLink(
          { url, username, password: secret, clientId: username, log, ...(ca ? { ca } : {}) },
          {
            message: (_topic, payload) => replica?.feed(payload),
            connected: () => replica?.connected(),
          },
        );
        replica = new StandbyReplica({
          store: s,
          clock,
          log,
          send: (kind, msg) => void l.publish(replicationTopic(prefix, nodeId, kind), JSON.stringify(msg)).catch((e: unknown) => log.debug({ err: (e as Error).message }, 'replication: could not send')),
        });
        link = l;
        l.start([replicationTopic(prefix, nodeId, 'feed')]);
        log.info({ url, cursor: s.replication.cursor() }, 'standby: following the leader');
      };
      const tick = (): void => {
        const url = opts.leaderUrl();
        if (url !== (link?.opts.url ?? null)) {
          const old = link;
          link = null;
          void old?.stop();
          if (url) follow(url);
        } else if (link?.connected) replica?.tick();
        timer = clock.setTimeout(tick, 1000);
      };
      tick();
    },
    async stop() {
      clock.clearTimeout(timer);
      timer = null;
      await link?.stop();
      link = null;
      store?.close();
      store = null;
    },
  };
}
