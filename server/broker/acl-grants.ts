import { Verb } from '../../shared/api/payloads.js';
import { replicationRoot } from '../../shared/api/topics.js';
import { haTopics } from '../homeassistant/ha-topics.js';
import { readablePatterns, type Identity, type Level, type Pattern } from './acl.js';

/**
 * What an external broker must be told to grant so it decides as the ACL module does
 * (acl.ts stays the one place of decision: the readable topics come from its own patterns).
 * The grants are in the terms of Mosquitto's dynamic security plugin:
 *
 * - publishClientSend: topics the client may publish;
 * - subscribePattern: filters the client may subscribe to (a filter is allowed when every topic
 *   it can match is matched by the pattern, as in acl.ts);
 * - subscribeLiteral: one exact filter string (`response/+`: a verb level covers `+`, but a
 *   pattern with `+` there would also let `response/anything` through);
 * - publishClientReceive: topics delivered to the client; checked at each delivery, so a moved
 *   device stops receiving its old room at once.
 *
 * A verb level becomes one grant per verb: brokers know no "one of these words".
 */
export type GrantType = 'publishClientSend' | 'publishClientReceive' | 'subscribeLiteral' | 'subscribePattern';
export interface Grant {
  acltype: GrantType;
  topic: string;
}

const lit = (s: string): Level => ({ lit: s });
const VERB: Level = { verb: true };
const ANY: Level = { any: true };

function pattern(prefix: string, ...levels: (string | Level)[]): Pattern {
  return [...prefix.split('/').map(lit), ...levels.map((l) => (typeof l === 'string' ? lit(l) : l))];
}

/**
 * The topics each identity may publish, as patterns. acl.ts's mayPublish decides the same
 * through the topic contract; the shared table test runs against both brokers to keep them equal.
 */
export function publishablePatterns(identity: Identity, prefix: string): Pattern[] {
  switch (identity.kind) {
    case 'server':
      return [[{ rest: true }]];
    case 'inspector': {
      const ha = identity.homeAssistant;
      if (!ha) return [];
      return [haTopics.birth(ha.discoveryPrefix).split('/').map(lit), pattern(prefix, 'homeassistant', 'rooms', ANY, 'book')];
    }
    case 'standby':
      return [pattern(replicationRoot(prefix), identity.nodeId, 'hello'), pattern(replicationRoot(prefix), identity.nodeId, 'ack')];
    case 'enrolling':
      return [pattern(prefix, 'devices', identity.deviceId, 'hello'), pattern(prefix, 'devices', identity.deviceId, 'availability')];
    case 'device':
      return [
        pattern(prefix, 'devices', identity.deviceId, 'hello'),
        pattern(prefix, 'devices', identity.deviceId, 'availability'),
        pattern(prefix, 'devices', identity.deviceId, 'presence'),
        pattern(prefix, 'devices', identity.deviceId, 'request', VERB),
      ];
  }
}

/** A pattern as broker topics: a verb level gives one topic per verb. */
export function expandPattern(p: Pattern): string[] {
  let topics: string[][] = [[]];
  for (const level of p) {
    const words = 'lit' in level ? [level.lit] : 'verb' in level ? [...Verb.options] : 'any' in level ? ['+'] : ['#'];
    topics = topics.flatMap((t) => words.map((w) => [...t, w]));
  }
  return topics.map((t) => t.join('/'));
}

/** Filters a client may subscribe to although no pattern grant covers them (see subscribeLiteral). */
function literalFilters(p: Pattern): string[] {
  if (!p.some((l) => 'verb' in l)) return [];
  return [p.map((l) => ('lit' in l ? l.lit : 'verb' in l || 'any' in l ? '+' : '#')).join('/')];
}

/** Every grant the identity needs, without duplicates, in a stable order. */
export function brokerGrants(identity: Identity, prefix: string): Grant[] {
  const grants: Grant[] = [];
  const add = (acltype: GrantType, topic: string) => {
    if (!grants.some((g) => g.acltype === acltype && g.topic === topic)) grants.push({ acltype, topic });
  };
  if (identity.kind === 'server') {
    add('publishClientSend', '#');
    add('subscribePattern', '#');
    add('publishClientReceive', '#');
    return grants;
  }
  for (const p of publishablePatterns(identity, prefix)) for (const t of expandPattern(p)) add('publishClientSend', t);
  for (const p of readablePatterns(identity, prefix)) {
    for (const t of expandPattern(p)) {
      add('subscribePattern', t);
      add('publishClientReceive', t);
    }
    for (const f of literalFilters(p)) add('subscribeLiteral', f);
  }
  return grants;
}
