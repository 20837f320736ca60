import * as z from 'zod';
import { Id } from '../../ids.js';
import { PANEL_MODELS } from '../../panel-models.js';
import { DISPLAY_RECONNECT } from '../../backoff.js';
import { Port, Sha256Fingerprint } from './primitives.js';

/** A display: its server, credentials, panel, buttons, LEDs and presence input. */

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
