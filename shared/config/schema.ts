import { z } from 'zod';
import { Id } from '../ids.js';
import { PANEL_MODELS } from '../panel-models.js';
import { PrivacyMode } from '../model/event.js';
import { CheckInPolicySchema } from '../model/room-state.js';
import { LONG_MEETING_MINS } from '../model/long-meeting.js';
import { SecretSourceSchema } from './secret.js';
import { DISPLAY_RECONNECT } from '../backoff.js';

/**
 * The one configuration schema for every role; the TypeScript types are derived from it and
 * `doorplate config schema` prints it as JSON Schema for editors.
 */

const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'is not a known IANA time zone');

const Port = z.number().int().min(0).max(65535);
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');
/** A certificate's SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it, or as 64 plain hex digits. */
const Sha256Fingerprint = z
  .string()
  .regex(/^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/, 'must be a SHA-256 fingerprint: 32 hex pairs joined by colons, or 64 hex digits');

export const BookingPolicySchema = z.strictObject({
  durationsMins: z.array(z.number().int().min(5).max(LONG_MEETING_MINS)).min(1).max(8).default([15, 30, 60]),
  defaultDurationMins: z.number().int().min(5).max(LONG_MEETING_MINS).default(30),
  minMins: z.number().int().min(1).max(60).default(5),
  granularityMins: z.number().int().min(1).max(60).default(15),
  /** What "extend" offers, in minutes; a press at a display takes the first unless it names one. */
  extendStepsMins: z.array(z.number().int().min(5).max(240)).min(1).max(4).default([15, 30]),
  /**
   * A hold of the book button at a room that is not free books the nearest room its panel
   * lists as free now (until that room's next meeting) instead of being refused.
   */
  holdBooksFreeRoom: z.boolean().default(false),
});

/** Releasing no-shows: decided on the server when a meeting's check-in window closes. */
export const AutoReleaseSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Meetings booked less than this many minutes before their start are never released. */
  exemptBookedWithinMins: z.number().int().min(0).max(1440).default(10),
  /** Meetings this long or longer are never released (8 hours: check-in stops there too). */
  exemptLongerThanMins: z.number().int().min(15).max(LONG_MEETING_MINS).default(LONG_MEETING_MINS),
  /** After this many released occurrences, a recurring series is flagged to the admin. */
  flagSeriesAfter: z.number().int().min(1).max(100).default(3),
});

/**
 * Releasing by occupancy: a meeting with nobody present for this many minutes (after its start,
 * or after the last presence) is released, under the no-show release's exemptions. Off (null)
 * unless set; it acts only in rooms whose displays have a presence input reporting.
 */
export const PresencePolicySchema = z.strictObject({
  releaseAfterMins: z.number().int().min(5).max(240).nullable().default(null),
});
export const PresenceOverrideSchema = z.strictObject({
  releaseAfterMins: PresencePolicySchema.shape.releaseAfterMins.unwrap().optional(),
});

/*
 * What a room or a display overrides: only the fields written. A `.partial()` of the schemas
 * above would still fill in their defaults and so put the site's own values back to them.
 */
const Booking = BookingPolicySchema.shape;
export const BookingOverrideSchema = z.strictObject({
  durationsMins: Booking.durationsMins.unwrap().optional(),
  defaultDurationMins: Booking.defaultDurationMins.unwrap().optional(),
  minMins: Booking.minMins.unwrap().optional(),
  granularityMins: Booking.granularityMins.unwrap().optional(),
  extendStepsMins: Booking.extendStepsMins.unwrap().optional(),
  holdBooksFreeRoom: Booking.holdBooksFreeRoom.unwrap().optional(),
});
const Release = AutoReleaseSchema.shape;
export const AutoReleaseOverrideSchema = z.strictObject({
  enabled: Release.enabled.unwrap().optional(),
  exemptBookedWithinMins: Release.exemptBookedWithinMins.unwrap().optional(),
  exemptLongerThanMins: Release.exemptLongerThanMins.unwrap().optional(),
  flagSeriesAfter: Release.flagSeriesAfter.unwrap().optional(),
});

/** A room's or a display's check-in settings: only the fields written. */
const CheckInOverrideSchema = z.strictObject(CheckInPolicySchema.partial().shape);

