import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { silentLogger } from '../../../../shared/logger.js';
import { WebhookServer, type WebhookHandler } from '../../../../server/webhooks/webhook-server.js';
import type { MicrosoftProvider } from '../../../../server/providers/microsoft/microsoft-provider.js';
import { SYNC_KIND } from '../../../../server/providers/microsoft/graph-writes.js';
import { settle, until } from '../google/harness.js';
import { ADA, graphHarness, wall } from './harness.js';

function postRaw(url: string, ca: string, body: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('subscriptions over HTTPS: validation, verified and forged notifications, lifecycle events, renewal and deletion', async () => {
  const h = await graphHarness();
  let provider: MicrosoftProvider | null = null;
  const route =
    (which: 'notification' | 'lifecycle'): WebhookHandler =>
    (req) =>
      provider ? provider[which](req) : { status: 503 };
  const hooks = new WebhookServer({
    host: '127.0.0.1',
    port: 0,
    keyPath: h.tls.keyPath,
    certPath: h.tls.certPath,
    routes: { '/webhooks/microsoft': route('notification'), '/webhooks/microsoft/lifecycle': route('lifecycle') },
    log: silentLogger(),
  });
  await hooks.start();
  const base = `https://127.0.0.1:${hooks.port}`;
  const p = h.provider({ webhook: { port: hooks.port, key: h.tls.keyPath, cert: h.tls.certPath, publicUrl: base } });
  provider = p;
  try {
    // The handshake answers the decoded token as plain text.
    const token = 'Validation: Testing client application reachability & more';
    const hs = await postRaw(`${base}/webhooks/microsoft?validationToken=${encodeURIComponent(token)}`, h.tls.cert, '');
    assert.deepEqual([hs.status, hs.type.startsWith('text/plain'), hs.text], [200, true, token]);

    await p.start();
    await settle(p.ready(), h.clock);
    const subs = p.subscriptions?.list() ?? [];
    assert.equal(subs.length, 2);
    assert.equal(h.fake.subscriptions.size, 2, 'both URLs passed the handshake at the fake');
    for (const s of subs) {
      const at = h.fake.subscriptions.get(s.id);
      assert.ok(at);
      assert.equal(at.notificationUrl, `${base}/webhooks/microsoft`);
      assert.equal(at.lifecycleNotificationUrl, `${base}/webhooks/microsoft/lifecycle`);
      assert.notEqual(s.tokenHash, at.clientState, 'only the hash is stored');
      assert.ok(at.expiration - h.clock.now() <= 10_080 * 60_000);
    }

    h.fake.put(ADA, { id: 'pushed1', subject: 'Pushed', start: wall('13:00'), end: wall('14:00') });
    assert.deepEqual(await h.fake.notify(ADA), [202]);
    await until(() => h.store.events.get('ada', 'pushed1') !== null, h.clock, 'the pushed event');
    assert.equal(h.store.outbox.list({ kind: SYNC_KIND, state: 'done' }).length, 1);

    // A forged clientState is refused and does nothing.
    h.fake.put(ADA, { id: 'forged1', start: wall('15:00'), end: wall('16:00') });
    assert.deepEqual(await h.fake.notify(ADA, { clientState: 'guess' }), [403]);
    assert.equal(h.store.outbox.list({ kind: SYNC_KIND }).length, 1);
    assert.equal(h.store.events.get('ada', 'forged1'), null);
    const adaSub = subs.find((s) => s.roomId === 'ada');
    assert.ok(adaSub);
    assert.equal(await h.fake.lifecycle(adaSub.id, 'missed', { clientState: 'guess' }), 403);

    // missed: the room is synced again.
    assert.equal(await h.fake.lifecycle(adaSub.id, 'missed'), 202);
    await until(() => h.store.events.get('ada', 'forged1') !== null, h.clock, 'the resync after missed');

    // reauthorizationRequired: reauthorized at Graph.
    assert.equal(await h.fake.lifecycle(adaSub.id, 'reauthorizationRequired'), 202);
    await until(() => h.fake.count('POST', '/reauthorize') === 1, h.clock, 'the reauthorization');

    // subscriptionRemoved: a new subscription, and a resync.
    h.fake.put(ADA, { id: 'after1', start: wall('17:00'), end: wall('17:30') });
    assert.equal(await h.fake.lifecycle(adaSub.id, 'subscriptionRemoved'), 202);
    await until(() => (p.subscriptions?.list() ?? []).some((s) => s.roomId === 'ada' && s.id !== adaSub.id) && h.store.events.get('ada', 'after1') !== null, h.clock, 'the new subscription');
    assert.equal(h.fake.subscriptions.size, 2);

    // Renewed with PATCH before they run out; the ids stay.
    const ids = new Set(p.subscriptions?.list().map((s) => s.id));
    await until(() => h.fake.count('PATCH', '/subscriptions/') >= 2, h.clock, 'renewal', 3_600_000, 24 * 4);
    assert.deepEqual(new Set(p.subscriptions?.list().map((s) => s.id)), ids);
    for (const s of h.fake.subscriptions.values()) assert.ok(s.expiration > h.clock.now() + 24 * 3_600_000);

    // A room taken out of the config (its row goes with it): its next notification deletes the subscription.
    h.store.rooms.upsertFromConfig([{ id: 'ada', name: 'Ada', calendar: ADA }]);
    assert.deepEqual(await h.fake.notify('grace@rooms.example.com'), [202]);
    await until(() => [...h.fake.subscriptions.values()].every((s) => s.mailbox === ADA), h.clock, 'the stray subscription to go');
    assert.equal(h.fake.subscriptions.size, 1);
    // At start, the subscriptions of rooms taken out of the config are deleted at Graph at once.
    const left = p.subscriptions?.list() ?? [];
    await p.stopRemovedChannels(left);
    assert.equal(h.fake.subscriptions.size, 0, 'deleted at Graph');
    await p.stopRemovedChannels(left); // already gone: a 404 is no error
    assert.equal(await p.subscriptions?.removeAll(), 1);
    assert.equal(h.fake.subscriptions.size, 0);
  } finally {
    await p.stop();
    await hooks.stop();
    await h.close();
  }
});
