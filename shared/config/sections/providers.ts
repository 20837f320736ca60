import * as z from 'zod';
import { SecretSourceSchema } from '../secret.js';
import { Port } from './primitives.js';

/** The calendar providers: Google, Microsoft 365, CalDAV, ICS feeds or the built-in one, and their webhook. */

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
