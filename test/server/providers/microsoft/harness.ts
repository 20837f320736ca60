import { readFileSync } from 'node:fs';
import { FakeClock } from '../../../../shared/clock.js';
import { ProviderSchema, type MicrosoftProviderConfig } from '../../../../shared/config/schema.js';
import { silentLogger } from '../../../../shared/logger.js';
import { Store } from '../../../../server/store/store.js';
import { createGraphApi } from '../../../../server/providers/microsoft/graph-api.js';
import { MicrosoftProvider } from '../../../../server/providers/microsoft/microsoft-provider.js';
import type { GraphApi } from '../../../../server/providers/microsoft/graph-types.js';
import { selfSignedCert } from '../google/tls.js';
import { FakeGraph } from './fake-graph.js';

export const ROOMS = [
  { id: 'ada', name: 'Ada', calendar: 'ada@rooms.example.com' },
  { id: 'grace', name: 'Grace', calendar: 'grace@rooms.example.com' },
];
export const ADA = 'ada@rooms.example.com';

export interface GraphHarness {
  clock: FakeClock;
  fake: FakeGraph;
  store: Store;
  root: string;
  tls: ReturnType<typeof selfSignedCert>;
  api(): GraphApi;
  provider(extra?: Record<string, unknown>): MicrosoftProvider;
  close(): Promise<void>;
}

export function microsoftConfig(extra: Record<string, unknown> = {}): MicrosoftProviderConfig {
  const parsed = ProviderSchema.parse({ kind: 'microsoft', tenant: 'contoso.onmicrosoft.com', clientId: '00000000-0000-0000-0000-000000000001', clientSecret: 'unused', ...extra });
  if (parsed.kind !== 'microsoft') throw new Error('expected a microsoft config');
  return parsed;
}

/** A fake Graph over HTTPS with a throwaway certificate the official client is told to trust. */
export async function graphHarness(): Promise<GraphHarness> {
  const tls = selfSignedCert();
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const fake = new FakeGraph(() => clock.now(), { key: readFileSync(tls.keyPath, 'utf8'), cert: tls.cert });
  const root = await fake.start();
  for (const r of ROOMS) fake.mailbox(r.calendar);
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(ROOMS);
  const apis: GraphApi[] = [];
  const api = (): GraphApi => {
    const a = createGraphApi({ getToken: async () => fake.token, apiRoot: root, ca: tls.cert, now: () => clock.now() });
    apis.push(a);
    return a;
  };
  return {
    clock,
    fake,
    store,
    root,
    tls,
    api,
    provider: (extra = {}) => new MicrosoftProvider({ api: api(), store, clock, config: microsoftConfig({ apiRoot: root, ...extra }), log: silentLogger(), random: () => 0.5 }),
    close: async () => {
      for (const a of apis) a.close();
      store.close();
      await fake.stop();
      tls.cleanup();
    },
  };
}

export function at(hhmm: string, day = '2026-03-02'): string {
  return `${day}T${hhmm}:00Z`;
}

/** Graph's UTC wall time for `at()`. */
export function wall(hhmm: string, day = '2026-03-02'): { dateTime: string; timeZone: string } {
  return { dateTime: `${day}T${hhmm}:00.0000000`, timeZone: 'UTC' };
}
