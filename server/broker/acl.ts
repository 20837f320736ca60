import { Verb } from '../../shared/api/payloads.js';
import { parseReplicationTopic, parseTopic, replicationRoot } from '../../shared/api/topics.js';
import { isId } from '../../shared/ids.js';
import { bookTopicRoom, haTopics } from '../homeassistant/ha-topics.js';

/**
 * Who may publish, subscribe to and receive what on the broker (DESIGN section 4).
 * Pure: the broker adapter resolves the identity (with the device's current room) and asks.
 *
 * - server: everything, except publishing under `$SYS` (the broker's own tree).
 * - retained: only what the server publishes and a device's own availability and presence
 *   (mayRetain).
 * - device: publishes its own hello, availability, presence and requests; reads the server's
 *   availability, its own config,
 *   responses and enrollment reply, its assigned room's state and agenda, and notify messages
 *   for all, its room and itself.
 * - enrolling device (site enrollment token, no secret yet): publishes only its hello and
 *   availability (its last will), reads only its enrollment reply.
 * - standby (a serve-capable node following the leader): publishes only its own replication
 *   hello and acks, reads only its own replication feed. Replication topics live under their
 *   own root outside the prefix (shared/api/topics.ts), so no other identity can read them.
 * - inspector: reads anything under the prefix, publishes nothing. The Home Assistant account
 *   (an inspector with that role) also reads the discovery prefix, publishes its birth message
 *   and presses the rooms' book buttons.
 *
 * A subscription filter is allowed only if every topic it can match is allowed, so
 * `doorplate/#` or `doorplate/devices/+/config` are refused to a device. Topics and filters
 * with an empty level are refused to everyone but the server: nothing in the contract has one.
 */
export type Identity =
  | { kind: 'server' }
  | { kind: 'device'; deviceId: string; roomId: string | null }
  | { kind: 'enrolling'; deviceId: string }
  | { kind: 'inspector'; username: string; homeAssistant?: { discoveryPrefix: string } }
  | { kind: 'standby'; nodeId: string };

/** One level of an allowed-topic pattern: a fixed word, a verb, any one word, or the rest. */
export type Level = { lit: string } | { verb: true } | { any: true } | { rest: true };
export type Pattern = readonly Level[];

const lit = (s: string): Level => ({ lit: s });
const VERB: Level = { verb: true };
const REST: Level = { rest: true };

/**
 * Every connected display keeps its patterns (readableFor), so they are built small: the words
 * written here and the prefix's levels are one shared object each, an id is one object for all
 * of its identity's patterns, and each pattern is an array of exactly its length. Ids are never
 * put in this table (it would grow with every device ever seen): callers pass them as levels.
 */
const words = new Map<string, Level>();
const prefixes = new Map<string, readonly Level[]>();

function word(s: string): Level {
  let l = words.get(s);
  if (!l) words.set(s, (l = lit(s)));
  return l;
}

function pattern(prefix: string, ...levels: (string | Level)[]): Pattern {
  let head = prefixes.get(prefix);
  if (!head) prefixes.set(prefix, (head = prefix.split('/').map(word)));
  return head.concat(levels.map((l) => (typeof l === 'string' ? word(l) : l)));
}

function isVerb(word: string): boolean {
  return Verb.safeParse(word).success;
}

/** A concrete topic: no wildcards, no NUL, at least one character. */
function isConcreteTopic(topic: string): boolean {
  return topic.length > 0 && !topic.includes('+') && !topic.includes('#') && !topic.includes('\u0000');
}

/** MQTT filter syntax: `#` only as the whole last level, `+` only as a whole level. */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    if (level.includes('+')) return level === '+';
    return true;
  });
}

function hasEmptyLevel(topicOrFilter: string): boolean {
  return topicOrFilter.split('/').some((l) => l.length === 0);
}

/**
 * Ids become topic levels here; an id holding `+`, `#` or `/` would widen a pattern, so such an
 * identity gets nothing (the authenticator never makes one, this is the second lock).
 */
function idsAreSafe(identity: Identity): boolean {
  if (identity.kind === 'device') return isId(identity.deviceId) && (identity.roomId === null || isId(identity.roomId));
  if (identity.kind === 'enrolling') return isId(identity.deviceId);
  if (identity.kind === 'standby') return isId(identity.nodeId);
  return true;
}

/** What a device or enrolling device may subscribe to and receive. */
export function readablePatterns(identity: Identity, prefix: string): Pattern[] {
  if (!idsAreSafe(identity)) return [];
  switch (identity.kind) {
    case 'server':
      return [];
    case 'inspector':
      return identity.homeAssistant ? [pattern(prefix, REST), pattern(identity.homeAssistant.discoveryPrefix, REST)] : [pattern(prefix, REST)];
    case 'enrolling':
      return [pattern(prefix, 'devices', lit(identity.deviceId), 'enrollment')];
    case 'standby':
      return [pattern(replicationRoot(prefix), lit(identity.nodeId), 'feed')];
    case 'device': {
      const id = lit(identity.deviceId);
      const own = [
        pattern(prefix, 'devices', id, 'config'),
        pattern(prefix, 'devices', id, 'response', VERB),
        pattern(prefix, 'devices', id, 'enrollment'),
        pattern(prefix, 'notify', 'all'),
        pattern(prefix, 'notify', 'devices', id),
        // A device shows "offline" and computes its state itself while the server is gone.
        pattern(prefix, 'server', 'availability'),
      ];
      if (identity.roomId === null) return own;
      const room = lit(identity.roomId);
      return [
        ...own,
        pattern(prefix, 'rooms', room, 'state'),
        pattern(prefix, 'rooms', room, 'agenda'),
        pattern(prefix, 'notify', 'rooms', room),
      ];
    }
  }
}

