import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { FLEET_RECONNECT } from '../../shared/backoff.js';
import { SystemClock, type TimerHandle } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { Part } from '../../shared/lifecycle.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import { brokerUrl, ServerChooser, type ServerAnnouncement, type ServiceBrowser, type ServicePublisher } from '../../shared/fleet/discovery.js';
import { discoveryStack } from '../../shared/fleet/discovery-stack.js';
import { Election } from '../../shared/fleet/election.js';
import { EpochFile } from '../../shared/fleet/epoch-file.js';
import { ServeWhileLeading } from '../../shared/fleet/serve-while-leading.js';
import { UdpHeartbeats } from '../../shared/fleet/udp-heartbeats.js';
import type { StandbyPart } from '../../server/replication/standby-part.js';
import { hostDeviceId } from '../../edge/agent/system-info.js';
import type { FleetMetrics } from '../../server/metrics/metric-sources.js';
import { edgePart } from './edge-role.js';


function firstLanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/** What this node announces while it serves: its broker (TLS port and certificate fingerprint when TLS is on). */
function announcementOf(config: Config, nodeId: string, host: string, epoch: number): ServerAnnouncement {
  const tls = config.broker.tls;
  const fingerprint = tls ? new X509Certificate(readFileSync(tls.cert)).fingerprint256.replace(/:/g, '').toLowerCase() : undefined;
  return {
    site: config.site.name,
    epoch,
    nodeId,
    host,
    port: tls ? tls.port : config.broker.port,
    tls: Boolean(tls),
    ...(fingerprint ? { fingerprint } : {}),
  };
}

/** The server as one part, imported when first needed: a node that never leads never loads it. */
function lazyServerPart(config: Config, fleet: () => FleetMetrics | null, servingEpoch: number): Part {
  let server: Part | null = null;
  return {
    name: 'server',
    async start(signal) {
      const { serverPart } = await import('./server-role.js');
      server = serverPart(config, { fleet, servingEpoch });
      await server.start(signal);
    },
    async stop() {
      await server?.stop();
    },
  };
}

/** The standby (a copy of the leader's store), imported when first needed. */
function lazyStandbyPart(make: () => Promise<StandbyPart>): StandbyPart {
  let standby: StandbyPart | null = null;
  return {
    name: 'standby',
    position() {
      return standby?.position() ?? null;
    },
    async start(signal) {
      standby = await make();
      await standby.start(signal);
    },
    async stop() {
      await standby?.stop();
    },
  };
}

/**
 * `doorplate node`: the display agent always; where `node.canServe` is set, the election too,
 * and the server parts while this node leads. The display connects to whichever node serves:
 * itself while it leads, otherwise the one discovery finds (or `edge.server` with
 * `node.serverFrom: config`). A serve-capable node that does not lead is a standby: its store
 * follows the leader's (server/replication), so it serves the same state when it takes over.
 */
