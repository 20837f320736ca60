import * as z from 'zod';
import { SecretSourceSchema } from '../secret.js';
import { Port } from './primitives.js';

/** Mail: invitations, updates, cancellations and reminders, and the webhook channel. */

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
