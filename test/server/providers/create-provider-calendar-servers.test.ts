import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import { Store } from '../../../server/store/store.js';
import { createProvider } from '../../../server/providers/create-provider.js';
import { CaldavProvider } from '../../../server/providers/caldav/caldav-provider.js';
import { IcsProvider } from '../../../server/providers/ics/ics-provider.js';

test('the config picks the caldav and ics providers; ics is read-only', async () => {
  const clock = new FakeClock('2026-03-23T06:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  try {
    const deps = { store, clock, log: silentLogger(), defaultTimeZone: 'UTC' };
    const caldav = await createProvider(parseConfig({ provider: { kind: 'caldav', auth: { type: 'bearer', token: { value: 'x' } }, pollSecs: 60 } }), deps);
    assert.ok(caldav.provider instanceof CaldavProvider);
    assert.equal(caldav.provider.readOnly, false);
    assert.equal(caldav.webhook, null);
    const ics = await createProvider(parseConfig({ provider: { kind: 'ics', maxBytes: 1_000_000 } }), deps);
    assert.ok(ics.provider instanceof IcsProvider);
    assert.equal(ics.provider.readOnly, true);
  } finally {
    store.close();
  }
});

test('caldav and ics settings are checked with the path in the message', () => {
  assert.throws(() => parseConfig({ provider: { kind: 'caldav', auth: { type: 'basic', username: 'rooms', password: {} } } }), /provider\.auth\.password: needs exactly one of value, file, env/);
  assert.throws(() => parseConfig({ provider: { kind: 'caldav', auth: { type: 'digest' } } }), /provider\.auth/);
  assert.throws(() => parseConfig({ provider: { kind: 'ics', maxBytes: 10 } }), /provider\.maxBytes/);
  assert.throws(() => parseConfig({ provider: { kind: 'ics', webhook: {} } }), /provider: Unrecognized key/i);
});