export function nodeParts(config: Config, log: Logger): Part[] {
  const node = config.node;
  const clock = new SystemClock();
  const nodeId = node.id ?? config.edge.deviceId ?? hostDeviceId();
  const nodeLog = createLogger('node', log).child({ node: nodeId });
  const iface = node.interfaceAddress ? { interfaceAddress: node.interfaceAddress } : {};
  const stack = discoveryStack(node.discovery, { clock, log: createLogger('node:discovery', nodeLog), ...iface });
  const chooser = new ServerChooser(config.site.name);
  let browser: ServiceBrowser | null = null;
  let publisher: ServicePublisher | null = null;
  let election: Election | null = null;
  let serving: ServeWhileLeading | null = null;
  let chosen: string | null = null;
  /** What discovery would choose now (the display keeps its connection until it drops). */
  let bestListed: string | null = null;
  let leaderChanges = 0;
  let lastLeader: string | null = null;
  const fleetMetrics = (): FleetMetrics | null => (election ? { nodeId, isLeader: election.isLeader, epoch: election.status.epoch, leaderChanges } : null);
  const staleSeen = new Set<string>();

  /** The best server listed now; also learns the highest epoch and logs each stale announcement once. */
  const look = (): ServerAnnouncement | null => {
    const listed = browser?.current() ?? [];
    const found = chooser.choose(listed);
    for (const a of listed) {
      const key = `${a.nodeId}@${a.epoch}`;
      if (a.site !== config.site.name || a.epoch >= chooser.highestEpochSeen || staleSeen.has(key)) continue;
      staleSeen.add(key);
      nodeLog.warn({ server: a.nodeId, epoch: a.epoch, highest: chooser.highestEpochSeen, host: a.host }, 'ignored a server announcing a stale epoch');
    }
    return found;
  };

  const serverUrl = (configured: string): string | null => {
    if (node.serverFrom === 'config') return configured;
    const own = serving?.servingEpoch ?? null;
    let found: ServerAnnouncement | null;
    if (own !== null && chooser.highestEpochSeen <= own) {
      // Its own server, over loopback (plain MQTT: the loopback never leaves the Pi).
      found = chooser.choose([{ site: config.site.name, epoch: own, nodeId, host: '127.0.0.1', port: config.broker.port, tls: false }]);
    } else {
      found = look();
    }
    const url = found ? brokerUrl(found) : null;
    if (url !== chosen) nodeLog.info({ url, epoch: found?.epoch ?? null, server: found?.nodeId ?? null }, url ? 'found the server' : 'no server found yet');
    chosen = url;
    return url;
  };

  /**
   * The broker a standby follows: the server found now, never this node itself, with the epoch
   * it announced: the one record of whose history the standby's store then holds.
   */
  const leaderOf = (): { url: string; epoch: number | null } | null => {
    if (node.serverFrom === 'config') {
      // No announcement to read the epoch from: the election's own view of the leader's term.
      const status = election?.status;
      return { url: brokerUrl(config.edge.server), epoch: status && status.leaderId !== null && status.leaderId !== nodeId ? status.epoch : null };
    }
    const found = look();
    return found && found.nodeId !== nodeId ? { url: brokerUrl(found), epoch: found.epoch } : null;
  };
  /** The standby running now, whose store tells how far this node got (for the election). */
  let standby: StandbyPart | null = null;

  const parts: Part[] = [];
  if (node.serverFrom === 'discovery') {
    let watch: TimerHandle | null = null;
    parts.push({
      name: 'discovery',
      async start() {
        browser = await stack.browser();
        await browser.start();
        nodeLog.info({ stack: stack.kind }, 'browsing for the server');
        // Also between connection attempts: the fence learns new epochs as they are announced.
        const tick = (): void => {
          const best = look();
          bestListed = best ? brokerUrl(best) : null;
          watch = clock.setTimeout(tick, 2000);
        };
        tick();
      },
      async stop() {
        clock.clearTimeout(watch);
        await browser?.stop();
        browser = null;
      },
    });
  }

  if (node.canServe) {
    const heartbeats = new UdpHeartbeats({ group: node.group, port: node.port, log: createLogger('node:heartbeat', nodeLog), ...iface });
    parts.push({
      name: 'election',
      async start() {
        publisher = await stack.publisher();
        const host = node.advertiseAddress ?? node.interfaceAddress ?? firstLanAddress() ?? '127.0.0.1';
        const lead = new ServeWhileLeading({
          serverParts: (epoch) => [lazyServerPart(config, fleetMetrics, epoch)],
          standbyParts: () => {
            const part = lazyStandbyPart(async () => {
              const { standbyPart } = await import('../../server/replication/standby-part.js');
              return standbyPart({ config, nodeId, leader: leaderOf, clock, log: createLogger('node:standby', nodeLog) });
            });
            standby = part;
            return [part];
          },
          publisher,
          announcement: (epoch) => announcementOf(config, nodeId, host, epoch),
          log: nodeLog,
        });
        serving = lead;
        const e = new Election(
          { site: config.site.name, nodeId, priority: node.priority, serveCapableNodes: node.serveCapableNodes, heartbeatMs: node.heartbeatMs, missedBeats: node.missedBeats },
          {
            clock,
            epochs: new EpochFile(node.epochFile ?? join(config.server.dataDir, 'fleet-epoch.json')),
            send: (hb) => heartbeats.send(hb),
            serves: () => (lead.servingEpoch !== null ? `${host}:${config.broker.port}` : null),
            position: () => standby?.position() ?? null,
            onChange: (s) => {
              if (s.leaderId !== null && s.leaderId !== lastLeader) {
                if (lastLeader !== null) leaderChanges++;
                lastLeader = s.leaderId;
              }
              nodeLog.info({ role: s.role, epoch: s.epoch, leader: s.leaderId, peers: s.peers }, 'election');
              void lead.update(s);
            },
            log: createLogger('node:election', nodeLog),
          },
        );
        election = e;
        await heartbeats.start((hb) => e.receive(hb));
        e.start();
      },
      async stop() {
        election?.stop();
        election = null;
        await serving?.stop();
        await heartbeats.stop();
        await publisher?.close();
      },
    });
  }

  const edge = edgePart(config, createLogger('edge', nodeLog), { serverUrl, reconnect: FLEET_RECONNECT });
  parts.push(edge);

  if (node.statusFile) {
    const file = node.statusFile;
    let timer: TimerHandle | null = null;
    const write = (): void => {
      const view = edge.edge?.lastView ?? null;
      const status = {
        node: nodeId,
        at: new Date(clock.now()).toISOString(),
        election: election?.status ?? null,
        servingEpoch: serving?.servingEpoch ?? null,
        position: standby?.position() ?? null,
        server: chosen,
        discovered: bestListed,
        display: { phase: edge.edge?.phase ?? null, room: view?.roomName ?? null, status: view?.state.status ?? null, offline: view?.offline ?? null },
      };
      writeFileSync(`${file}.tmp`, JSON.stringify(status) + '\n');
      renameSync(`${file}.tmp`, file);
    };
    parts.push({
      name: 'status-file',
      start() {
        mkdirSync(dirname(file), { recursive: true });
        const tick = (): void => {
          try {
            write();
          } catch (e) {
            nodeLog.warn({ err: (e as Error).message }, 'could not write the status file');
          }
          timer = clock.setTimeout(tick, 1000);
        };
        tick();
      },
      stop() {
        clock.clearTimeout(timer);
      },
    });
  }
  return parts;
}
