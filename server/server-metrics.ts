import { renderMetrics, type Metric } from './http/metrics.js';
import type { DoorplateServer } from './server.js';

export function serverMetrics(s: DoorplateServer): string {
  const devices = s.store.devices.list();
  const byStatus = (st: string): number => devices.filter((d) => d.status === st).length;
  const broker = s.broker?.stats();
  const metrics: Metric[] = [
    { name: 'doorplate_rooms', help: 'Rooms configured.', type: 'gauge', samples: [{ value: s.rooms.list().length }] },
    {
      name: 'doorplate_devices',
      help: 'Devices by enrollment status.',
      type: 'gauge',
      samples: ['pending', 'approved', 'revoked'].map((status) => ({ labels: { status }, value: byStatus(status) })),
    },
    { name: 'doorplate_devices_online', help: 'Devices whose availability is online.', type: 'gauge', samples: [{ value: devices.filter((d) => d.online).length }] },
    { name: 'doorplate_retained_publishes_total', help: 'Room states and agendas published.', type: 'counter', samples: [{ value: s.publisher.publishCount() }] },
    { name: 'doorplate_meetings_released_total', help: 'No-shows released at the close of their check-in window.', type: 'counter', samples: [{ value: s.autoRelease.releasedCount() }] },
    { name: 'doorplate_notices_sent_total', help: 'Notify messages accepted and sent.', type: 'counter', samples: [{ value: s.notify.sentCount() }] },
    { name: 'doorplate_notices_resent_total', help: 'Notices in force sent again to displays that connected or moved later.', type: 'counter', samples: [{ value: s.notify.resentCount() }] },
    { name: 'doorplate_notices_active', help: 'Notices in force now.', type: 'gauge', samples: [{ value: s.store.notices.active().length }] },
    {
      name: 'doorplate_stream_clients',
      help: 'Open event streams by kind (admin live stream, kiosk page).',
      type: 'gauge',
      samples: Object.entries(s.streams.counts()).map(([kind, value]) => ({ labels: { kind }, value })),
    },
    { name: 'doorplate_stream_changes', help: 'Changes kept in the log the live stream resumes from.', type: 'gauge', samples: [{ value: s.store.changes.count() }] },
    { name: 'doorplate_device_messages_refused_total', help: 'Device messages refused as malformed.', type: 'counter', samples: [{ value: s.devices.refusedCount() }] },
    { name: 'doorplate_device_rate_limited_total', help: 'Device requests and enrollments refused by a rate limit.', type: 'counter', samples: [{ value: s.devices.stats().rateLimited }] },
    { name: 'doorplate_pending_evicted_total', help: 'Pending devices dropped, oldest first, because the pending list was full.', type: 'counter', samples: [{ value: s.devices.stats().pendingEvicted }] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory of the server process.', type: 'gauge', samples: [{ value: process.memoryUsage().rss }] },
  ];
  if (broker) {
    metrics.push(
      { name: 'doorplate_mqtt_clients', help: 'Connected MQTT clients by kind.', type: 'gauge', samples: Object.entries(broker.byKind).map(([kind, value]) => ({ labels: { kind }, value })) },
      { name: 'doorplate_mqtt_refused_total', help: 'Refused MQTT actions.', type: 'counter', samples: Object.entries(broker.refused).map(([action, value]) => ({ labels: { action }, value })) },
      {
        name: 'doorplate_mqtt_dropped_total',
        help: 'Connections the broker closed: over a connection cap, over a byte budget, a client that stopped reading.',
        type: 'counter',
        samples: Object.entries(broker.dropped).map(([reason, value]) => ({ labels: { reason }, value })),
      },
    );
  }
  return renderMetrics(metrics);
}
