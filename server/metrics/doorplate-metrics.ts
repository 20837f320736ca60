import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isDoorplateError } from '../../shared/errors.js';
import type { Clock } from '../../shared/clock.js';
import type { MetricSources } from './metric-sources.js';

const ROOM_STATUSES = ['free', 'busy', 'awaiting-checkin'] as const;
const DEVICE_STATUSES = ['pending', 'approved', 'revoked'] as const;
const OUTBOX_STATES = ['pending', 'done', 'failed'] as const;
/** Why a sync failed, in few words: the label stays bounded whatever the provider answers. */
export const SYNC_ERROR_REASONS = ['unavailable', 'rate_limited', 'auth', 'other'] as const;
export type SyncErrorReason = (typeof SYNC_ERROR_REASONS)[number];

export function syncErrorReason(e: unknown): SyncErrorReason {
  if (!isDoorplateError(e)) return 'other';
  if (e.code === 'PROVIDER_UNAVAILABLE') return 'unavailable';
  if (e.code === 'RATE_LIMITED') return 'rate_limited';
  if (e.code === 'UNAUTHORIZED' || e.code === 'FORBIDDEN') return 'auth';
  return 'other';
}

let processRegistry: Registry | null = null;

/**
 * The process's own metrics (CPU, memory, event loop, GC), collected once per process: they
 * describe the process, not one server, and their collectors cannot be stopped again.
 */
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // Gauges named like counters; the same numbers stay in `nodejs_active_*{type}`.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

/**
 * The server's Prometheus metrics, in a registry of its own (several servers share a process in
 * tests). Gauges and the counters kept elsewhere are read at scrape time; what only happens here
 * (sync timings, publishes, refusals reported by callers) is counted here. Labels are bounded:
 * room ids, kinds, states and reason words, never meeting ids, addresses or free text.
 */
