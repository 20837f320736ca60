import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import { createProvider } from '../../../server/providers/create-provider.js';
import { GoogleProvider } from '../../../server/providers/google/google-provider.js';
import { LocalProvider } from '../../../server/providers/local/local-provider.js';
import { at, googleHarness, injectedAuth, ROOMS, settle, until } from './google/harness.js';

test('the config picks the provider; google takes another API root and injected credentials', async () => {
  const h = await googleHarness();
  try {
    const deps = { store: h.store, clock: h.clock, log: silentLogger(), defaultTimeZone: 'UTC' };
    assert.ok((await createProvider(parseConfig({}), deps)).provider instanceof LocalProvider);
    const config = parseConfig({
      rooms: ROOMS,
      provider: { kind: 'google', apiRoot: h.root, subject: 'admin@example.com', credentials: { client_email: 'sa@x.iam.gserviceaccount.com', private_key: 'unused' }, pollSecs: 60 },
    });
    const parts = await createProvider(config, { ...deps, googleAuth: injectedAuth(h.fake.token) });
    assert.ok(parts.provider instanceof GoogleProvider);
    assert.equal(parts.webhook, null);
    h.fake.put(ROOMS[0]?.calendar ?? '', { id: 'viaconfig', status: 'confirmed', start: { dateTime: at('10:00') }, end: { dateTime: at('11:00') } });
    const stale: Array<[string, boolean]> = [];
    parts.onStale((r, s) => stale.push([r, s]));
    await parts.provider.start();
    await settle((parts.provider as GoogleProvider).ready(), h.clock);
    assert.ok(h.store.events.get('ada', 'viaconfig'));
    // Polling every 60 s without a webhook; an outage marks rooms stale, recovery fresh again.
    h.fake.fail({ status: 503 }, 12);
    await until(() => stale.some(([, s]) => s), h.clock, 'rooms marked stale');
    await until(() => stale.length > 0 && stale.every(([r]) => stale.filter(([x, s]) => x === r && !s).length > 0), h.clock, 'rooms fresh again');
    await parts.provider.stop();
  } finally {
    await h.close();
  }
});

test('google settings are checked with the path in the message', () => {
  assert.throws(() => parseConfig({ provider: { kind: 'google', subject: 'admin@example.com' } }), /provider\.credentialsFile: needs credentialsFile or credentials/);
  assert.throws(
    () => parseConfig({ provider: { kind: 'google', subject: 'a@b.c', credentialsFile: '/k.json', webhook: { key: 'k', cert: 'c', publicUrl: 'http://x.example' } } }),
    /provider\.webhook\.publicUrl: must be an https:\/\/ address/,
  );
});