export const RoomConfigSchema = z.strictObject({
  id: Id,
  name: z.string().min(1).max(128),
  /** The provider's address for the room (resource email, CalDAV collection URL, ICS URL). */
  calendar: z.string().max(2048).optional(),
  /** Seats, shown in room lists and resource listings. */
  capacity: z.number().int().min(1).max(10000).optional(),
  /** Where the room is (a floor, a wing): a busy room's panel lists free rooms of its own group first. */
  group: z.string().min(1).max(64).optional(),
  /** Position along the group (walking order); nearer numbers are listed first. Default: the room's place in this list. */
  order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  timeZone: TimeZone.optional(),
  locale: z.string().max(16).optional(),
  privacy: PrivacyMode.optional(),
  checkIn: CheckInOverrideSchema.optional(),
  booking: BookingOverrideSchema.optional(),
  autoRelease: AutoReleaseOverrideSchema.optional(),
  presence: PresenceOverrideSchema.optional(),
  /** Reminders this many minutes before a meeting (to the room's panels and by mail); 0 turns them off here. */
  remindBeforeMins: z.number().int().min(0).max(1440).optional(),
});

/**
 * Per-display overrides (device > room > site): what a display offers and how presses at it
 * are handled. Auto-release stays a room setting: a meeting belongs to the room, not to one
 * of its displays.
 */
export const DeviceOverrideSchema = z.strictObject({
  id: Id,
  checkIn: CheckInOverrideSchema.optional(),
  booking: BookingOverrideSchema.optional(),
});

/** The HTTPS listener that takes provider push notifications (PEM files), on its own port. */
export const WebhookSchema = z.strictObject({
  host: z.string().default('0.0.0.0'),
  port: Port.default(8443),
  key: z.string().min(1),
  cert: z.string().min(1),
  /** The address providers call, as the outside world sees it (https://rooms.example.com:8443). */
  publicUrl: z.string().url().refine((u) => u.startsWith('https://'), 'must be an https:// address'),
});

/** Settings every remote provider shares: API root, polling, request budget. */
const RemoteProviderShape = {
  /** Another API root (a test fake, a proxy, a private endpoint); the official one when absent. */
  apiRoot: z.string().url().optional(),
  /** One more certificate authority (PEM file) to trust for the API root and the token endpoint: a proxy's or a private endpoint's. */
  caFile: z.string().min(1).optional(),
  /**
   * Incremental sync interval. Without a webhook it carries every change (default 300); with
   * one it is the slow net under lost notifications that also sees changed titles and privacy
   * (default 21600, six hours).
   */
  pollSecs: z.number().int().min(10).max(86400).optional(),
  /** Safety-net check interval (Google: one freeBusy query per 50 rooms). */
  safetyNetSecs: z.number().int().min(60).max(86400).default(3600),
  /** Requests allowed per budget window; writes and syncs wait once it is spent. */
  budget: z.strictObject({ requests: z.number().int().min(1).default(10000), windowSecs: z.number().int().min(1).default(600) }).prefault({}),
  webhook: WebhookSchema.optional(),
};

export const GoogleProviderSchema = z.strictObject({
  kind: z.literal('google'),
  ...RemoteProviderShape,
  /** Service-account key file (JSON) with domain-wide delegation ... */
  credentialsFile: z.string().min(1).optional(),
  /** ... or the same JSON inline (from a secret store). */
  // Loose on purpose: a service-account key file holds more fields than the two read here.
  credentials: z.strictObject({ client_email: z.string().min(1), private_key: z.string().min(1) }).loose().optional(),
  /** The Workspace admin the service account acts as (Admin SDK and bookings). */
  subject: z.string().email(),
  /** Admin SDK customer; `my_customer` is the subject's own. */
  customer: z.string().default('my_customer'),
  /** Where bookings are written: on the subject's calendar with the room as resource attendee, or on the room's own calendar. */
  bookOn: z.enum(['attendee', 'room-calendar']).default('attendee'),
});

export const MicrosoftProviderSchema = z.strictObject({
  kind: z.literal('microsoft'),
  ...RemoteProviderShape,
  tenant: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: SecretSourceSchema.optional(),
  /** A certificate instead of a secret: PEM private key file and its thumbprint (SHA-256, 64 hex digits; or SHA-1, 40). */
  certificate: z
    .strictObject({ keyFile: z.string().min(1), thumbprint: z.string().regex(/^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/, 'must be a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprint') })
    .optional(),
  /** The login authority's host: national clouds (login.microsoftonline.us for GCC High, login.chinacloudapi.cn); the global one when absent. */
  authority: z.string().url().optional(),
});


