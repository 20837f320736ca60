import type { Database } from '../store/database.js';

/**
 * Which tables move with the lead, parents before children (a snapshot inserts in this order
 * and deletes in the reverse). Everything a new leader needs to serve as the old one did:
 * bookings, devices with their hashed secrets and enrollment keys, sync tokens, push channels,
 * both outboxes, idempotency keys, notices, series flags, attendees, reminders, usage
 * releases, presence changes, the live stream's change log and the settings (token hashes, the
 * QR link secret).
 */
export const REPLICATED_TABLES = [
  'rooms',
  'devices',
  'events',
  'sync_state',
  'push_channels',
  'idempotency',
  'outbox',
  'changes',
  'settings',
  'notices',
  'released_occurrences',
  'flagged_series',
  'booking_attendees',
  'reminders_sent',
  'mail_outbox',
  'usage_releases',
  'presence_changes',
] as const;
export type ReplicatedTable = (typeof REPLICATED_TABLES)[number];

/** This node's own tables: its capture log and its place in the leader's history. */
const LOCAL_TABLES = new Set(['replication_log', 'replication_control']);

export interface TableShape {
  name: ReplicatedTable;
  columns: readonly string[];
  /** The primary key's columns, in key order. */
  key: readonly string[];
}

interface ColumnInfo {
  name: string;
  type: string;
  pk: number;
}

export function isReplicatedTable(name: string): name is ReplicatedTable {
  return (REPLICATED_TABLES as readonly string[]).includes(name);
}

/** A name as an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The shape of every replicated table, read from the database itself. Refuses a schema the
 * row images cannot carry (a BLOB column, a table without a primary key) and a table no one
 * decided about: a migration that adds a table must list it here or among the local ones.
 */
export function tableShapes(db: Database): ReadonlyMap<ReplicatedTable, TableShape> {
  const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  for (const name of names) {
    if (!isReplicatedTable(name) && !LOCAL_TABLES.has(name)) throw new Error(`replication: table ${name} is neither replicated nor local (list it in server/replication/tables.ts)`);
  }
  const shapes = new Map<ReplicatedTable, TableShape>();
  for (const name of REPLICATED_TABLES) {
    const cols = db.prepare(`PRAGMA table_info(${ident(name)})`).all() as ColumnInfo[];
    if (cols.length === 0) throw new Error(`replication: table ${name} does not exist`);
    const blob = cols.find((c) => /BLOB/i.test(c.type));
    if (blob) throw new Error(`replication: ${name}.${blob.name} is a BLOB column; row images are JSON`);
    const key = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    if (key.length === 0) throw new Error(`replication: table ${name} has no primary key`);
    shapes.set(name, { name, columns: cols.map((c) => c.name), key });
  }
  return shapes;
}
