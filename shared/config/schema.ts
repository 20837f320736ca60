import { z } from 'zod';
import { Id } from '../ids.js';
import { PrivacyMode } from '../model/event.js';
import { CheckInPolicySchema } from '../model/room-state.js';

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

export const BookingPolicySchema = z.object({
  durationsMins: z.array(z.number().int().min(5).max(480)).min(1).max(8).default([15, 30, 60]),
  defaultDurationMins: z.number().int().min(5).max(480).default(30),
  minMins: z.number().int().min(1).max(60).default(5),
  granularityMins: z.number().int().min(1).max(60).default(15),
  /** What "extend" offers, in minutes; a press at a display takes the first unless it names one. */
  extendStepsMins: z.array(z.number().int().min(5).max(240)).min(1).max(4).default([15, 30]),
});

/** Releasing no-shows: decided on the server when a meeting's check-in window closes. */
export const AutoReleaseSchema = z.object({
  enabled: z.boolean().default(true),
  /** Meetings booked less than this many minutes before their start are never released. */
  exemptBookedWithinMins: z.number().int().min(0).max(1440).default(10),
  /** Meetings this long or longer are never released (8 hours: check-in stops there too). */
  exemptLongerThanMins: z.number().int().min(15).max(480).default(480),
  /** After this many released occurrences, a recurring series is flagged to the admin. */
  flagSeriesAfter: z.number().int().min(1).max(100).default(3),
});

export const RoomConfigSchema = z.object({
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
  booking: BookingPolicySchema.partial().optional(),
  autoRelease: AutoReleaseSchema.partial().optional(),
});

/**
 * Per-display overrides (device > room > site): what a display offers and how presses at it
 * are handled. Auto-release stays a room setting: a meeting belongs to the room, not to one
 * of its displays.
 */
export const DeviceOverrideSchema = z.object({
  id: Id,
  checkIn: CheckInPolicySchema.partial().optional(),
  booking: BookingPolicySchema.partial().optional(),
});

export const ProviderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
]);

export const InspectorSchema = z.object({
  username: z.string().min(1).max(64),
  /** `scrypt$N$r$p$salt$hash` as printed by `doorplate hash-password`. */
  passwordHash: z.string().startsWith('scrypt$'),
});

export const BrokerSchema = z.object({
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
  tls: z.object({ port: Port.default(8883), key: z.string(), cert: z.string() }).optional(),
  inspectors: z.array(InspectorSchema).default([]),
  /** Read-only anonymous access from 127.0.0.1/::1 (the demo turns it on). */
  anonymousLoopbackInspect: z.boolean().default(false),
});

export const ServerSchema = z.object({
  dataDir: z.string().default('./data'),
  http: z.object({ host: z.string().default('0.0.0.0'), port: Port.default(8080) }).prefault({}),
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

export const EdgeSchema = z.object({
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
      model: z.string().default('png'),
      /** Where the simulator writes its picture, or the framebuffer device. */
      path: z.string().optional(),
    })
    .prefault({}),
  buttons: z
    .array(
      z.object({
        name: z.string().min(1).max(32),
        pin: Pin,
        action: z.enum(['book', 'extend', 'end', 'checkin']),
        activeLow: z.boolean().default(true),
      }),
    )
    .default([]),
  leds: z.object({ red: Pin.optional(), green: Pin.optional() }).prefault({}),
});

export const ConfigSchema = z.object({
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
export type BookingPolicy = z.infer<typeof BookingPolicySchema>;
export type AutoReleasePolicy = z.infer<typeof AutoReleaseSchema>;
export type DeviceOverride = z.infer<typeof DeviceOverrideSchema>;
