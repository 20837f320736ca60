import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase, schemaVersion, synchronousLevel } from '../../../server/store/database.js';
import { MIGRATIONS } from '../../../server/store/migrations/index.js';
import { Store } from '../../../server/store/store.js';
import { FakeClock } from '../../../shared/clock.js';
import { isDoorplateError } from '../../../shared/errors.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

test('an empty database is migrated to the latest version with every table', () => {
  const db = openDatabase(':memory:');
  try {
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    assert.deepEqual(tables(db), [
      'booking_attendees',
      'changes',
      'devices',
      'events',
      'flagged_series',
      'idempotency',
      'mail_outbox',
      'notices',
      'outbox',
      'presence_changes',
      'push_channels',
      'released_occurrences',
      'reminders_sent',
      'replication_control',
      'replication_log',
      'rooms',
      'settings',
      'sync_state',
      'usage_releases',
    ]);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  } finally {
    db.close();
  }
});

test('a file database runs in WAL mode with synchronous FULL and a busy timeout', (t) => {
  const db = openDatabase(join(tempDir(t), 'doorplate.db'), { busyTimeoutMs: 1234 });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    // FULL (2): the WAL is synced at each commit, so an answered booking survives a power cut.
    assert.equal(db.pragma('synchronous', { simple: true }), 2);
    assert.equal(synchronousLevel(db), 'FULL');
    assert.equal(db.pragma('busy_timeout', { simple: true }), 1234);
    // 2 MiB of page cache, not better-sqlite3's 16 MiB, which a large site fills and keeps.
    assert.equal(db.pragma('cache_size', { simple: true }), -2048);
  } finally {
    db.close();
  }
});

test('the store opened as the server opens it syncs every commit; NORMAL only when asked', (t) => {
  const dir = tempDir(t);
  const store = Store.open({ path: join(dir, 'doorplate.db'), clock: new FakeClock() });
  try {
    assert.equal(store.synchronous(), 'FULL');
  } finally {
    store.close();
  }
  const bench = Store.open({ path: join(dir, 'bench.db'), clock: new FakeClock(), synchronous: 'NORMAL' });
  try {
    assert.equal(bench.synchronous(), 'NORMAL');
  } finally {
    bench.close();
  }
  assert.throws(
    () => openDatabase(join(dir, 'bad.db'), { synchronous: 'OFF' as 'FULL' }),
    (e: unknown) => isDoorplateError(e) && /synchronous: OFF/.test(e.message),
  );
});

test('releases kept before presence existed are no-shows after migration 9', (t) => {
  const path = join(tempDir(t), 'v7.db');
  const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 7) });
  old.prepare("INSERT INTO rooms (id, name, config, created_at, updated_at) VALUES ('r1', 'Ada', '{\"id\":\"r1\",\"name\":\"Ada\"}', 1, 1)").run();
  old.prepare("INSERT INTO usage_releases (room_id, event_id, start_ms, end_ms, released_at) VALUES ('r1', 'e1', 1000, 2000, 1600)").run();
  old.close();
  const store = Store.open({ path, clock: new FakeClock() });
  try {
    assert.deepEqual(store.usageReleases.list(0, 10_000).map((r) => [r.eventId, r.cause]), [['e1', 'no-show']]);
    store.presence.record('r1', 3000, 'present');
    assert.throws(() => store.presence.record('r1', 4000, 'maybe' as 'present'), /CHECK constraint/);
    assert.deepEqual(store.presence.last('r1'), { roomId: 'r1', at: 3000, state: 'present' });
  } finally {
    store.close();
  }
});

