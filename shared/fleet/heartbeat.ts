import * as z from 'zod';
import { Id } from '../ids.js';
import { formatIssues } from '../config/load.js';

/**
 * How far a node's store got: the epoch of the leader whose history it holds, and the last seq
 * of that history in it. Seqs compare only within one history, so the epoch comes first.
 */
export const ReplicaPositionSchema = z.strictObject({
  epoch: z.number().int().min(0),
  seq: z.number().int().min(0),
});
export type ReplicaPosition = z.infer<typeof ReplicaPositionSchema>;

/**
 * The heartbeat every serve-capable node sends to its site's multicast group. It is the whole
 * election wire: a node learns its peers, their epochs and who claims the lead from it alone.
 */
export const HeartbeatSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal('doorplate.heartbeat'),
  site: z.string().min(1).max(128),
  nodeId: Id,
  priority: z.number().int().min(0).max(255),
  /** The highest epoch (term) this node has seen or started. */
  epoch: z.number().int().min(0),
  /** True while the sender holds the lead for `epoch`. */
  leader: z.boolean(),
  /** The leader the sender follows (itself when leading), null when it knows none. */
  leaderId: Id.nullable(),
  /** Where the sender serves MQTT while it leads (host:port), for logs and the admin page. */
  serves: z.string().max(256).nullable(),
  /**
   * The sender's store position (null when it knows none, and while it leads: see
   * shared/fleet/election.ts). Absent in heartbeats of nodes that predate it, which rank as null.
   */
  replica: ReplicaPositionSchema.nullable().optional(),
  /** The sender stops cleanly: it is neither leader nor candidate from now on. */
  leaving: z.boolean().default(false),
});

export type Heartbeat = z.input<typeof HeartbeatSchema> & { leaving?: boolean };
export type ReceivedHeartbeat = z.infer<typeof HeartbeatSchema>;

/** The largest datagram a heartbeat may be; anything bigger is not one. */
export const MAX_HEARTBEAT_BYTES = 1024;

export function encodeHeartbeat(hb: Heartbeat): Buffer {
  return Buffer.from(JSON.stringify(HeartbeatSchema.parse(hb)), 'utf8');
}

export type DecodedHeartbeat = { ok: true; heartbeat: ReceivedHeartbeat } | { ok: false; error: string };

/** Never throws: a datagram from another program on the group is refused with `path: message`. */
export function decodeHeartbeat(bytes: Buffer): DecodedHeartbeat {
  if (bytes.length > MAX_HEARTBEAT_BYTES) return { ok: false, error: `(root): ${bytes.length} bytes is larger than a heartbeat` };
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, error: '(root): is not JSON' };
  }
  const parsed = HeartbeatSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: formatIssues(parsed.error.issues).join('; ') };
  return { ok: true, heartbeat: parsed.data };
}

/** How heartbeats travel. The election only sees this; UDP multicast is one implementation. */
export interface HeartbeatTransport {
  start(onHeartbeat: (hb: Heartbeat, from: string) => void): Promise<void>;
  send(hb: Heartbeat): void;
  stop(): Promise<void>;
}
