import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/clock.js';
import type { GoogleProvider } from '../../server/providers/google/google-provider.js';
import { startTestServer } from '../helpers/server.js';
import { GOOGLE_ROOMS, googleWorld } from './http/google-server.js';
import { injectedAuth, settle, until } from './providers/google/harness.js';

test('/healthz is each part\'s own report: the provider turns unhealthy while its calendar is unreachable, and back', async (t) => {
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const world = await googleWorld(clock);
  t.after(() => world.close());
  // No webhook: the provider polls every minute, so an outage shows within minutes of fake time.
  const { server, base, cleanup } = await startTestServer({
    clock,
    providerDeps: { googleAuth: injectedAuth(world.fake.token) },
    config: { rooms: GOOGLE_ROOMS, provider: { kind: 'google', apiRoot: world.root, subject: 'admin@example.com', credentials: { client_email: 'sa@example.iam.gserviceaccount.com', private_key: 'unused' } } },
  });
  t.after(cleanup);
  await settle((server.provider as GoogleProvider).ready(), clock);

  const healthz = async (): Promise<{ status: number; body: { ok: boolean; checks: Record<string, { ok: boolean; detail?: string }> } }> => {
    const r = await fetch(`${base}/healthz`);
    return { status: r.status, body: (await r.json()) as { ok: boolean; checks: Record<string, { ok: boolean; detail?: string }> } };
  };
  const first = await healthz();
  assert.equal(first.status, 200);
  assert.deepEqual(Object.keys(first.body.checks).sort(), ['broker', 'mqtt', 'provider', 'store']);
  assert.deepEqual(first.body.checks.provider, { ok: true, detail: 'google' });

  world.fake.fail({ status: 503 }, 12);
  await until(() => !server.health().checks.provider?.ok, clock, 'the provider to report the outage');
  const down = await healthz();
  assert.equal(down.status, 503);
  assert.match(down.body.checks.provider?.detail ?? '', /^google: unreachable for (ada|grace)/);
  assert.equal(down.body.checks.store?.ok, true, 'the other parts still say what they are');

  await until(() => server.health().ok, clock, 'the provider to recover');
  assert.equal((await healthz()).status, 200);
});
