import type * as z from 'zod';
import {
  AgendaSchema,
  AvailabilitySchema,
  DeviceConfigSchema,
  EnrollmentReplySchema,
  HelloSchema,
  NotifySchema,
  PresenceSchema,
  RequestSchema,
  ResponseSchema,
  RoomStateSchema,
} from './payloads.js';
import { ID_PATTERN } from '../ids.js';
import { Verb } from './payloads.js';

/**
 * The MQTT wire contract in one table: each topic's template (below the prefix), who sends it,
 * whether it is retained, the QoS it is published with, how it is encoded and the
 * schema of its payload. Both sides encode and decode only through this module.
 *
 * A room's state and agenda go out at QoS 0: they are retained and the server publishes every
 * room again after any reconnect, and the displays hold clean sessions, where an
 * acknowledgement buys no redelivery. At QoS 0 the broker writes one serialized copy to every
 * display of the room at once, without a packet id, an acknowledgement to read back from each
 * display, or a copy of the packet per display (`npm run bench -- fanout`).
 */
export const TOPICS = {
  serverAvailability: { template: 'server/availability', from: 'server', retain: true, qos: 1, format: 'text', schema: AvailabilitySchema },
  roomState: { template: 'rooms/{room}/state', from: 'server', retain: true, qos: 0, format: 'json', schema: RoomStateSchema },
  roomAgenda: { template: 'rooms/{room}/agenda', from: 'server', retain: true, qos: 0, format: 'json', schema: AgendaSchema },
  deviceAvailability: { template: 'devices/{device}/availability', from: 'device', retain: true, qos: 1, format: 'text', schema: AvailabilitySchema },
  deviceHello: { template: 'devices/{device}/hello', from: 'device', retain: false, qos: 1, format: 'json', schema: HelloSchema },
  deviceConfig: { template: 'devices/{device}/config', from: 'server', retain: true, qos: 1, format: 'json', schema: DeviceConfigSchema },
  deviceEnrollment: { template: 'devices/{device}/enrollment', from: 'server', retain: false, qos: 1, format: 'json', schema: EnrollmentReplySchema },
  devicePresence: { template: 'devices/{device}/presence', from: 'device', retain: true, qos: 1, format: 'json', schema: PresenceSchema },
  deviceRequest: { template: 'devices/{device}/request/{verb}', from: 'device', retain: false, qos: 1, format: 'json', schema: RequestSchema },
  deviceResponse: { template: 'devices/{device}/response/{verb}', from: 'server', retain: false, qos: 1, format: 'json', schema: ResponseSchema },
  notifyAll: { template: 'notify/all', from: 'server', retain: false, qos: 1, format: 'json', schema: NotifySchema },
  notifyRoom: { template: 'notify/rooms/{room}', from: 'server', retain: false, qos: 1, format: 'json', schema: NotifySchema },
  notifyDevice: { template: 'notify/devices/{device}', from: 'server', retain: false, qos: 1, format: 'json', schema: NotifySchema },
} as const;

export type TopicName = keyof typeof TOPICS;
export type PayloadOf<N extends TopicName> = z.infer<(typeof TOPICS)[N]['schema']>;

type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;
export type ParamsOf<N extends TopicName> = { [K in ParamNames<(typeof TOPICS)[N]['template']>]: string };

export const DEFAULT_PREFIX = 'doorplate';

export class TopicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicError';
  }
}

function validParam(key: string, value: string): boolean {
  return key === 'verb' ? Verb.safeParse(value).success : ID_PATTERN.test(value);
}

/** Builds a concrete topic; refuses parameters that would escape their level. */
export function topicOf<N extends TopicName>(prefix: string, name: N, params: ParamsOf<N>): string {
  const template: string = TOPICS[name].template;
  const rest = template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = (params as Record<string, string>)[key];
    if (value === undefined) throw new TopicError(`${name}: missing parameter ${key}`);
    if (!validParam(key, value)) {
      throw new TopicError(`${name}: ${key} ${JSON.stringify(value)} is not a valid ${key}`);
    }
    return value;
  });
  return `${prefix}/${rest}`;
}

