import * as z from 'zod';
import { Id } from '../ids.js';
import { formatIssues } from '../config/load.js';
import { EpochFence } from './election.js';

/** The DNS-SD service types: the doorplate server itself, and its MQTT broker for other clients. */
export const DOORPLATE_SERVICE = '_doorplate._tcp';
export const MQTT_SERVICE = '_mqtt._tcp';

/** What a serving node announces: the TXT record holds site, epoch, node and (with TLS) the certificate fingerprint. */
export interface ServerAnnouncement {
  site: string;
  epoch: number;
  nodeId: string;
  host: string;
  port: number;
  tls: boolean;
  /** SHA-256 of the broker's certificate (hex), only with TLS. */
  fingerprint?: string;
}

const TxtSchema = z.object({
  site: z.string().min(1).max(128),
  epoch: z.coerce.number().int().min(0),
  node: Id,
  tls: z.enum(['0', '1']).default('0'),
  fp: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest').optional(),
});

/**
 * The DNS-SD instance name: one per node and epoch. A new lead is a new instance, so a browser
 * that still holds the node's earlier instance (Avahi keeps a crashed host's records for an
 * hour and does not resolve a known instance again) sees it as new and resolves it.
 */
export function instanceName(a: Pick<ServerAnnouncement, 'site' | 'nodeId' | 'epoch'>, service: 'doorplate' | 'broker'): string {
  // The epoch first: a long site name is what a 63-byte label cuts.
  return `doorplate${service === 'broker' ? ' broker' : ''} e${a.epoch} ${a.nodeId} ${a.site}`.slice(0, 63);
}

export function announcementTxt(a: ServerAnnouncement): Record<string, string> {
  return { site: a.site, epoch: String(a.epoch), node: a.nodeId, tls: a.tls ? '1' : '0', ...(a.fingerprint ? { fp: a.fingerprint } : {}) };
}

export type ParsedAnnouncement = { ok: true; announcement: ServerAnnouncement } | { ok: false; error: string };

/** A resolved DNS-SD instance as a server announcement; another program's instance is refused with `txt.path: message`. */
export function parseAnnouncement(host: string, port: number, txt: Record<string, string>): ParsedAnnouncement {
  const parsed = TxtSchema.safeParse(txt);
  if (!parsed.success) return { ok: false, error: formatIssues(parsed.error.issues).map((m) => `txt.${m}`).join('; ') };
  const t = parsed.data;
  return { ok: true, announcement: { site: t.site, epoch: t.epoch, nodeId: t.node, host, port, tls: t.tls === '1', ...(t.fp ? { fingerprint: t.fp } : {}) } };
}

/** Announces this node while it serves. */
export interface ServicePublisher {
  publish(a: ServerAnnouncement): Promise<void>;
  /** Withdraws the announcement (a goodbye, so the others forget it at once). */
  unpublish(): Promise<void>;
  close(): Promise<void>;
}

/** Finds the announced servers; `current()` holds only the ones answering lately. */
export interface ServiceBrowser {
  start(): Promise<void>;
  current(): ServerAnnouncement[];
  stop(): Promise<void>;
}

/**
 * The one choice of server for a display: announcements of its own site only, never one
 * below the highest epoch seen (an old leader that has not learned it was replaced), and the
 * highest epoch first. A listed server is not taken as alive: the caller connects and falls
 * back to the next choice when that fails (Avahi keeps a crashed host's records for an hour).
 */
export class ServerChooser {
  private readonly fence = new EpochFence();

  constructor(private readonly site: string) {}

  get highestEpochSeen(): number {
    return this.fence.highestSeen;
  }

  choose(list: readonly ServerAnnouncement[]): ServerAnnouncement | null {
    const ours = list.filter((a) => a.site === this.site);
    for (const a of ours) this.fence.admit(a.epoch);
    const admitted = ours.filter((a) => this.fence.admit(a.epoch)).sort((a, b) => b.epoch - a.epoch || (a.nodeId < b.nodeId ? -1 : 1));
    return admitted[0] ?? null;
  }
}

/** `mqtt://host:port` or `mqtts://...`, with IPv6 in brackets. */
export function brokerUrl(a: { host: string; port: number; tls: boolean }): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `${a.tls ? 'mqtts' : 'mqtt'}://${host}:${a.port}`;
}
