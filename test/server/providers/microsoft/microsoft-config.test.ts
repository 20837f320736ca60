import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../../shared/config/load.js';
import { silentLogger } from '../../../../shared/logger.js';
import { createProvider } from '../../../../server/providers/create-provider.js';
import { MicrosoftProvider } from '../../../../server/providers/microsoft/microsoft-provider.js';
import { MailboxLimit } from '../../../../server/providers/microsoft/mailbox-limit.js';
import { settle } from '../google/harness.js';
import { ADA, graphHarness, ROOMS, wall } from './harness.js';

test('kind microsoft builds the Graph provider from the config, with its webhook routes', async () => {
  const h = await graphHarness();
  try {
    const config = parseConfig({
      rooms: ROOMS,
      provider: {
        kind: 'microsoft',
        tenant: 'contoso.onmicrosoft.com',
        clientId: '00000000-0000-0000-0000-000000000001',
        clientSecret: 'unused',
        apiRoot: h.root,
        webhook: { host: '127.0.0.1', port: 0, key: h.tls.keyPath, cert: h.tls.certPath, publicUrl: 'https://127.0.0.1:1' },
      },
    });
    const parts = await createProvider(config, { store: h.store, clock: h.clock, log: silentLogger(), defaultTimeZone: 'UTC', graphToken: async () => h.fake.token, graphCa: h.tls.cert });
    assert.ok(parts.provider instanceof MicrosoftProvider);
    assert.ok(parts.webhook);
    h.fake.put(ADA, { id: 'viaconfig', start: wall('10:00'), end: wall('11:00') });
    await settle(parts.provider.sync('ada'), h.clock);
    assert.ok(h.store.events.get('ada', 'viaconfig'));
    await parts.provider.stop();
    assert.throws(() => parseConfig({ provider: { kind: 'microsoft', tenant: 't', clientId: 'c' } }), /provider\.clientSecret: needs clientSecret or certificate/);
  } finally {
    await h.close();
  }
});

test('at most four calls at once per mailbox; others wait their turn', async () => {
  const limit = new MailboxLimit(4);
  const gates: Array<() => void> = [];
  let peak = 0;
  const call = (mailbox: string): Promise<void> =>
    limit.run(mailbox, async () => {
      peak = Math.max(peak, limit.inFlight(mailbox));
      await new Promise<void>((r) => gates.push(r));
    });
  const all = [...Array.from({ length: 6 }, () => call('A@x')), call('b@x')];
  await new Promise((r) => setImmediate(r));
  assert.equal(limit.inFlight('a@x'), 4);
  assert.equal(limit.inFlight('b@x'), 1);
  while (gates.length > 0) {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(all);
  assert.equal(peak, 4);
  assert.equal(limit.inFlight('a@x'), 0);
});