test('a version 1 database with data is migrated to the latest and keeps its data', (t) => {
  const path = join(tempDir(t), 'old.db');
  const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 1) });
  assert.equal(schemaVersion(old), 1);
  assert.ok(!tables(old).includes('notices'));
  old.prepare("INSERT INTO rooms (id, name, config, created_at, updated_at) VALUES ('r1', 'Ada', '{\"id\":\"r1\",\"name\":\"Ada\"}', 1, 1)").run();
  old.prepare("INSERT INTO changes (at, kind, room_id, payload) VALUES (5, 'room.events', 'r1', '{}')").run();
  old.prepare("INSERT INTO changes (at, kind, room_id, payload) VALUES (6, 'room.events', 'r1', '{}')").run();
  old.close();

  const clock = new FakeClock();
  const store = Store.open({ path, clock });
  try {
    assert.equal(store.schemaVersion(), MIGRATIONS.length);
    assert.equal(store.rooms.get('r1')?.name, 'Ada');
    assert.deepEqual(
      store.changes.since(0).map((c) => c.at),
      [5, 6],
    );
    assert.equal(store.changes.latestId(), 2);
    // The tables the second migration added work at once.
    store.notices.add({ id: 'n1', name: 'fire-drill', message: 'Fire drill at 11:00', targets: { all: true, rooms: [], devices: [] } });
    assert.equal(store.notices.active().length, 1);
  } finally {
    store.close();
  }
  const db = openDatabase(path);
  try {
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes'").pluck().all();
    assert.ok(indexes.includes('changes_at'));
  } finally {
    db.close();
  }
});

test('a database newer than the program is refused and left untouched', (t) => {
  const path = join(tempDir(t), 'new.db');
  openDatabase(path).close();
  assert.throws(
    () => openDatabase(path, { migrations: MIGRATIONS.slice(0, 1) }),
    (e: unknown) => isDoorplateError(e) && new RegExp(`schema version ${MIGRATIONS.length} .* only up to 1`).test(e.message),
  );
  const db = openDatabase(path);
  try {
    assert.equal(schemaVersion(db), MIGRATIONS.length);
  } finally {
    db.close();
  }
});

test('a failing migration rolls back and names itself; the database stays at the previous version', () => {
  const db = openDatabase(':memory:', { migrations: MIGRATIONS.slice(0, 1) });
  try {
    const broken = [...MIGRATIONS.slice(0, 1), { version: 2, name: 'broken', up: 'CREATE TABLE extra (x INTEGER); CREATE TABLE rooms (id TEXT);' }];
    assert.throws(() => migrate(db, broken), /migration 2 \(broken\) failed/);
    assert.equal(schemaVersion(db), 1);
    assert.ok(!tables(db).includes('extra'));
  } finally {
    db.close();
  }
});

test('a migration list with a gap is refused', () => {
  const db = openDatabase(':memory:', { migrations: [] });
  try {
    assert.throws(() => migrate(db, [MIGRATIONS[1]!]), /version 2, expected 1/);
  } finally {
    db.close();
  }
});

test('reopening a file database keeps its data (a restart)', (t) => {
  const path = join(tempDir(t), 'restart.db');
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const first = Store.open({ path, clock });
  first.rooms.upsertFromConfig([{ id: 'ada', name: 'Ada Lovelace' }]);
  first.settings.set('admin-token-hash', 'a'.repeat(64));
  first.events.upsert('ada', {
    id: 'e1',
    title: 'Stand-up',
    organizer: null,
    start: '2026-03-02T09:00:00Z',
    end: '2026-03-02T09:15:00Z',
    allDay: false,
    status: 'confirmed',
    roomResponse: 'accepted',
    private: false,
    checkInRequired: false,
    checkedInAt: null,
    seriesId: null,
    bookedAt: null,
    bookedVia: 'provider',
  });
  first.close();
  assert.equal(first.isOpen, false);
  first.close();

  const second = Store.open({ path, clock });
  try {
    assert.equal(second.rooms.get('ada')?.name, 'Ada Lovelace');
    assert.equal(second.settings.get('admin-token-hash'), 'a'.repeat(64));
    assert.equal(second.events.get('ada', 'e1')?.title, 'Stand-up');
  } finally {
    second.close();
  }
});

test('Store.transaction commits all or nothing', () => {
  const store = Store.open({ path: ':memory:', clock: new FakeClock() });
  try {
    assert.throws(() =>
      store.transaction(() => {
        store.settings.set('a', '1');
        throw new Error('boom');
      }),
    );
    assert.equal(store.settings.get('a'), null);
    store.transaction(() => {
      store.settings.set('a', '1');
      store.settings.set('b', '2');
    });
    assert.equal(store.settings.get('b'), '2');
    store.ping();
  } finally {
    store.close();
  }
});
