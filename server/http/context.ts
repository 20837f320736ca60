import type { Clock } from '../../shared/clock.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { StatePublisher } from '../state/state-publisher.js';
import type { BookingService, EventSource } from '../bookings/booking-service.js';
import type { DeviceService } from '../devices/device-service.js';
import type { DeviceStore } from '../devices/device-store.js';
import type { TokenCheck } from './auth.js';
import type { DoorplateMetrics } from '../metrics/doorplate-metrics.js';

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** What the routes may use: the server's parts, never its adapters. */
export interface HttpContext {
  clock: Clock;
  rooms: RoomDirectory;
  events: EventSource;
  publisher: StatePublisher;
  bookings: BookingService;
  devices: DeviceService;
  deviceStore: DeviceStore;
  tokens: TokenCheck;
  health: () => HealthReport;
  metrics: DoorplateMetrics;
}