/** Settings the calendar-server providers (caldav, ics) share: polling, request budget, sync window. */
const CalendarServerShape = {
  pollSecs: RemoteProviderShape.pollSecs,
  budget: RemoteProviderShape.budget,
  /** Days ahead that recurrences are expanded and events kept. */
  windowDays: z.number().int().min(1).max(366).default(31),
  /** Seconds one request may take. */
  timeoutSecs: z.number().int().min(1).max(300).default(30),
};

/** CalDAV servers (Nextcloud, Radicale, Fastmail, iCloud, SOGo, Baïkal): rooms[].calendar is a collection URL or a calendar name under `server`. */
export const CaldavProviderSchema = z.strictObject({
  kind: z.literal('caldav'),
  ...CalendarServerShape,
  /** A free-busy-query of the next day per room at this interval, on servers that answer one; off when absent (every poll already checks the sync token). */
  safetyNetSecs: z.number().int().min(60).max(86400).optional(),
  /** The server (or principal) address that calendar names are discovered from (.well-known/caldav, principal, calendar home). */
  server: z.string().url().optional(),
  auth: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({ type: z.literal('basic'), username: z.string().min(1), password: SecretSourceSchema }),
      z.strictObject({ type: z.literal('bearer'), token: SecretSourceSchema }),
    ])
    .default({ type: 'none' }),
});

/** Published calendar links (read-only): rooms[].calendar is the feed URL. */
export const IcsProviderSchema = z.strictObject({
  kind: z.literal('ics'),
  ...CalendarServerShape,
  /** A larger answer is refused and the room's last agenda kept. */
  maxBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(5 * 1024 * 1024),
});

export const ProviderSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local') }),
  GoogleProviderSchema.refine((g) => g.credentialsFile !== undefined || g.credentials !== undefined, {
    message: 'needs credentialsFile or credentials',
    path: ['credentialsFile'],
  }),
  MicrosoftProviderSchema.refine((m) => m.clientSecret !== undefined || m.certificate !== undefined, {
    message: 'needs clientSecret or certificate',
    path: ['clientSecret'],
  }),
  CaldavProviderSchema,
  IcsProviderSchema,
]);

export type GoogleProviderConfig = z.infer<typeof GoogleProviderSchema>;
/** What the remote-calendar core reads of any remote provider's config. */
export type RemoteProviderConfig = Pick<GoogleProviderConfig, keyof typeof RemoteProviderShape>;
export type MicrosoftProviderConfig = z.infer<typeof MicrosoftProviderSchema>;
export type CaldavProviderConfig = z.infer<typeof CaldavProviderSchema>;
export type IcsProviderConfig = z.infer<typeof IcsProviderSchema>;
export type WebhookConfig = z.infer<typeof WebhookSchema>;

export const InspectorSchema = z.strictObject({
  username: z.string().min(1).max(64),
  /** `scrypt$N$r$p$salt$hash` as printed by `doorplate hash-password`. */
  passwordHash: z.string().startsWith('scrypt$'),
  /** `homeassistant`: the account Home Assistant logs in with; it may also read the discovery topics, announce its birth and press the book buttons. */
  role: z.enum(['inspector', 'homeassistant']).default('inspector'),
});

/**
 * What one connection may cost the embedded broker. Loopback (the server's own connection, the
 * demo's simulated displays) is exempt from the connection caps unless listed otherwise.
 */
