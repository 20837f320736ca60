import { z } from 'zod';
import { Id } from '../ids.js';
import { PrivacyMode } from '../model/event.js';
import { CheckInPolicySchema } from '../model/room-state.js';
import { LONG_MEETING_MINS } from '../model/long-meeting.js';

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

export const BookingPolicySchema = z.strictObject({
  durationsMins: z.array(z.number().int().min(5).max(LONG_MEETING_MINS)).min(1).max(8).default([15, 30, 60]),
  defaultDurationMins: z.number().int().min(5).max(LONG_MEETING_MINS).default(30),
  minMins: z.number().int().min(1).max(60).default(5),
  granularityMins: z.number().int().min(1).max(60).default(15),
  /** What "extend" offers, in minutes; a press at a display takes the first unless it names one. */
  extendStepsMins: z.array(z.number().int().min(5).max(240)).min(1).max(4).default([15, 30]),
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
});
const Release = AutoReleaseSchema.shape;
export const AutoReleaseOverrideSchema = z.strictObject({
  enabled: Release.enabled.unwrap().optional(),
  exemptBookedWithinMins: Release.exemptBookedWithinMins.unwrap().optional(),
  exemptLongerThanMins: Release.exemptLongerThanMins.unwrap().optional(),
  flagSeriesAfter: Release.flagSeriesAfter.unwrap().optional(),
});

export const RoomConfigSchema = z.strictObject({
  id: Id,
  name: z.string().min(1).max(128),
  /** The provider's address for the room (resource email, CalDAV collection URL, ICS URL). */
  calendar: z.string().max(2048).optional(),
  /** Seats, shown in room lists and resource listings. */
  capacity: z.number().int().min(1).max(10000).optional(),
  timeZone: TimeZone.optional(),
  locale: z.string().max(16).optional(),
  privacy: PrivacyMode.optional(),
  checkIn: CheckInPolicySchema.partial().optional(),
  booking: BookingOverrideSchema.optional(),
  autoRelease: AutoReleaseOverrideSchema.optional(),
});

/**
 * Per-display overrides (device > room > site): what a display offers and how presses at it
 * are handled. Auto-release stays a room setting: a meeting belongs to the room, not to one
 * of its displays.
 */
export const DeviceOverrideSchema = z.strictObject({
  id: Id,
  checkIn: CheckInPolicySchema.partial().optional(),
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
  /** Another API root (a test fake, a proxy); the official one when absent. */
  apiRoot: z.string().url().optional(),
  /** Incremental polling interval; used always without a webhook, and as a slow safety net with one. */
  pollSecs: z.number().int().min(10).max(86400).default(300),
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
  clientSecret: z.string().min(1).optional(),
  /** A certificate instead of a secret: PEM private key file and its thumbprint. */
  certificate: z.strictObject({ keyFile: z.string().min(1), thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/, 'must be a SHA-1 thumbprint (40 hex digits)') }).optional(),
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
]);

export type GoogleProviderConfig = z.infer<typeof GoogleProviderSchema>;
export type MicrosoftProviderConfig = z.infer<typeof MicrosoftProviderSchema>;
export type WebhookConfig = z.infer<typeof WebhookSchema>;

export const InspectorSchema = z.strictObject({
  username: z.string().min(1).max(64),
  /** `scrypt$N$r$p$salt$hash` as printed by `doorplate hash-password`. */
  passwordHash: z.string().startsWith('scrypt$'),
  /** `homeassistant`: the account Home Assistant logs in with; it may also read the discovery topics, announce its birth and press the book buttons. */
  role: z.enum(['inspector', 'homeassistant']).default('inspector'),
});

