import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { until } from '../../helpers/wait.js';

/** The platforms doorplate announces, each with the options Home Assistant needs for it. */
const REQUIRED_BY_PLATFORM: Record<string, string[]> = {
  binary_sensor: ['state_topic'],
  sensor: ['state_topic'],
  button: ['command_topic'],
  event: ['state_topic', 'event_types'],
};

export interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Home Assistant's side in tests: a client on the discovery prefix and the doorplate topics. */
export class HaClient {
  readonly seen: Seen[] = [];
  private constructor(readonly client: mqtt.MqttClient) {
    client.on('message', (topic, payload, packet) => this.seen.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  }

  static async connect(url: string, opts: mqtt.IClientOptions = {}): Promise<HaClient> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: `ha-test-${Math.random().toString(36).slice(2)}`, ...opts });
    const ha = new HaClient(client);
    await client.subscribeAsync(['homeassistant/#', 'doorplate/#'], { qos: 1 });
    return ha;
  }

  /** The last config seen for each discovery topic (an empty payload means removed). */
  configs(): Map<string, string> {
    const out = new Map<string, string>();
    for (const s of this.seen) if (/^homeassistant\/device\/[^/]+\/config$/.test(s.topic)) out.set(s.topic, s.payload);
    return out;
  }

  last(topic: string): string | undefined {
    return [...this.seen].reverse().find((s) => s.topic === topic)?.payload;
  }

  async waitFor(topic: string, what: (payload: string) => boolean, label: string): Promise<string> {
    await until(() => this.seen.some((s) => s.topic === topic && what(s.payload)), label);
    return this.last(topic) ?? '';
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}

/**
 * Checks a device discovery payload against Home Assistant's documented requirements: `dev.ids`,
 * `o.name`, and per component a platform (`p`), a `unique_id` and that platform's topics.
 * Returns the component unique_ids.
 */
export function validateDiscovery(topic: string, raw: string): string[] {
  const payload = JSON.parse(raw) as Record<string, unknown>;
  const dev = payload.dev as { ids?: unknown; name?: unknown } | undefined;
  assert.ok(dev && Array.isArray(dev.ids) && dev.ids.length > 0 && dev.ids.every((x) => typeof x === 'string' && x.length > 0), `${topic}: dev.ids`);
  assert.equal(typeof dev.name, 'string', `${topic}: dev.name`);
  const node = /^homeassistant\/device\/([A-Za-z0-9_-]+)\/config$/.exec(topic)?.[1];
  assert.ok(node, `${topic}: the node id is letters, digits, _ and -`);
  const o = payload.o as { name?: unknown } | undefined;
  assert.ok(o && typeof o.name === 'string' && o.name.length > 0, `${topic}: o.name`);
  const cmps = payload.cmps as Record<string, Record<string, unknown>> | undefined;
  assert.ok(cmps && Object.keys(cmps).length > 0, `${topic}: cmps`);
  const ids: string[] = [];
  for (const [key, c] of Object.entries(cmps)) {
    assert.match(key, /^[A-Za-z0-9_-]+$/, `${topic}: component key ${key}`);
    const p = c.p;
    assert.ok(typeof p === 'string' && p in REQUIRED_BY_PLATFORM, `${topic}: cmps.${key}.p is a platform (${String(p)})`);
    assert.ok(typeof c.unique_id === 'string' && c.unique_id.length > 0, `${topic}: cmps.${key}.unique_id`);
    for (const field of REQUIRED_BY_PLATFORM[p] ?? []) {
      const shared = field === 'state_topic' ? payload.state_topic : undefined;
      assert.ok(c[field] !== undefined || shared !== undefined, `${topic}: cmps.${key}.${field}`);
    }
    if (c.device_class === 'timestamp') assert.equal(p, 'sensor');
    ids.push(c.unique_id as string);
  }
  return ids;
}

/** Every announced device valid, every unique_id unique across all of them. */
export function validateAll(configs: Map<string, string>): string[] {
  const all: string[] = [];
  for (const [topic, raw] of configs) if (raw !== '') all.push(...validateDiscovery(topic, raw));
  assert.equal(new Set(all).size, all.length, `unique_ids are unique: ${all.join(', ')}`);
  return all.sort();
}
