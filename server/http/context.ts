import type { Clock } from '../../shared/clock.js';
import type { HealthReport } from '../../shared/lifecycle.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { StatePublisher } from '../state/state-publisher.js';
import type { BookingService, EventSource } from '../bookings/booking-service.js';
import type { DeviceService } from '../devices/device-service.js';
import type { DeviceStore } from '../devices/device-store.js';
import type { CalendarProvider } from '../providers/provider.js';
import type { NotifyService } from '../notify/notify-service.js';
import type { ChangeFeed } from '../stream/change-feed.js';
import type { StreamHub } from '../stream/stream-hub.js';
import type { RoomStreamDeps } from '../kiosk/room-stream.js';
import type { RoomPresence } from '../presence/room-presence.js';
import type { SeriesFlagsView } from './routes/flags.js';
import type { TokenCheck } from './auth.js';
import type { MeetingAttendees } from './routes/meetings.js';
import type { MailRouteDeps } from './routes/mail.js';
import type { ReportDeps } from './routes/reports.js';
import type { PhoneLinkDeps } from './routes/phone-links.js';
import type { DoorplateMetrics } from '../metrics/doorplate-metrics.js';
import type { FleetRouteDeps } from './routes/fleet.js';

export type { HealthReport };

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
  /** A booking's people and the mail outbox (the mail part); without them attendees are refused. */
  attendees?: MeetingAttendees;
  mail?: MailRouteDeps;
  /** The usage report's sources. */
  reports: ReportDeps;
  /** The phone pages behind the panels' QR codes, where `server.qr` is set. */
  phoneLinks?: PhoneLinkDeps;
  provider: CalendarProvider;
  notify: NotifyService;
  feed: ChangeFeed;
  streams: StreamHub;
  notices: RoomStreamDeps['notices'];
  /** The rooms' presence (displays' sensors): in the rooms API, and the kiosk pages' offer to book (absent: neither). */
  presence?: Pick<RoomPresence, 'of' | 'onChange'>;
  seriesFlags: SeriesFlagsView;
  /** The fleet view: who serves, the standbys. */
  fleet: FleetRouteDeps;
  /** A new admin token, returned once. */
  rotateAdminToken: () => string;
}
