import { NODES, TestFleet, type NodeId } from '../test/helpers/fleet.js';
import { netnsUnavailable } from '../test/helpers/netns.js';
import { until } from '../test/helpers/wait.js';
import { percentile, table } from './table.js';

export interface FailoverRound {
  round: number;
  killed: NodeId;
  leader: NodeId;
  epoch: number;
  /** From the kill until the new leader's server parts had started. */
  servesMs: number;
  /** Until discovery on every other live node chose the new leader (looked at every 2 s). */
  foundMs: number;
  /** Displays connected and enrolled at the new leader (the others were refused there). */
  online: number;
  refused: number;
}

/**
 * `npm run bench -- failover`: the namespace fleet of the fleet test (3 serve-capable nodes,
 * 2 display-only), its leader killed with SIGKILL `rounds` times. After each kill the killed
 * node is started again and rejoins as a standby before the next round.
 */
export async function runFailover(rounds = 10): Promise<FailoverRound[] | string> {
  const why = netnsUnavailable();
  if (why) return `skipped: ${why} (the failover benchmark needs root for network namespaces)`;
  const fleet = new TestFleet('builtin');
  const out: FailoverRound[] = [];
  try {
    for (const n of NODES) fleet.start(n.id);
    await until(() => fleet.servers().length === 1, 'one node to serve', 60_000);
    for (let round = 1; round <= rounds; round++) {
      const killed = fleet.servers()[0] as NodeId;
      const t0 = Date.now();
      await fleet.kill(killed);
      await until(() => fleet.servers().length === 1 && fleet.servers()[0] !== killed, 'a new node to serve', 60_000);
      const leader = fleet.servers()[0] as NodeId;
      const servesMs = Date.now() - t0;
      // What discovery chooses now (looked at every 2 s), also on a display the leader refused.
      await until(() => fleet.alive().every((id) => id === leader || fleet.status(id)?.discovered === fleet.urlSeenBy(id, leader)), 'the displays to choose the new leader', 60_000);
      const foundMs = Date.now() - t0;
      // Enrolled again at the new leader, or refused by it (it knew the display from an earlier lead: no replication yet).
      await until(() => fleet.alive().every((id) => ['online', 'refused'].includes(fleet.status(id)?.display.phase ?? '')), 'the displays to settle', 60_000).catch(() => undefined);
      const phases = fleet.alive().map((id) => fleet.status(id)?.display.phase);
      out.push({ round, killed, leader, epoch: fleet.status(leader)?.servingEpoch ?? 0, servesMs, foundMs, online: phases.filter((p) => p === 'online').length, refused: phases.filter((p) => p === 'refused').length });
      process.stderr.write(`round ${round}: ${killed} killed, ${leader} serves after ${servesMs} ms\n`);
      fleet.start(killed);
      await until(() => fleet.status(killed)?.election?.role === 'follower', `${killed} to rejoin`, 60_000);
    }
  } finally {
    await fleet.close();
  }
  return out;
}

export function formatFailover(rows: FailoverRound[] | string): string {
  if (typeof rows === 'string') return rows;
  const serves = rows.map((r) => r.servesMs).sort((a, b) => a - b);
  const found = rows.map((r) => r.foundMs).sort((a, b) => a - b);
  return [
    table(
      ['round', 'killed', 'new leader', 'epoch', 'serves after (ms)', 'displays found it after (ms)', 'displays online / refused'],
      rows.map((r) => [r.round, r.killed, r.leader, r.epoch, r.servesMs, r.foundMs, `${r.online} / ${r.refused}`]),
    ),
    '',
    table(['', 'p50 (ms)', 'max (ms)'], [
      ['new leader serves', percentile(serves, 50), percentile(serves, 100)],
      ['every display chose it', percentile(found, 50), percentile(found, 100)],
    ]),
  ].join('\n');
}