export const BrokerLimitsSchema = z.strictObject({
  /** The CONNECT and anything sent before its CONNACK, in bytes. */
  preAuthBytes: z.number().int().min(512).max(1_048_576).default(8192),
  /** Time from the TCP connection to a complete CONNECT. */
  connectTimeoutSecs: z.number().int().min(1).max(300).default(10),
  /** The largest packet the server's own connection may send (a full agenda fits). */
  maxPacketBytes: z.number().int().min(16_384).max(268_435_455).default(1_048_576),
  /** The largest packet a display, an enrolling display or an inspector may send. */
  clientMaxPacketBytes: z.number().int().min(1024).max(268_435_455).default(16_384),
  maxConnections: z.number().int().min(1).max(100_000).default(5000),
  maxConnectionsPerAddress: z.number().int().min(1).max(100_000).default(16),
  exemptAddresses: z.array(z.string()).default(['127.0.0.1', '::1', '::ffff:127.0.0.1']),
  /** Bytes waiting to be sent to one client before it counts as stuck and is dropped. */
  maxQueuedBytes: z.number().int().min(65_536).max(67_108_864).default(1_048_576),
});
export type BrokerLimits = DeepReadonly<z.infer<typeof BrokerLimitsSchema>>;

export const BrokerSchema = z.strictObject({
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be topic levels without wildcards')
    .default('doorplate'),
  /** An external broker (mqtt://, mqtts://) instead of the embedded one. */
  url: z.string().url().optional(),
  /** The server's own login on an external broker. */
  username: z.string().optional(),
  password: SecretSourceSchema.optional(),
  host: z.string().default('0.0.0.0'),
  port: Port.default(1883),
  tls: z.strictObject({ port: Port.default(8883), key: z.string(), cert: z.string() }).optional(),
  /** MQTT over WebSocket on the embedded broker (browsers, MQTT Explorer); off unless given. */
  ws: z.strictObject({ port: Port.default(8083) }).optional(),
  inspectors: z.array(InspectorSchema).default([]),
  /** Read-only anonymous access from 127.0.0.1/::1 (the demo turns it on). */
  anonymousLoopbackInspect: z.boolean().default(false),
  limits: BrokerLimitsSchema.prefault({}),
});

/** Home Assistant over MQTT discovery: on the site's broker, or on Home Assistant's own broker (`url`). */
export const HomeAssistantSchema = z.strictObject({
  enabled: z.boolean().default(false),
  discoveryPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be topic levels without wildcards')
    .default('homeassistant'),
  /** Home Assistant's broker (mqtt://, mqtts://); without it the discovery goes to the site's broker. */
  url: z.string().url().optional(),
  username: z.string().optional(),
  password: SecretSourceSchema.optional(),
  /** The longest random wait before announcing again after Home Assistant's birth message. */
  rediscoverMaxDelaySecs: z.number().min(0).max(60).default(5),
});

export const ServerSchema = z.strictObject({
  dataDir: z.string().default('./data'),
  http: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: Port.default(8080),
      /** PEM key and certificate files: HTTPS with HTTP/2 (HTTP/1.1 still answered), so a browser can hold many streams. */
      tls: z.strictObject({ key: z.string().min(1), cert: z.string().min(1) }).optional(),
    })
    .prefault({}),
  /** The change log behind the live stream: how much of it is kept for resuming clients. */
  stream: z
    .strictObject({
      maxChanges: z.number().int().min(100).max(1_000_000).default(10_000),
      maxAgeHours: z.number().min(1).max(24 * 30).default(24),
      heartbeatSecs: z.number().int().min(1).max(300).default(15),
    })
    .prefault({}),
  /** What the displays and enrolling devices may ask of the server. */
  limits: z
    .strictObject({
      /** Button requests per display, and per network address, a minute (bursts up to that many). */
      requestsPerMinutePerDevice: z.number().int().min(1).max(6000).default(20),
      requestsPerMinutePerAddress: z.number().int().min(1).max(60_000).default(60),
      /** New pending devices per network address a minute, and enrolling hellos per device. */
      enrollmentsPerMinutePerAddress: z.number().int().min(1).max(6000).default(10),
      hellosPerMinutePerDevice: z.number().int().min(1).max(600).default(6),
      /** Pending devices kept; past it the oldest pending one is dropped for the newcomer. */
      maxPending: z.number().int().min(1).max(100_000).default(200),
      /** How far in the future a request's pressedAt may be (device clocks drift). */
      clockSkewSecs: z.number().int().min(0).max(600).default(30),
    })
    .prefault({}),
  /** Notify messages to the displays: at most this many a minute for the whole server. */
  notify: z.strictObject({ perMinute: z.number().int().min(1).max(600).default(10) }).prefault({}),
  /**
   * QR codes on the panels: a short signed link (bound to the room and the action, expiring)
   * to a small page on this server for a phone on the site's network. Off without `publicUrl`.
   */
  qr: z
    .strictObject({
      /** This server's address as phones reach it (http://rooms.example.com:8080). */
      publicUrl: z
        .string()
        .url()
        .max(200)
        .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// address'),
      /** A link stays valid this long after the panel stops showing it. */
      graceMins: z.number().int().min(1).max(240).default(15),
    })
    .optional(),
  /** sha256 of the admin bearer token; without it one is generated and written to dataDir/admin-token. */
  adminTokenHash: Sha256Hex.optional(),
  enrollment: z
    .strictObject({
      /** sha256 of the site enrollment token that new devices present. */
      tokenHash: Sha256Hex.optional(),
      autoApprove: z.boolean().default(false),
    })
    .prefault({}),
});

