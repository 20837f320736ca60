import * as z from 'zod';
import { SecretSourceSchema } from '../secret.js';
import { Port } from './primitives.js';
import type { DeepReadonly } from './primitives.js';

/** The MQTT broker (embedded, or external via `url`), its inspectors and limits, and Home Assistant. */

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