export class DoorplateMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly syncDuration: Histogram<'provider'>;
  private readonly syncErrors: Counter<'provider' | 'reason'>;
  private readonly lastSync: Gauge<'provider'>;
  private readonly publishes: Counter<'topic'>;
  private readonly refusals: Counter<'source' | 'reason'>;

  constructor(
    private readonly src: MetricSources,
    private readonly deps: { clock: Clock; elapsedMs?: () => number },
  ) {
    const registers = [this.registry];

    new Gauge({ name: 'doorplate_build_info', help: 'The running build: always 1, its version as labels.', labelNames: ['version', 'nodejs', 'provider'], registers })
      .labels(src.version, process.version, src.providerKind)
      .set(1);

    const lastCounts = new Map<string, number>();
    // A count kept by a part: the counter follows it (it only grows while the server runs).
    const mirrored = (name: string, help: string, read: () => number): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = read();
          const before = lastCounts.get(name) ?? 0;
          if (now > before) this.inc(now - before);
          lastCounts.set(name, Math.max(now, before));
        },
      });
    };
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>) => void): void => {
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill(this);
        },
      });
    };

    gauge('doorplate_rooms', 'Rooms by their status now.', ['status'], (g) => {
      const counts = new Map<string, number>(ROOM_STATUSES.map((s) => [s, 0]));
      for (const r of src.rooms()) if (r.status) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      for (const [status, n] of counts) g.labels(status).set(n);
    });
    gauge('doorplate_room_busy', 'Whether the room is taken now (busy or awaiting check-in): 1 or 0.', ['room'], (g) => {
      for (const r of src.rooms()) g.labels(r.id).set(r.status === undefined || r.status === 'free' ? 0 : 1);
    });
    gauge('doorplate_devices', 'Devices by enrollment status and whether they are online.', ['status', 'online'], (g) => {
      for (const status of DEVICE_STATUSES) for (const online of ['true', 'false']) g.labels(status, online).set(0);
      for (const d of src.devices()) g.labels(d.status, String(d.online)).inc();
    });
    gauge('doorplate_mqtt_clients', 'MQTT clients connected to the embedded broker, by kind.', ['kind'], (g) => {
      for (const [kind, n] of Object.entries(src.broker()?.byKind ?? {})) g.labels(kind).set(n);
    });
    gauge('doorplate_outbox_items', 'Outbox items (provider writes, mail) by kind and state.', ['kind', 'state'], (g) => {
      const kinds = new Set<string>();
      for (const item of src.outbox()) kinds.add(item.kind);
      for (const kind of kinds) for (const state of OUTBOX_STATES) g.labels(kind, state).set(0);
      for (const item of src.outbox()) g.labels(item.kind, item.state).inc();
    });
    gauge('doorplate_stream_clients', 'Open event streams by kind (admin live stream, kiosk page).', ['kind'], (g) => {
      for (const [kind, n] of Object.entries(src.streamClients())) g.labels(kind).set(n);
    });
    gauge('doorplate_stream_changes', 'Changes kept in the log the live stream resumes from.', [], (g) => g.set(src.streamChanges()));
    gauge('doorplate_notices_active', 'Notices in force now.', [], (g) => g.set(src.noticesActive()));

    gauge('doorplate_mail_outbox', 'Mails in the outbox by status.', ['status'], (g) => {
      for (const [status, n] of Object.entries(src.mail?.()?.outbox.counts() ?? {})) g.labels(status).set(n);
    });
    mirrored('doorplate_mail_queued_total', 'Mails queued since start.', () => src.mail?.()?.queued() ?? 0);
    mirrored('doorplate_mail_sent_total', 'Mails the SMTP server accepted since start.', () => src.mail?.()?.attempts().sent ?? 0);
    mirrored('doorplate_mail_failed_total', 'Failed mail send attempts since start.', () => src.mail?.()?.attempts().failed ?? 0);
    mirrored('doorplate_mail_dead_total', 'Mails given up on since start (permanent refusal or out of attempts).', () => src.mail?.()?.attempts().dead ?? 0);

    mirrored('doorplate_pending_evicted_total', 'Pending devices dropped, oldest first, because the pending list was full.', () => src.deviceLimits?.().pendingEvicted ?? 0);
    const droppedSeen = new Map<string, number>();
    new Counter<'reason'>({
      name: 'doorplate_mqtt_dropped_total',
      help: 'Connections the embedded broker closed: over a connection cap, over a byte budget, a client that stopped reading.',
      labelNames: ['reason'],
      registers,
      collect() {
        for (const [reason, n] of Object.entries(src.broker()?.dropped ?? {})) {
          const before = droppedSeen.get(reason) ?? 0;
          this.labels(reason).inc(Math.max(0, n - before));
          droppedSeen.set(reason, Math.max(n, before));
        }
      },
    });

    const fleet = src.fleet;
    if (fleet) {
      gauge('doorplate_is_leader', 'Whether this node holds the fleet lead now: 1 or 0.', [], (g) => g.set(fleet()?.isLeader ? 1 : 0));
      gauge('doorplate_fleet_epoch', 'The highest fleet epoch (term) this node has seen.', [], (g) => g.set(fleet()?.epoch ?? 0));
      mirrored('doorplate_leader_changes_total', 'Times this node saw the fleet lead move to another node.', () => fleet()?.leaderChanges ?? 0);
    }
    const replication = src.replication;
    if (replication) {
      gauge('doorplate_replication_lag', 'How far each standby is behind this leader: in log entries, and in seconds since the oldest change it lacks was committed.', ['standby', 'unit'], (g) => {
        for (const s of replication()?.standbys ?? []) {
          if (!s.connected) continue;
          g.labels(s.nodeId, 'entries').set(s.lagEntries);
          g.labels(s.nodeId, 'seconds').set(s.lagSeconds);
        }
      });
      gauge('doorplate_replication_standbys', 'Standbys connected to this leader now.', [], (g) => g.set((replication()?.standbys ?? []).filter((s) => s.connected).length));
      const waitsSeen = new Map<string, number>();
      new Counter<'outcome'>({
        name: 'doorplate_replication_waits_total',
        help: 'Answers (bookings, secrets) that waited for a standby to hold the change, by how the wait ended: acked, timeout, no_standby, no_quorum (refused: fewer than a site majority held it).',
        labelNames: ['outcome'],
        registers,
        collect() {
          for (const [outcome, n] of Object.entries(replication()?.waits ?? {})) {
            const before = waitsSeen.get(outcome) ?? 0;
            this.labels(outcome).inc(Math.max(0, n - before));
            waitsSeen.set(outcome, Math.max(n, before));
          }
        },
      });
    }
    gauge('doorplate_room_state_published_seconds', 'When the server last handed a room state to the broker (Unix time, ms precision; 0 before the first).', [], (g) => {
      const at = src.lastStatePublishedAt?.() ?? null;
      if (at !== null) g.set(at / 1000);
    });
    mirrored('doorplate_retained_publishes_total', 'Room states and agendas published (retained).', src.retainedPublishes);
    mirrored('doorplate_meetings_released_total', 'No-shows released at the close of their check-in window.', src.meetingsReleased);
    mirrored('doorplate_notices_sent_total', 'Notify messages accepted and sent.', src.noticesSent);
    mirrored('doorplate_notices_resent_total', 'Notices in force sent again to displays that connected or moved later.', src.noticesResent);

    this.publishes = new Counter({ name: 'doorplate_mqtt_publishes_total', help: 'MQTT messages the server published, by contract topic.', labelNames: ['topic'], registers });
    const brokerSeen = new Map<string, number>();
    let devicesSeen = 0;
    let limitedSeen = 0;
    const refusals = new Counter<'source' | 'reason'>({
      name: 'doorplate_refusals_total',
      help: 'Refused actions by source (mqtt, device, home_assistant, http) and reason.',
      labelNames: ['source', 'reason'],
      registers,
      collect() {
        for (const [action, n] of Object.entries(src.broker()?.refused ?? {})) {
          const before = brokerSeen.get(action) ?? 0;
          this.labels('mqtt', action).inc(Math.max(0, n - before));
          brokerSeen.set(action, Math.max(n, before));
        }
        const limited = src.deviceLimits?.().rateLimited ?? 0;
        this.labels('device', 'rate_limited').inc(Math.max(0, limited - limitedSeen));
        limitedSeen = Math.max(limitedSeen, limited);
        const malformed = src.deviceMessagesRefused();
        this.labels('device', 'malformed').inc(Math.max(0, malformed - devicesSeen));
        devicesSeen = Math.max(devicesSeen, malformed);
      },
    });
    this.refusals = refusals;

    this.syncDuration = new Histogram({
      name: 'doorplate_provider_sync_duration_seconds',
      help: 'Time a room sync with the calendar provider took, failed or not.',
      labelNames: ['provider'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.syncErrors = new Counter({ name: 'doorplate_provider_sync_errors_total', help: 'Failed room syncs by provider and reason.', labelNames: ['provider', 'reason'], registers });
    for (const reason of SYNC_ERROR_REASONS) this.syncErrors.labels(src.providerKind, reason).inc(0);
    this.syncDuration.zero({ provider: src.providerKind });
    this.lastSync = new Gauge({ name: 'doorplate_provider_last_success_timestamp_seconds', help: 'When a room sync last succeeded (Unix time).', labelNames: ['provider'], registers });
  }

  /** Runs one sync and records its time, its failure reason or its success. */
  async timeSync<T>(provider: string, run: () => Promise<T>): Promise<T> {
    const elapsed = this.deps.elapsedMs ?? (() => performance.now());
    const started = elapsed();
    try {
      const out = await run();
      this.lastSync.labels(provider).set(this.deps.clock.now() / 1000);
      return out;
    } catch (e) {
      this.syncErrors.labels(provider, syncErrorReason(e)).inc();
      throw e;
    } finally {
      this.syncDuration.labels(provider).observe(Math.max(0, elapsed() - started) / 1000);
    }
  }

  published(topic: string): void {
    this.publishes.labels(topic).inc();
  }

  refused(source: 'home_assistant' | 'http', reason: string): void {
    this.refusals.labels(source, reason.toLowerCase()).inc();
  }

  /** The scrape: the process's metrics, then this server's. */
  async text(): Promise<string> {
    const [process, own] = await Promise.all([processMetrics().metrics(), this.registry.metrics()]);
    return `${process}\n${own}`;
  }
}
