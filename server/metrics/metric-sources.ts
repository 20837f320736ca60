import type { MailMetricSource } from '../mail/mail-metrics.js';
import type { RoomStatus } from '../../shared/model/room-state.js';

/** The server's counts and states the metrics read at each scrape (plain functions, no parts). */
export interface MetricSources {
  version: string;
  providerKind: string;
  rooms: () => ReadonlyArray<{ id: string; status: RoomStatus | undefined }>;
  devices: () => ReadonlyArray<{ status: string; online: boolean }>;
  /** Connected clients by kind and refusals by action; null on an external broker. */
  broker: () => { byKind: Record<string, number>; refused: Record<string, number>; dropped?: Record<string, number> } | null;
  retainedPublishes: () => number;
  /** When a room state was last handed to the broker (ms since the epoch); null before the first. */
  lastStatePublishedAt?: () => number | null;
  deviceMessagesRefused: () => number;
  meetingsReleased: () => number;
  noticesSent: () => number;
  noticesResent: () => number;
  noticesActive: () => number;
  streamClients: () => Record<string, number>;
  streamChanges: () => number;
  outbox: () => ReadonlyArray<{ kind: string; state: 'pending' | 'done' | 'failed' }>;
  /** The mail outbox and its counters; null before the mail part runs. */
  mail?: () => MailMetricSource | null;
  /** Device requests and enrollments refused by a rate limit; pending devices dropped when the list was full. */
  deviceLimits?: () => { rateLimited: number; pendingEvicted: number };
  /** The fleet election as the node running this server sees it; absent for a lone server. */
  fleet?: () => FleetMetrics | null;
  /** The feed to the standbys while this server leads with replication on; null otherwise. */
  replication?: () => ReplicationMetrics | null;
}

export interface ReplicationMetrics {
  standbys: ReadonlyArray<{ nodeId: string; connected: boolean; lagEntries: number; lagSeconds: number }>;
  /** How each wait of an answer for a standby ended: acked, timeout, no_standby, no_quorum. */
  waits: Readonly<Record<string, number>>;
}

export interface FleetMetrics {
  /** This node's id in the election. */
  nodeId?: string;
  isLeader: boolean;
  epoch: number;
  /** How often this node saw the lead move to another node since it started. */
  leaderChanges: number;
}