export const BrokerSchema = z.strictObject({
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be topic levels without wildcards')
    .default('doorplate'),
  /** An external broker (mqtt://, mqtts://) instead of the embedded one. */
  url: z.string().url().optional(),
  /** The server's own login on an external broker. */
  username: z.string().optional(),
  password: z.string().optional(),
  host: z.string().default('0.0.0.0'),
  port: Port.default(1883),
  tls: z.strictObject({ port: Port.default(8883), key: z.string(), cert: z.string() }).optional(),
  /** MQTT over WebSocket on the embedded broker (browsers, MQTT Explorer); off unless given. */
  ws: z.strictObject({ port: Port.default(8083) }).optional(),
  inspectors: z.array(InspectorSchema).default([]),
  /** Read-only anonymous access from 127.0.0.1/::1 (the demo turns it on). */
  anonymousLoopbackInspect: z.boolean().default(false),
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
  password: z.string().optional(),
  /** The longest random wait before announcing again after Home Assistant's birth message. */
  rediscoverMaxDelaySecs: z.number().min(0).max(60).default(5),
});

export const ServerSchema = z.strictObject({
  dataDir: z.string().default('./data'),
  http: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: Port.default(8080),
      /** PEM key and certificate files: HTTPS with HTTP/2 (HTTP/1.1 still answered), so a browser can hold many streams. */
      tls: z.strictObject({ key: z.string().min(1), cert: z.string().min(1) }).optional(),
    })
    .prefault({}),
  /** The change log behind the live stream: how much of it is kept for resuming clients. */
  stream: z
    .object({
      maxChanges: z.number().int().min(100).max(1_000_000).default(10_000),
      maxAgeHours: z.number().min(1).max(24 * 30).default(24),
      heartbeatSecs: z.number().int().min(1).max(300).default(15),
    })
    .prefault({}),
  /** Notify messages to the displays: at most this many a minute for the whole server. */
  notify: z.strictObject({ perMinute: z.number().int().min(1).max(600).default(10) }).prefault({}),
  /** sha256 of the admin bearer token; without it one is generated and written to dataDir/admin-token. */
  adminTokenHash: Sha256Hex.optional(),
  enrollment: z
    .object({
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
    .object({
      host: z.string().default('127.0.0.1'),
      port: Port.default(1883),
      tls: z.boolean().default(false),
      /** sha256 fingerprint of the server's CA certificate, pinned on first use. */
      caFingerprint: z.string().optional(),
    })
    .prefault({}),
  credentialsFile: z.string().default('/var/lib/doorplate/credentials.json'),
  enrollmentToken: z.string().min(16).optional(),
  panel: z
    .object({
      model: z.enum(['png', 'fb', 'epd7in5_V2', 'epd7in5b_V2', 'epd4in2', 'epd4in2_V2', 'epd2in13_V4']).default('png'),
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
});

export const ConfigSchema = z.strictObject({
  role: z.enum(['server', 'edge', 'node']).default('server'),
  site: z
    .object({
      name: z.string().default('doorplate'),
      timeZone: TimeZone.optional(),
      locale: z.string().max(16).default('en'),
      privacy: PrivacyMode.default('full'),
      // Defaults per field, so that `checkIn: { enabled: false }` alone is a valid setting.
      checkIn: z
        .object({
          enabled: CheckInPolicySchema.shape.enabled.default(true),
          opensBeforeMins: CheckInPolicySchema.shape.opensBeforeMins.default(5),
          closesAfterMins: CheckInPolicySchema.shape.closesAfterMins.default(10),
        })
        .prefault({}),
      booking: BookingPolicySchema.prefault({}),
      autoRelease: AutoReleaseSchema.prefault({}),
      requestTtlSecs: z.number().int().min(5).max(600).default(60),
    })
    .prefault({}),
  broker: BrokerSchema.prefault({}),
  homeAssistant: HomeAssistantSchema.prefault({}),
  server: ServerSchema.prefault({}),
  provider: ProviderSchema.default({ kind: 'local' }),
  rooms: z.array(RoomConfigSchema).max(5000).default([]),
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
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type RoomConfig = z.infer<typeof RoomConfigSchema>;
export type HomeAssistantConfig = z.infer<typeof HomeAssistantSchema>;
export type BookingPolicy = z.infer<typeof BookingPolicySchema>;
export type AutoReleasePolicy = z.infer<typeof AutoReleaseSchema>;
export type DeviceOverride = z.infer<typeof DeviceOverrideSchema>;
