import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { replicationTopic } from '../../shared/api/topics.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { ReplicaPosition } from '../../shared/fleet/heartbeat.js';
import type { Part } from '../../shared/lifecycle.js';
import type { Logger } from '../../shared/logger.js';
import { Store } from '../store/store.js';
import { readFleetSecret } from './fleet-secret.js';
import { MqttLink } from './mqtt-link.js';
import { StandbyReplica } from './standby-replica.js';

export interface StandbyPartOptions {
  config: Config;
  nodeId: string;
  /**
   * The broker of the node that serves now and the epoch it announced (as discovery finds it;
   * null epoch when the config names the broker); null while none is known.
   */
  leader: () => { url: string; epoch: number | null } | null;
  clock: Clock;
  log: Logger;
}

export interface StandbyPart extends Part {
  /** How far this node's store got (see ReplicationLog.position); null while it is not open. */
  position(): ReplicaPosition | null;
}

/**
 * A serve-capable node that does not lead keeps its store a copy of the leader's: it logs in
 * to the leader's broker as a standby (with the site's fleet secret) and applies the feed to
 * the very database its server opens when it takes the lead. It follows the leader found at
 * each moment, connecting again when that changes (another server, or the same one under a new
 * epoch: the epoch is recorded with what it applies).
 */
export function standbyPart(opts: StandbyPartOptions): StandbyPart {
  const { config, nodeId, clock, log } = opts;
  let store: Store | null = null;
  let link: MqttLink | null = null;
  let timer: TimerHandle | null = null;
  /** The epoch of the leader `link` reaches: a new term of the same server is followed afresh. */
  let linkEpoch: number | null = null;
  return {
    name: 'standby',
    position() {
      return store?.replication.position() ?? null;
    },
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
      const follow = (url: string, epoch: number | null): void => {
        const username = `standby:${nodeId}`;
        // Each link feeds only its own replica: a message of the link being replaced, still on
        // its way, must not be applied under the new leader's epoch.
        let own: StandbyReplica | null = null;
        const l: MqttLink = new MqttLink(
          { url, username, password: secret, clientId: username, log, ...(ca ? { ca } : {}) },
          {
            message: (_topic, payload) => {
              if (link === l) own?.feed(payload);
            },
            connected: () => {
              if (link === l) own?.connected();
            },
          },
        );
        own = new StandbyReplica({
          store: s,
          clock,
          log,
          epoch,
          send: (kind, msg) => void l.publish(replicationTopic(prefix, nodeId, kind), JSON.stringify(msg)).catch((e: unknown) => log.debug({ err: (e as Error).message }, 'replication: could not send')),
        });
        replica = own;
        link = l;
        linkEpoch = epoch;
        l.start([replicationTopic(prefix, nodeId, 'feed')]);
        log.info({ url, epoch, cursor: s.replication.cursor() }, 'standby: following the leader');
      };
      const tick = (): void => {
        const leader = opts.leader();
        if (leader?.url !== link?.opts.url || (leader?.epoch ?? null) !== linkEpoch) {
          const old = link;
          link = null;
          linkEpoch = null;
          void old?.stop();
          if (leader) follow(leader.url, leader.epoch);
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