/** The subscription filter for a topic with some parameters left open (`+`). */
export function filterOf<N extends TopicName>(prefix: string, name: N, params: Partial<ParamsOf<N>> = {}): string {
  const template: string = TOPICS[name].template;
  return `${prefix}/${template.replace(/\{(\w+)\}/g, (_m, key: string) => (params as Record<string, string | undefined>)[key] ?? '+')}`;
}

export interface ParsedTopic {
  name: TopicName;
  params: Record<string, string>;
}

const MATCHERS = (Object.keys(TOPICS) as TopicName[]).map((name) => {
  const keys: string[] = [];
  const source = TOPICS[name].template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { name, keys, re: new RegExp(`^${source}$`) };
});

/** Which contract topic a concrete topic is, with its parameters; null if none. */
export function parseTopic(prefix: string, topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const rest = topic.slice(prefix.length + 1);
  for (const m of MATCHERS) {
    const hit = m.re.exec(rest);
    if (!hit) continue;
    const params: Record<string, string> = {};
    m.keys.forEach((k, i) => (params[k] = hit[i + 1] ?? ''));
    // A topic whose parameters topicOf would refuse is not a contract topic.
    if (!Object.entries(params).every(([k, v]) => validParam(k, v))) return null;
    return { name: m.name, params };
  }
  return null;
}

export function encodePayload<N extends TopicName>(name: N, payload: PayloadOf<N>): Buffer {
  const spec = TOPICS[name];
  const checked = spec.schema.parse(payload);
  return Buffer.from(spec.format === 'text' ? String(checked) : JSON.stringify(checked), 'utf8');
}

export type DecodeResult<N extends TopicName> = { ok: true; value: PayloadOf<N> } | { ok: false; error: string };

/**
 * Decodes and validates a payload; the error says what and where (`path: message`), so the
 * receiver can log it and carry on.
 */
export function decodePayload<N extends TopicName>(name: N, raw: Buffer | string): DecodeResult<N> {
  const spec = TOPICS[name];
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let value: unknown = text;
  if (spec.format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: `payload: not JSON (${(e as Error).message})` };
    }
  }
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`).join('; ') };
  }
  return { ok: true, value: parsed.data as PayloadOf<N> };
}

/**
 * Replication between the serving node and its standbys (`<prefix>-replication/<node>/<kind>`):
 * a root of its own, outside the prefix, so no device's or inspector's filter under the prefix
 * can ever match it. A standby publishes `hello` and `ack`; the leader publishes its `feed`.
 */
export const REPLICATION_KINDS = ['hello', 'ack', 'feed'] as const;
export type ReplicationKind = (typeof REPLICATION_KINDS)[number];

export function replicationRoot(prefix: string): string {
  return `${prefix}-replication`;
}

export function replicationTopic(prefix: string, nodeId: string, kind: ReplicationKind): string {
  if (!ID_PATTERN.test(nodeId)) throw new TopicError(`replication: node ${JSON.stringify(nodeId)} is not a valid id`);
  return `${replicationRoot(prefix)}/${nodeId}/${kind}`;
}

/** Which node and kind a concrete replication topic is; null for anything else. */
export function parseReplicationTopic(prefix: string, topic: string): { nodeId: string; kind: ReplicationKind } | null {
  const root = `${replicationRoot(prefix)}/`;
  if (!topic.startsWith(root)) return null;
  const [nodeId, kind, ...more] = topic.slice(root.length).split('/');
  if (more.length > 0 || nodeId === undefined || !ID_PATTERN.test(nodeId)) return null;
  return (REPLICATION_KINDS as readonly string[]).includes(kind ?? '') ? { nodeId, kind: kind as ReplicationKind } : null;
}
