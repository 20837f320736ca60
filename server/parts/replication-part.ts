import { parseReplicationTopic, replicationRoot, replicationTopic } from '../../shared/api/topics.js';
import type { Part } from '../../shared/lifecycle.js';
import { DoorplateError } from '../../shared/errors.js';
import { quorumOf } from '../../shared/fleet/election.js';
import { createLogger } from '../../shared/logger.js';
import { LeaderFeed, type WaitOutcome } from '../replication/leader-feed.js';
import { MqttLink } from '../replication/mqtt-link.js';
import { newSecret } from '../security/secrets.js';
import type { PartDeps } from './part-deps.js';

/** What the replication part makes: the feed, and how often a booking's wait ended which way. */
export interface Replication {
  feed: LeaderFeed;
  waits: Record<WaitOutcome, number>;
  /** Waits (bounded by `node.replication.ackTimeoutMs`) until the standbys hold every commit so far; refuses (NOT_REPLICATED) when fewer than a site majority do. */
  durable(): Promise<void>;
}

/**
 * The leader's replication feed to its standbys, over its own broker, when the site has a
 * fleet secret (`node.fleetSecret`) and the broker is the embedded one. Otherwise nothing
 * is replicated and `durable()` returns at once.
 */
export function replicationPart({ config, clock, log, slots }: PartDeps): Part {
  let link: MqttLink | null = null;
  let feed: LeaderFeed | null = null;
  let detach: (() => void) | null = null;
  return {
    name: 'replication',
    start() {
      const store = slots.get('store');
      const broker = slots.get('broker');
      if (!config.node.fleetSecret || !broker) {
        slots.set('replication', null);
        return;
      }
      const rlog = createLogger('server:replication', log);
      const prefix = config.broker.prefix;
      const f = new LeaderFeed({
        log: store.replication,
        clock,
        logger: rlog,
        // A quarter of the broker's packet limit: row JSON is counted in characters, and a
        // character may take up to 3 bytes (a packet over the limit drops the connection).
        maxBytes: Math.floor(config.broker.limits.maxPacketBytes / 4),
        send: (nodeId, msg) => void link?.publish(replicationTopic(prefix, nodeId, 'feed'), JSON.stringify(msg)).catch((e: unknown) => rlog.warn({ standby: nodeId, err: (e as Error).message }, 'replication: could not send')),
      });
      feed = f;
      const login = slots.get('mqttLogin');
      link = new MqttLink(
        { url: login.url, username: login.username, password: login.password, clientId: `doorplate-server-replication-${newSecret().slice(0, 16)}`, log: rlog },
        {
          message: (topic, payload) => {
            const t = parseReplicationTopic(prefix, topic);
            if (!t || t.kind === 'feed') return;
            try {
              f.receive(t.nodeId, t.kind, payload);
            } catch (e) {
              rlog.warn({ standby: t.nodeId, err: (e as Error).message }, 'replication: refused a message');
            }
          },
        },
      );
      const onGone = (identity: { kind: string; nodeId?: string }): void => {
        if (identity.kind === 'standby' && identity.nodeId) f.gone(identity.nodeId);
      };
      broker.on('clientDisconnected', onGone);
      detach = () => broker.off('clientDisconnected', onGone);
      link.start([`${replicationRoot(prefix)}/+/hello`, `${replicationRoot(prefix)}/+/ack`]);
      f.start();
      const waits: Record<WaitOutcome, number> = { acked: 0, timeout: 0, no_standby: 0, no_quorum: 0 };
      const timeout = config.node.replication.ackTimeoutMs;
      // The leader counts itself: with 3 serving nodes one standby must hold a change, with 5 two.
      const needed = quorumOf(config.node.serveCapableNodes) - 1;
      slots.set('replication', {
        feed: f,
        waits,
        async durable() {
          if (timeout === 0) return;
          const outcome = await f.waitReplicated(timeout, needed);
          waits[outcome]++;
          if (outcome === 'timeout') rlog.warn({ timeoutMs: timeout }, 'replication: answered before every standby held the change');
          // Cut off from the majority: the side that keeps it may elect a leader that never saw
          // this change, so it is not acknowledged (a retry with its key gets the outcome).
          if (outcome === 'no_quorum') throw new DoorplateError('NOT_REPLICATED', undefined, { needed, timeoutMs: timeout });
        },
      });
      rlog.info({ storeId: f.id, head: f.head() }, 'replication: feeding standbys');
      if (!config.broker.tls) rlog.warn('replication over plain MQTT: the standbys\' login and the store cross the LAN unencrypted; set broker.tls on serve-capable nodes');
    },
    async stop() {
      detach?.();
      feed?.stop();
      await link?.stop();
      link = null;
      feed = null;
    },
  };
}
