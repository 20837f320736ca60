import BetterSqlite3 from 'better-sqlite3';
import { DoorplateError } from '../../shared/errors.js';
import type { Migration } from './migrations/migration.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * The SQLite adapter: the only file that imports better-sqlite3. Everything else in the store
 * takes the `Database` type below and never opens a connection itself.
 */
export type Database = BetterSqlite3.Database;

export interface OpenDatabaseOptions {
  /** The migrations to apply; the full list by default (tests pass a prefix to build old databases). */
  migrations?: readonly Migration[];
  /** How long a writer waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * How commits reach the disk. `FULL` (the default) syncs the WAL at every commit, so a write
   * that answered a person survives a power cut; `NORMAL` is kept for the durability bench only.
   */
  synchronous?: Synchronous;
  /**
   * Runs before the migrations (the store drops its change-capture triggers here: a trigger
   * naming a column would stop a migration that drops it, and would capture a migration's
   * backfill with the old columns).
   */
  beforeMigrate?: (db: Database) => void;
}

export type Synchronous = 'FULL' | 'NORMAL';

/** The `synchronous` level every connection runs with unless told otherwise (see docs/deployment.md, "Power cuts"). */
export const DEFAULT_SYNCHRONOUS: Synchronous = 'FULL';

/**
 * SQLite's page cache per connection. better-sqlite3 builds SQLite with 16 MiB, which a server
 * reading its rooms at start fills and keeps: 15 MiB of RSS at 1,000 rooms
 * (`npm run bench -- server-rss`). SQLite's own default of 2 MiB keeps the indexes' upper pages;
 * the rest is read from the OS file cache, which the kernel can reclaim.
 */
const PAGE_CACHE_KIB = 2048;

/** SQLite's numeric value of `PRAGMA synchronous` for each level. */
const SYNCHRONOUS_LEVEL: Record<Synchronous, number> = { NORMAL: 1, FULL: 2 };

/** The `synchronous` level a connection runs with. */
export function synchronousLevel(db: Database): Synchronous | number {
  const n = db.pragma('synchronous', { simple: true }) as number;
  const name = (Object.keys(SYNCHRONOUS_LEVEL) as Synchronous[]).find((k) => SYNCHRONOUS_LEVEL[k] === n);
  return name ?? n;
}

/** The schema version a database file is at, read without changing anything. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Opens (creating if needed) a database and brings its schema up to date. A file database runs
 * in WAL mode so readers never wait for the writer. `synchronous=FULL` syncs the WAL at every
 * commit: bookings, check-ins, idempotency keys, device secrets and outbox rows answer a person
 * or a device, and with NORMAL a power cut could undo a commit already answered. The level is
 * per connection, not per table, and the measured cost (`npm run bench -- store-durability`) is
 * small next to a press's round trip, so every write pays it.
 */
export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): Database {
  if (path.length === 0) throw new DoorplateError('BAD_REQUEST', 'openDatabase: path is empty (use ":memory:" for a memory database)');
  const db = new BetterSqlite3(path);
  try {
    if (path !== ':memory:') {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`${path}: could not switch the journal to WAL (got ${String(mode)})`);
    }
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    const level = opts.synchronous ?? DEFAULT_SYNCHRONOUS;
    if (!(level in SYNCHRONOUS_LEVEL)) throw new DoorplateError('BAD_REQUEST', `synchronous: ${String(level)} is not FULL or NORMAL`);
    db.pragma(`synchronous = ${level}`);
    opts.beforeMigrate?.(db);
    migrate(db, opts.migrations ?? MIGRATIONS, path);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Checks the list itself: versions 1, 2, 3, ... in order, so a gap or a duplicate is a bug caught at once. */
function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migrations[${i}] (${m.name}): version ${m.version}, expected ${i + 1}`);
    }
  });
}

/**
 * Applies the migrations the database has not seen, each with its version bump in one
 * transaction, so a failed migration leaves the database at the previous version. A database
 * written by newer code is refused: running old code on it could silently drop or misread data.
 */
export function migrate(db: Database, migrations: readonly Migration[], where = 'database'): { from: number; to: number } {
  checkMigrationList(migrations);
  const from = schemaVersion(db);
  const latest = migrations.length;
  if (from > latest) {
    throw new DoorplateError(
      'INTERNAL',
      `${where}: the database is at schema version ${from} but this program knows only up to ${latest}; run a newer doorplate or restore a backup`,
    );
  }
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      try {
        db.exec(m.up);
      } catch (e) {
        throw new Error(`${where}: migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
      }
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: Math.max(from, latest) };
}
