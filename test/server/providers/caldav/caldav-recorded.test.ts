import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { join } from 'node:path';
import { FakeClock } from '../../../../shared/clock.js';
import { isDoorplateError } from '../../../../shared/errors.js';
import { vcalendar, vevent } from './calendar-data.js';
import { agendaTable, newProvider, newStore } from './harness.js';
import { davFixture, ScriptedDav } from './scripted-dav.js';

const obj = (uid: string, title: string, hour: number): string =>
  vcalendar(vevent(uid, [`DTSTART:20260323T${String(hour).padStart(2, '0')}0000Z`, `DTEND:20260323T${String(hour).padStart(2, '0')}3000Z`, `SUMMARY:${title}`]));

/** Every log line the provider writes, at debug level. */
function capturingLogger(lines: string[]) {
  return pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
}

async function setup(t: { after: (fn: () => Promise<void> | void) => void }, config: Record<string, unknown> = {}, lines?: string[]) {
  const dav = new ScriptedDav();
  const collection = await dav.start();
  t.after(() => dav.stop());
  const clock = new FakeClock('2026-03-23T06:00:00Z');
  const store = newStore(clock, [{ id: 'room1', calendar: collection }]);
  t.after(() => store.close());
  return { dav, clock, store, provider: newProvider(store, clock, { config, log: lines ? capturingLogger(lines) : undefined }) };
}

test('a truncated sync-collection (507 with a next token) continues until the end; one multiget fetches what changed', async (t) => {
  const { dav, store, provider } = await setup(t);
  dav.syncToken = 'tok-1';
  dav.resources.set('a.ics', { etag: '"a1"', text: obj('a', 'Alpha', 8) });
  dav.resources.set('b.ics', { etag: '"b1"', text: obj('b', 'Beta', 9) });
  dav.resources.set('c.ics', { etag: '"c1"', text: obj('c', 'Gamma', 10) });
  await provider.requestSync('room1');
  assert.deepEqual(agendaTable(store.events.listForRoom('room1')).map((l) => l.split(' ').slice(2).join(' ')), ['Alpha', 'Beta', 'Gamma']);

  dav.resources.set('b.ics', { etag: '"b2"', text: obj('b', 'Beta moved', 11) });
  dav.resources.delete('c.ics');
  dav.resources.set('d new.ics', { etag: '"d1"', text: obj('d', 'Delta', 12) });
  dav.syncToken = 'tok-2';
  dav.syncPages.set('tok-1', davFixture('sync-truncated-507.xml'));
  dav.syncPages.set('tok-1b', davFixture('sync-rest.xml'));
  await provider.requestSync('room1');
  assert.equal(provider.lastSyncPath('room1'), 'sync-collection');
  assert.deepEqual(dav.reports(), ['calendar-query', 'sync-collection', 'sync-collection', 'calendar-multiget']);
  assert.deepEqual(agendaTable(store.events.listForRoom('room1')), [
    '2026-03-23T08:00:00.000Z 2026-03-23T08:30:00.000Z Alpha',
    '2026-03-23T11:00:00.000Z 2026-03-23T11:30:00.000Z Beta moved',
    '2026-03-23T12:00:00.000Z 2026-03-23T12:30:00.000Z Delta',
  ]);
  assert.ok(store.events.get('room1', 'd%20new.ics'));
  const before = dav.requests.length;
  await provider.requestSync('room1');
  assert.equal(provider.lastSyncPath('room1'), 'unchanged');
  assert.equal(dav.requests.length - before, 1);
});

test('a server without sync-collection: unchanged ctag costs one PROPFIND; a change lists ETags and fetches only what differs', async (t) => {
  const { dav, store, provider } = await setup(t);
  dav.resources.set('a.ics', { etag: '"a1"', text: obj('a', 'Alpha', 8) });
  dav.resources.set('b.ics', { etag: '"b1"', text: obj('b', 'Beta', 9) });
  await provider.requestSync('room1');
  const n = dav.requests.length;
  await provider.requestSync('room1');
  assert.equal(dav.requests.length - n, 1);
  assert.equal(provider.lastSyncPath('room1'), 'unchanged');

  dav.resources.set('b.ics', { etag: '"b2"', text: obj('b', 'Beta moved', 13) });
  dav.resources.delete('a.ics');
  dav.ctag = '"c2"';
  await provider.requestSync('room1');
  assert.equal(provider.lastSyncPath('room1'), 'etags');
  const multiget = dav.requests.filter((r) => r.body.includes('calendar-multiget')).at(-1)?.body ?? '';
  assert.match(multiget, /b\.ics/);
  assert.doesNotMatch(multiget, /a\.ics/);
  assert.deepEqual(agendaTable(store.events.listForRoom('room1')), ['2026-03-23T13:00:00.000Z 2026-03-23T13:30:00.000Z Beta moved']);
});

test('basic auth with the password from a file: sent on every request, never in an error; a 401 fails clearly and marks the room stale', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'password'), 's3cret-pass\n');
  const lines: string[] = [];
  const { dav, provider } = await setup(t, { auth: { type: 'basic', username: 'rooms', password: { file: join(dir, 'password') } } }, lines);
  dav.resources.set('a.ics', { etag: '"a1"', text: obj('a', 'Alpha', 8) });
  await provider.sync('room1');
  assert.ok(dav.requests.every((r) => r.authorization === `Basic ${Buffer.from('rooms:s3cret-pass').toString('base64')}`));
  dav.refuseAuth = true;
  dav.ctag = '"c9"';
  await assert.rejects(provider.sync('room1'), (e: unknown) => isDoorplateError(e) && e.code === 'PROVIDER_UNAVAILABLE' && /HTTP 401/.test(e.message) && !e.message.includes('s3cret'));
  const stale: boolean[] = [];
  provider.onStaleChanged((_room, s) => stale.push(s));
  await provider.requestSync('room1');
  assert.deepEqual(stale, [true]);
  assert.equal(provider.isStale('room1'), true);
  assert.ok(lines.length > 0, 'the provider logged');
  const basic = Buffer.from('rooms:s3cret-pass').toString('base64');
  assert.ok(lines.every((l) => !l.includes('s3cret') && !l.includes(basic)), 'no log line holds the password');
});

test('a secret that cannot be read is refused at construction, naming where it was looked for', async (t) => {
  const clock = new FakeClock('2026-03-23T06:00:00Z');
  const store = newStore(clock, []);
  t.after(() => store.close());
  delete process.env.DOORPLATE_TEST_UNSET_TOKEN;
  assert.throws(() => newProvider(store, clock, { config: { auth: { type: 'bearer', token: { env: 'DOORPLATE_TEST_UNSET_TOKEN' } } } }), /^Error: provider\.auth\.token\.env: environment variable DOORPLATE_TEST_UNSET_TOKEN is not set$/);
});
