import * as z from 'zod';
import { Id } from '../../ids.js';
import { SecretSourceSchema } from '../secret.js';
import { Port } from './primitives.js';

/** A fleet node: whether it may serve, the election, discovery and replication. */

/**
 * The `node` role: which Pis may serve, how they elect one, and how every display finds it.
 * Heartbeats go to a multicast group on the site LAN (no broker needed before a leader exists).
 */
export const NodeSchema = z.strictObject({
  /** This Pi may be elected to run the server parts. */
  canServe: z.boolean().default(false),
  /** The node's id in the election (default: the display's device id). */
  id: Id.optional(),
  /** Higher wins the election; ties go to the lowest id. */
  priority: z.number().int().min(0).max(255).default(100),
  /**
   * How many serve-capable nodes the site has. With 3 or more a leader needs a majority of
   * them in sight to hold the lead; with 1 or 2 it does not (a partition can make two leaders).
   */
  serveCapableNodes: z.number().int().min(1).max(15).default(1),
  heartbeatMs: z.number().int().min(200).max(60_000).default(2000),
  /** A leader not heard from for this many heartbeats is declared lost. */
  missedBeats: z.number().int().min(2).max(20).default(3),
  /** Multicast group and UDP port of the heartbeats. */
  group: z.ipv4().default('239.255.77.77'),
  port: Port.default(5377),
  /** The IPv4 address of the interface to send and join on (default: the system's choice). */
  interfaceAddress: z.ipv4().optional(),
  /** The address put in the DNS-SD announcement (default: the first non-internal IPv4). */
  advertiseAddress: z.ipv4().optional(),
  /** `avahi` publishes and browses through avahi-daemon, `builtin` in process; `auto` picks avahi when its socket exists. */
  discovery: z.enum(['auto', 'avahi', 'builtin']).default('auto'),
  /** Where the display's agent connects: the serving node found by discovery, or `edge.server`. */
  serverFrom: z.enum(['discovery', 'config']).default('discovery'),
  /** The persisted epoch (term); default: `<server.dataDir>/fleet-epoch.json`. */
  epochFile: z.string().optional(),
  /** A JSON file rewritten every heartbeat: this node's role, epoch, leader, and what its display shows. */
  statusFile: z.string().optional(),
  /**
   * A file holding the site's fleet secret (the same on every serve-capable node, at least 16
   * characters): standbys log in to the leader's broker with it to receive its store. Without
   * it nothing is replicated and a new leader starts from its own store.
   */
  fleetSecret: SecretSourceSchema.optional(),
  replication: z
    .strictObject({
      /** How long a booking's answer waits for a standby to hold it (0: never waits). */
      ackTimeoutMs: z.number().int().min(0).max(30_000).default(2000),
      /** Changes kept for standbys that fall behind; one further behind gets a snapshot. */
      logEntries: z.number().int().min(100).max(10_000_000).default(10_000),
    })
    .prefault({}),
});
