import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../../../shared/clock.js';
import { parseConfig } from '../../../../shared/config/load.js';
import { silentLogger } from '../../../../shared/logger.js';
import { Store } from '../../../../server/store/store.js';
import { createProvider } from '../../../../server/providers/create-provider.js';
import { FakeGoogle } from './fake-google.js';
import { at, ROOMS, settle } from './harness.js';
import { selfSignedCert } from './tls.js';

test('a private endpoint: the key file\'s token_uri and the apiRoot are used together, trusted through provider.caFile', async () => {
  const tls = selfSignedCert();
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const fake = new FakeGoogle(() => clock.now());
  const root = await fake.start({ key: readFileSync(tls.keyPath, 'utf8'), cert: tls.cert });
  for (const r of ROOMS) fake.calendars.set(r.calendar, new Map());
  fake.put(ROOMS[0]?.calendar ?? '', { id: 'private1', status: 'confirmed', start: { dateTime: at('10:00') }, end: { dateTime: at('11:00') } });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  fake.serviceAccounts.set('sa@example.iam.gserviceaccount.com', publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const keyFile = join(tls.dir, 'sa.json');
  writeFileSync(
    keyFile,
    JSON.stringify({ type: 'service_account', client_email: 'sa@example.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), token_uri: `${root}token` }),
  );
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(ROOMS);
  const build = (extra: Record<string, unknown>) =>
    createProvider(parseConfig({ rooms: ROOMS, provider: { kind: 'google', subject: 'admin@example.com', credentialsFile: keyFile, apiRoot: root, ...extra } }), {
      store,
      clock,
      log: silentLogger(),
      defaultTimeZone: 'UTC',
    });
  try {
    // Without the CA the self-signed endpoint is not trusted: nothing is fetched.
    const untrusted = await build({});
    await assert.rejects(settle(untrusted.provider.sync('ada'), clock));
    assert.equal(fake.grants.length, 0);
    await untrusted.provider.stop();

    const trusted = await build({ caFile: tls.certPath });
    await settle(trusted.provider.sync('ada'), clock);
    assert.ok(store.events.get('ada', 'private1'), 'synced through the private endpoint');
    assert.deepEqual(fake.grants, [{ iss: 'sa@example.iam.gserviceaccount.com', sub: 'admin@example.com' }], 'the token came from token_uri, for the delegated subject');
    await trusted.provider.stop();
    assert.throws(() => parseConfig({ provider: { kind: 'google', subject: 'a@b.c', credentialsFile: keyFile, caFile: '' } }), /provider\.caFile/);
  } finally {
    store.close();
    await fake.stop();
    tls.cleanup();
  }
});