const Pin = z.number().int().min(0).max(27);

export const EdgeSchema = z.strictObject({
  deviceId: Id.optional(),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: Port.default(1883),
      tls: z.boolean().default(false),
      /** SHA-256 fingerprint of the broker's certificate or of the CA that signed it (with tls): any other is refused. */
      caFingerprint: Sha256Fingerprint.optional(),
      /** The longest wait between two reconnect attempts (each wait is a random share of it, doubling up to here). */
      reconnectMaxSecs: z.number().int().min(1).max(3600).default(DISPLAY_RECONNECT.capMs / 1000),
    })
    // A pin on a plain connection would protect nothing while looking as if it did.
    .refine((s) => s.caFingerprint === undefined || s.tls, { message: 'needs tls: true (the fingerprint pins a TLS certificate)', path: ['caFingerprint'] })
    .prefault({}),
  credentialsFile: z.string().default('/var/lib/doorplate/credentials.json'),
  enrollmentToken: z.string().min(16).optional(),
  panel: z
    .strictObject({
      model: z.enum(PANEL_MODELS).default('png'),
      /** Where the simulator writes its picture, or the framebuffer device. */
      path: z.string().optional(),
    })
    .prefault({}),
  buttons: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(32),
        pin: Pin,
        action: z.enum(['book', 'extend', 'end', 'checkin']),
        /**
         * What holding the button down asks for; a book button books until the next meeting
         * unless told otherwise (`hold: book` makes a hold a plain press).
         */
        hold: z.enum(['book', 'extend', 'end', 'checkin', 'book-until-next']).optional(),
        activeLow: z.boolean().default(true),
      }),
    )
    .default([]),
  leds: z.strictObject({ red: Pin.optional(), green: Pin.optional() }).prefault({}),
  /** A presence input (a PIR module, or any GPIO contact): presence in an open check-in window checks the meeting in. */
  presence: z
    .strictObject({
      pin: Pin,
      /** PIR modules drive high on motion; a contact to ground is active low. */
      activeHigh: z.boolean().default(true),
      debounceMs: z.number().int().min(0).max(10_000).default(500),
      /** Present until this long after the last motion. */
      holdMins: z.number().int().min(1).max(60).default(5),
    })
    .optional(),
});

/** Invitations, updates, cancellations and reminders by mail, through an outbox in the store. */
export const MailSchema = z.strictObject({
  /** Nothing is sent until this is true (mails are still not even queued). */
  enabled: z.boolean().default(false),
  /** Render and log (subject and recipients only) instead of sending. */
  dryRun: z.boolean().default(false),
  /** The default sender and organizer: `Name <address>` or a bare address. */
  from: z
    .string()
    .max(320)
    .regex(/^(?:[^<>]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/, 'must be `Name <address>` or an address')
    .default('doorplate <doorplate@localhost.localdomain>'),
  maxAttendees: z.number().int().min(1).max(1000).default(50),
  /** Language of mails to attendees who name none (en, de, fr, es). */
  defaultLanguage: z.enum(['en', 'de', 'fr', 'es']).default('en'),
  /** A directory of templates laid out like the shipped ones; a file it lacks falls back to the shipped one. */
  templatesDir: z.string().min(1).optional(),
  /** Link put in the templates as `url` (the kiosk or admin page). */
  publicUrl: z.string().url().optional(),
  smtp: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: Port.default(587),
      /** `starttls`: upgrade a plain connection (587); `tls`: TLS from the first byte (465); `none`: loopback tests only. */
      security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
      user: z.string().min(1).optional(),
      /** Best from a file or an environment variable (`{file: ...}`, `{env: ...}`) rather than inline. */
      password: SecretSourceSchema.optional(),
      /** A PEM file of the certificates to trust (a private CA); the system's when absent. */
      caFile: z.string().min(1).optional(),
      timeoutSecs: z.number().int().min(1).max(300).default(30),
    })
    .prefault({}),
  /** The JSON POST channel (an SMS gateway, a chat webhook): one message per booking change, from webhook/{lang}/text.hbs. */
  webhook: z
    .strictObject({
      url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// address'),
      language: z.enum(['en', 'de', 'fr', 'es']).optional(),
      timeoutSecs: z.number().int().min(1).max(120).default(15),
    })
    .optional(),
  outbox: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(50).default(8),
      baseDelaySecs: z.number().int().min(1).max(3600).default(30),
      maxDelaySecs: z.number().int().min(1).max(86400).default(3600),
      pollSecs: z.number().int().min(1).max(3600).default(15),
      /** Sent mail, and the people of meetings over, are kept this many days, then forgotten. */
      keepDays: z.number().int().min(1).max(3650).default(30),
    })
    .prefault({}),
});

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

