import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../../shared/logger.js';
import { WebhookServer, type WebhookHandler } from '../../../../server/webhooks/webhook-server.js';
import type { GoogleProvider } from '../../../../server/providers/google/google-provider.js';
import { SYNC_KIND } from '../../../../server/providers/google/google-writes.js';
import { at, googleHarness, settle, until } from './harness.js';
import { googleProvider } from './provider-setup.js';
import { selfSignedCert } from './tls.js';

const ADA = 'ada@resource.example.com';
const DAY = 86_400_000;

test('push channels over HTTPS: verified notifications sync, forged ones are refused, strays are stopped, channels renew', async () => {
  const tls = selfSignedCert();
  const h = await googleHarness({ tlsCa: tls.cert });
  let provider: GoogleProvider | null = null;
  const route: WebhookHandler = (req) => (provider ? provider.notification(req) : { status: 503 });
  const hooks = new WebhookServer({ host: '127.0.0.1', port: 0, keyPath: tls.keyPath, certPath: tls.certPath, routes: { '/webhooks/google': route }, log: silentLogger() });
  await hooks.start();
  const p = googleProvider(h, { webhook: { port: hooks.port, key: tls.keyPath, cert: tls.certPath, publicUrl: `https://127.0.0.1:${hooks.port}` } });
  provider = p;
  try {
    await p.start();
    await settle(p.ready(), h.clock);
    const channels = p.channels?.list() ?? [];
    assert.equal(channels.length, 2);
    assert.equal(h.fake.channels.size, 2);
    for (const c of channels) {
      const atGoogle = h.fake.channels.get(c.id);
      assert.ok(atGoogle);
      assert.equal(atGoogle.address, `https://127.0.0.1:${hooks.port}/webhooks/google`);
      assert.notEqual(c.tokenHash, atGoogle.token, 'only the hash is stored');
    }
    // The first message on a channel ("sync") needs no sync.
    const listsBefore = h.fake.count('GET', '/events');
    assert.deepEqual(await h.fake.notify(ADA), [200]);
    assert.equal(h.fake.count('GET', '/events'), listsBefore);

    h.fake.put(ADA, { id: 'pushed1', status: 'confirmed', summary: 'Pushed', start: { dateTime: at('13:00') }, end: { dateTime: at('14:00') } });
    assert.deepEqual(await h.fake.notify(ADA), [200]);
    await until(() => h.store.events.get('ada', 'pushed1') !== null, h.clock, 'the pushed event');
    assert.equal(h.store.outbox.list({ kind: SYNC_KIND, state: 'done' }).length, 1);

    // A forged token is refused and does nothing.
    h.fake.put(ADA, { id: 'forged1', status: 'confirmed', start: { dateTime: at('15:00') }, end: { dateTime: at('16:00') } });
    assert.deepEqual(await h.fake.notify(ADA, { token: 'guess' }), [401]);
    assert.equal(h.store.outbox.list({ kind: SYNC_KIND }).length, 1);

    // A channel we do not hold is answered and stopped.
    await h.api.watch(ADA, { id: 'stray1', token: 't', address: `https://127.0.0.1:${hooks.port}/webhooks/google`, ttlSecs: 3600 });
    const stray = h.fake.channels.get('stray1');
    assert.ok(stray);
    h.fake.channels.forEach((c) => {
      if (c.id !== 'stray1') c.messages = 5;
    });
    await h.fake.notify(ADA);
    await until(() => !h.fake.channels.has('stray1'), h.clock, 'the stray channel to stop');

    // Before a week is up, each room gets a new channel and the old one is stopped.
    const oldIds = new Set(channels.map((c) => c.id));
    await until(() => (p.channels?.list() ?? []).every((c) => !oldIds.has(c.id)) && [...h.fake.channels.keys()].every((id) => !oldIds.has(id)), h.clock, 'renewal', 3_600_000, 24 * 8);
    assert.ok(h.clock.now() < Date.parse('2026-03-02T08:00:00Z') + 7 * DAY, 'renewed before expiry');
    assert.equal(p.channels?.list().length, 2);
    assert.equal(h.fake.channels.size, 2);

    await p.channels?.stopRoom('ada');
    assert.equal([...h.fake.channels.values()].filter((c) => c.calendarId === ADA).length, 0);
  } finally {
    await p.stop();
    await hooks.stop();
    await h.close();
    tls.cleanup();
  }
});

test('the freeBusy safety net finds the room a lost notification left behind', async () => {
  const h = await googleHarness();
  const p = googleProvider(h);
  try {
    h.fake.put(ADA, { id: 'seen1', status: 'confirmed', start: { dateTime: at('10:00') }, end: { dateTime: at('11:00') } });
    await p.sync('ada');
    await p.sync('grace');
    assert.deepEqual(await p.safetyNet(), []);
    h.fake.put(ADA, { id: 'lost1', status: 'confirmed', start: { dateTime: at('12:00') }, end: { dateTime: at('12:30') } });
    const before = h.fake.count('GET', '/events');
    assert.deepEqual(await p.safetyNet(), ['ada']);
    assert.ok(h.store.events.get('ada', 'lost1'));
    assert.equal(h.fake.count('GET', '/events') - before, 1, 'only the differing room is synced');
    assert.equal(h.fake.count('POST', '/freeBusy'), 2);
  } finally {
    await p.stop();
    await h.close();
  }
});
