import * as z from 'zod';
import { Port, Sha256Hex } from './primitives.js';

/** The server: data directory, HTTP, the live stream, limits, notices, phone links, tokens, enrollment. */

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