export const ConfigSchema = z.strictObject({
  role: z.enum(['server', 'edge', 'node']).default('server'),
  site: z
    .strictObject({
      name: z.string().default('doorplate'),
      timeZone: TimeZone.optional(),
      locale: z.string().max(16).default('en'),
      privacy: PrivacyMode.default('full'),
      // Defaults per field, so that `checkIn: { enabled: false }` alone is a valid setting.
      checkIn: z
        .strictObject({
          enabled: CheckInPolicySchema.shape.enabled.default(true),
          opensBeforeMins: CheckInPolicySchema.shape.opensBeforeMins.default(5),
          closesAfterMins: CheckInPolicySchema.shape.closesAfterMins.default(10),
        })
        .prefault({}),
      booking: BookingPolicySchema.prefault({}),
      autoRelease: AutoReleaseSchema.prefault({}),
      presence: PresencePolicySchema.prefault({}),
      requestTtlSecs: z.number().int().min(5).max(600).default(60),
      /** Reminders this many minutes before each meeting, for rooms that set none; 0 turns them off. */
      remindBeforeMins: z.number().int().min(0).max(1440).default(0),
    })
    .prefault({}),
  broker: BrokerSchema.prefault({}),
  homeAssistant: HomeAssistantSchema.prefault({}),
  server: ServerSchema.prefault({}),
  provider: ProviderSchema.default({ kind: 'local' }),
  rooms: z
    .array(RoomConfigSchema)
    .max(5000)
    .default([])
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((r, i) => {
        if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate room id ${JSON.stringify(r.id)}`, path: [i, 'id'] });
        seen.add(r.id);
      });
    }),
  /** Per-display overrides, by device id. */
  devices: z
    .array(DeviceOverrideSchema)
    .max(5000)
    .default([])
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((d, i) => {
        if (seen.has(d.id)) ctx.addIssue({ code: 'custom', message: `device ${JSON.stringify(d.id)} is listed twice`, path: [i, 'id'] });
        seen.add(d.id);
      });
    }),
  edge: EdgeSchema.prefault({}),
  mail: MailSchema.prefault({}),
  node: NodeSchema.prefault({}),
});

/** Read-only all the way down: the loaded config is frozen, and the type says so. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<DeepReadonly<U>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

export type Config = DeepReadonly<z.infer<typeof ConfigSchema>>;
export type MailConfig = DeepReadonly<z.infer<typeof MailSchema>>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type RoomConfig = DeepReadonly<z.infer<typeof RoomConfigSchema>>;
export type HomeAssistantConfig = DeepReadonly<z.infer<typeof HomeAssistantSchema>>;
export type BookingPolicy = DeepReadonly<z.infer<typeof BookingPolicySchema>>;
export type AutoReleasePolicy = DeepReadonly<z.infer<typeof AutoReleaseSchema>>;
export type PresencePolicy = DeepReadonly<z.infer<typeof PresencePolicySchema>>;
export type DeviceOverride = DeepReadonly<z.infer<typeof DeviceOverrideSchema>>;
export type NodeConfig = DeepReadonly<z.infer<typeof NodeSchema>>;