/**
 * Whether every topic `filter` can match is also matched by `p`. `+` in the filter is covered
 * only by "any word" or "the rest"; a verb level covers `+` too, because the contract has no
 * other words there and a subscription to `response/+` is the natural way to read them all.
 */
function filterWithin(filter: readonly string[], p: Pattern): boolean {
  for (let i = 0; i < p.length; i++) {
    const want = p[i] as Level;
    if ('rest' in want) return true; // `a/#` also matches `a` itself
    const got = filter[i];
    if (got === undefined) return false;
    if (got === '#') return false;
    if ('lit' in want) {
      if (got !== want.lit) return false;
    } else if ('verb' in want) {
      if (got !== '+' && !isVerb(got)) return false;
    }
    // 'any': every word and `+` are covered
  }
  return filter.length === p.length;
}

function topicMatches(topic: readonly string[], p: Pattern): boolean {
  return filterWithin(topic, p);
}

export function mayPublish(identity: Identity, topic: string, prefix: string): boolean {
  if (!isConcreteTopic(topic) || topic.startsWith('$')) return false;
  if (identity.kind === 'server') return true;
  if (identity.kind === 'inspector') {
    const ha = identity.homeAssistant;
    return ha !== undefined && (topic === haTopics.birth(ha.discoveryPrefix) || bookTopicRoom(prefix, topic) !== null);
  }
  if (hasEmptyLevel(topic) || !idsAreSafe(identity)) return false;
  if (identity.kind === 'standby') {
    const r = parseReplicationTopic(prefix, topic);
    return r !== null && r.nodeId === identity.nodeId && (r.kind === 'hello' || r.kind === 'ack');
  }
  const parsed = parseTopic(prefix, topic);
  if (parsed === null || parsed.params.device !== identity.deviceId) return false;
  switch (parsed.name) {
    case 'deviceHello':
    case 'deviceAvailability':
      return true;
    case 'deviceRequest':
      return identity.kind === 'device' && isVerb(parsed.params.verb ?? '');
    // An approved display only: an enrolling one has no room whose presence it could report.
    case 'devicePresence':
      return identity.kind === 'device';
    default:
      return false;
  }
}

/**
 * Whether a publish this identity may make may also be retained. Only the server's topics and
 * a device's own availability (its last will) and presence (its current state) are retained in
 * the contract; a retained hello or request would be served to every later subscriber, so the
 * broker strips the flag.
 */
export function mayRetain(identity: Identity, topic: string, prefix: string): boolean {
  if (!mayPublish(identity, topic, prefix)) return false;
  if (identity.kind === 'server') return true;
  const name = parseTopic(prefix, topic)?.name;
  return name === 'deviceAvailability' || name === 'devicePresence';
}

export function maySubscribe(identity: Identity, filter: string, prefix: string): boolean {
  if (!isValidFilter(filter)) return false;
  if (identity.kind === 'server') return true;
  if (hasEmptyLevel(filter)) return false;
  const levels = filter.split('/');
  return readableFor(identity, prefix).some((p) => filterWithin(levels, p));
}

/**
 * Whether a message on `topic` may be delivered to this client. The broker already checked the
 * subscription, but a device's room can change while it stays subscribed: this keeps the old
 * room's messages from reaching it.
 */
export function mayReceive(identity: Identity, topic: string, prefix: string): boolean {
  if (!isConcreteTopic(topic)) return false;
  if (identity.kind === 'server') return true;
  if (hasEmptyLevel(topic)) return false;
  const levels = topic.split('/');
  return readableFor(identity, prefix).some((p) => topicMatches(levels, p));
}

/**
 * The patterns of an identity, built once per identity object: every delivery asks, and a site
 * delivers each room change to all of the room's displays. The key holds every field the
 * patterns come from, so an identity changed in place is never answered from an old entry.
 */
const readableCache = new WeakMap<Identity, { key: string; patterns: Pattern[] }>();

function readableFor(identity: Identity, prefix: string): Pattern[] {
  const key = identityKey(identity, prefix);
  const hit = readableCache.get(identity);
  if (hit?.key === key) return hit.patterns;
  const patterns = readablePatterns(identity, prefix);
  readableCache.set(identity, { key, patterns });
  return patterns;
}

function identityKey(identity: Identity, prefix: string): string {
  switch (identity.kind) {
    case 'server':
      return `server\u0000${prefix}`;
    case 'device':
      return `device\u0000${prefix}\u0000${identity.deviceId}\u0000${identity.roomId ?? ''}\u0000${identity.roomId === null ? 0 : 1}`;
    case 'enrolling':
      return `enrolling\u0000${prefix}\u0000${identity.deviceId}`;
    case 'inspector':
      return `inspector\u0000${prefix}\u0000${identity.username}\u0000${identity.homeAssistant?.discoveryPrefix ?? ''}\u0000${identity.homeAssistant ? 1 : 0}`;
    case 'standby':
      return `standby\u0000${prefix}\u0000${identity.nodeId}`;
  }
}

/** A short description for log lines; never holds a credential. */
export function describeIdentity(identity: Identity): string {
  switch (identity.kind) {
    case 'server':
      return 'server';
    case 'device':
      return `device ${identity.deviceId}${identity.roomId === null ? ' (no room)' : ` (room ${identity.roomId})`}`;
    case 'enrolling':
      return `enrolling device ${identity.deviceId}`;
    case 'inspector':
      return `inspector ${identity.username}`;
    case 'standby':
      return `standby node ${identity.nodeId}`;
  }
}
