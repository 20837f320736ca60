import { NODES, roomOf, TestFleet, type NodeId } from '../test/helpers/fleet.js';
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
  /** Until the last display showed its room's right state from the new leader, online. */
  rightMs: number | null;
  /** Displays online at the new leader with the secret they had before the kill. */
  online: number;
  displays: number;
  /** Bookings answered by a leader (this round's and all before) missing on the new leader. */
  lost: number;
  /** Bookings present more than once on the new leader. */
  doubled: number;
}

interface FleetView {
  replication: { standbys: Array<{ id: string; connected: boolean; syncing: boolean; lagEntries: number }> };
}

/** The benchmark's bookings: one a round, in a display-only node's room, a day ahead, 30 minutes each. */
const ROOM = roomOf('d');
const titleOf = (round: number): string => `failover round ${round}`;

/**
 * `npm run bench -- failover`: the namespace fleet of the fleet test (3 serve-capable nodes,
 * 2 display-only), its leader killed with SIGKILL `rounds` times. Before each kill a booking is
 * made through the leader (once its standbys follow it); after it the new leader must hold
 * every booking ever answered, each once, and every display must be online there with its old
 * secret. The killed node is started again and rejoins as a standby before the next round.
 */
export async function runFailover(rounds = 10): Promise<FailoverRound[] | string> {
  const why = netnsUnavailable();
  if (why) return `skipped: ${why} (the failover benchmark needs root for network namespaces)`;
  const fleet = new TestFleet('builtin');
  const out: FailoverRound[] = [];
  const booked = new Map<string, number>();
  const base = Date.now() + 86_400_000;
  const slot = (round: number): { start: string; end: string } => {
    const start = Math.floor(base / 3_600_000) * 3_600_000 + round * 1_800_000;
    return { start: new Date(start).toISOString(), end: new Date(start + 1_800_000).toISOString() };
  };
  try {
    for (const n of NODES) fleet.start(n.id);
    await until(() => fleet.servers().length === 1, 'one node to serve', 60_000);
    await fleet.assignRooms(fleet.servers()[0] as NodeId);
    for (let round = 1; round <= rounds; round++) {
      const killed = fleet.servers()[0] as NodeId;
      const standbys = fleet.alive().filter((id) => id !== killed && NODES.find((n) => n.id === id)?.canServe);
      await until(async () => {
        const r = await fleet.api(killed, 'GET', '/fleet');
        const list = r.code === 200 ? (r.json as FleetView).replication.standbys : [];
        return standbys.every((id) => list.some((s) => s.id === id && s.connected && !s.syncing));
      }, `${standbys.join(', ')} to follow ${killed}`, 60_000);
      const secrets = new Map(fleet.alive().filter((id) => id !== killed).map((id) => [id, fleet.credentials(id)]));
      const r = await fleet.api(killed, 'POST', '/meetings', { room: ROOM, ...slot(round), title: titleOf(round) });
      if (r.code === 201) booked.set((r.json as { meeting: { eventId: string } }).meeting.eventId, round);
      else process.stderr.write(`round ${round}: the booking was refused (${r.code} ${JSON.stringify(r.json)})\n`);

      const t0 = Date.now();
      await fleet.kill(killed);
      await until(() => fleet.servers().length === 1 && fleet.servers()[0] !== killed, 'a new node to serve', 60_000);
      const leader = fleet.servers()[0] as NodeId;
      const servesMs = Date.now() - t0;
      await until(() => fleet.alive().every((id) => id === leader || fleet.status(id)?.discovered === fleet.urlSeenBy(id, leader)), 'the displays to choose the new leader', 60_000);
      const foundMs = Date.now() - t0;
      const right = await until(() => fleet.displaysRight(leader), 'every display to show its room right', 60_000).then(
        () => Date.now() - t0,
        () => null,
      );
      const online = [...secrets].filter(([id, secret]) => fleet.status(id)?.display.phase === 'online' && fleet.credentials(id) === secret).length;
      const held = fleet.query<{ id: string; title: string }>(leader, "SELECT id, title FROM events WHERE room_id = ? AND title LIKE 'failover round %'", ROOM);
      const lost = [...booked.keys()].filter((id) => !held.some((e) => e.id === id)).length;
      const titles = held.map((e) => e.title);
      const doubled = titles.length - new Set(titles).size;
      out.push({ round, killed, leader, epoch: fleet.status(leader)?.servingEpoch ?? 0, servesMs, foundMs, rightMs: right, online, displays: secrets.size, lost, doubled });
      process.stderr.write(`round ${round}: ${killed} killed, ${leader} serves after ${servesMs} ms, displays right after ${right ?? 'never'} ms, lost ${lost}, doubled ${doubled}\n`);
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
  const right = rows.map((r) => r.rightMs ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const last = rows[rows.length - 1];
  return [
    table(
      ['round', 'killed', 'new leader', 'epoch', 'serves after (ms)', 'displays found it after (ms)', 'displays right after (ms)', 'online with old secret', 'bookings lost', 'doubled'],
      rows.map((r) => [r.round, r.killed, r.leader, r.epoch, r.servesMs, r.foundMs, r.rightMs ?? 'never', `${r.online} / ${r.displays}`, r.lost, r.doubled]),
    ),
    '',
    table(['', 'p50 (ms)', 'max (ms)'], [
      ['new leader serves', percentile(serves, 50), percentile(serves, 100)],
      ['every display chose it', percentile(found, 50), percentile(found, 100)],
      ['every display right', percentile(right, 50), percentile(right, 100)],
    ]),
    '',
    `bookings lost after the last kill: ${last?.lost ?? 0} of ${rows.length}; doubled: ${last?.doubled ?? 0}`,
  ].join('\n');
}
