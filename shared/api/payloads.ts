import * as z from 'zod';
import { AgendaEventSchema, Instant, PrivacyMode } from '../model/event.js';
import { RoomStateSchema, CheckInPolicySchema } from '../model/room-state.js';
import { Id } from '../ids.js';
import { LONG_MEETING_MINS } from '../model/long-meeting.js';
import { SEAL_KEY_PATTERN, SEALED_SECRET_PATTERN } from './sealed-secret.js';

/** Availability is the plain word, so `mosquitto_sub -v` reads well. */
export const AvailabilitySchema = z.enum(['online', 'offline']);
export type Availability = z.infer<typeof AvailabilitySchema>;

export { RoomStateSchema };

export const AgendaSchema = z.object({
  room: z.string(),
  timeZone: z.string(),
  /** Events overlapping today (room time) and the next 24 hours, privacy applied. */
  from: Instant,
  to: Instant,
  events: z.array(AgendaEventSchema).max(500),
});
export type Agenda = z.infer<typeof AgendaSchema>;

export const PanelInfoSchema = z.object({
  model: z.string().max(64),
  width: z.number().int().positive().max(8192),
  height: z.number().int().positive().max(8192),
  colors: z.enum(['bw', 'bwr', 'rgb']),
});

export const HelloSchema = z.object({
  model: z.string().max(128),
  panel: PanelInfoSchema,
  buttons: z.array(z.string().max(32)).max(16),
  leds: z.array(z.string().max(32)).max(8),
  versions: z.object({ agent: z.string().max(32), node: z.string().max(32) }),
  address: z.string().max(64).nullable(),
  uptimeSec: z.number().nonnegative(),
  /** True when the device holds no per-device secret yet and asks to enroll. */
  enrolling: z.boolean(),
  /**
   * The public half of the enrolling device's one-time key: its secret comes back sealed to it
   * (sealed-secret.ts), and it then logs in with the secret alone.
   */
  sealKey: z.string().regex(SEAL_KEY_PATTERN, 'must be an X25519 public key, 43 base64url characters').optional(),
  /**
   * sha256 (hex) of the login key that goes with the enrollment token (enrollment-key.ts), so only
   * this device may enroll under its id on the embedded broker. Older agents send only this, and
   * their key goes with their secret too.
   */
  enrollmentKey: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a lowercase sha256 hex digest')
    .optional(),
});
export type Hello = z.infer<typeof HelloSchema>;

export const DeviceConfigSchema = z.object({
  room: Id.nullable(),
  roomName: z.string().max(128).nullable(),
  timeZone: z.string(),
  locale: z.string().max(16),
  privacy: PrivacyMode,
  bookDurationsMins: z.array(z.number().int().min(5).max(LONG_MEETING_MINS)).min(1).max(8),
  defaultDurationMins: z.number().int().min(5).max(LONG_MEETING_MINS),
  checkIn: CheckInPolicySchema,
  /** What "extend" offers, in minutes (the display's effective rules); a press sends the first. */
  extendStepsMins: z.array(z.number().int().min(5).max(240)).min(1).max(4),
  /** How long a button request stays valid; the server refuses older ones. */
  requestTtlSecs: z.number().int().min(5).max(600),
});
export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;

export const Verb = z.enum(['book', 'extend', 'end', 'checkin']);
export type Verb = z.infer<typeof Verb>;

const Transaction = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be URL-safe');

export const RequestSchema = z
  .object({
    transaction: Transaction,
    pressedAt: Instant,
    expiresAt: Instant,
    durationMins: z.number().int().min(5).max(LONG_MEETING_MINS).optional(),
    /** Book: from now until the next meeting starts (the server caps it by the room's rules). */
    untilNext: z.literal(true).optional(),
  })
  .refine((r) => Date.parse(r.expiresAt) > Date.parse(r.pressedAt), {
    message: 'must be after pressedAt',
    path: ['expiresAt'],
  })
  .refine((r) => !(r.untilNext && r.durationMins !== undefined), {
    message: 'give durationMins or untilNext, not both',
    path: ['untilNext'],
  });
export type DeviceRequest = z.infer<typeof RequestSchema>;

export const ResponseSchema = z.object({
  transaction: z.string().max(64),
  status: z.enum(['ok', 'error']),
  data: z.record(z.string(), z.unknown()).optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      /** With RATE_LIMITED: when the display may ask again. */
      retryAfterSecs: z.number().int().nonnegative().optional(),
    })
    .optional(),
});
export type DeviceResponse = z.infer<typeof ResponseSchema>;

/** The server's answer to an enrolling device: its own secret, or a refusal. */
export const EnrollmentReplySchema = z.object({
  status: z.enum(['approved', 'pending', 'refused']),
  /** For a device that enrolled with a key hash (enrollmentKey): the secret itself. */
  secret: z.string().min(32).max(128).optional(),
  /** For a device that sent a sealKey: its secret, readable only with its key. */
  sealedSecret: z.string().regex(SEALED_SECRET_PATTERN, 'must be a sealed secret (v1.<key>.<iv>.<body>)').optional(),
  message: z.string().max(256).optional(),
});
export type EnrollmentReply = z.infer<typeof EnrollmentReplySchema>;

export const NotifySchema = z.object({
  name: z.string().min(1).max(64),
  message: z.string().min(1).max(280),
  from: z.string().max(64),
  expiresAt: Instant.nullable(),
});
export type Notify = z.infer<typeof NotifySchema>;

/**
 * What a display's presence input (a PIR) says now. Retained: it is the device's current
 * state, like its availability, so a server that restarts behind an external broker knows each
 * room's presence at once instead of waiting for the next change; the server counts it only
 * while the device is online, so a stale value from a display that went away is never read.
 */
export const PresenceSchema = z.strictObject({
  present: z.boolean(),
  /** When the input last changed, on the display's clock (for logs; the server keeps its own time). */
  since: Instant,
});
export type PresenceReport = z.infer<typeof PresenceSchema>;
