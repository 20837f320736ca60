import type { ReplicaPosition } from '../../shared/fleet/heartbeat.js';
import type { Database } from '../store/database.js';
import { ident, REPLICATED_TABLES, tableShapes, type ReplicatedTable, type TableShape } from './tables.js';

/** One captured change: the row as it is after the change (before it, for a delete). */
export interface LogEntry {
  seq: number;
  tbl: ReplicatedTable;
  op: 'insert' | 'update' | 'delete';
  row: Record<string, string | number | null>;
  /** For an update: the primary key the row had before it. */
  key?: Record<string, string | number | null>;
}

/** Every replicated row at one point of the history: the log's head `upTo`. */
export interface Snapshot {
  storeId: string;
  upTo: number;
  rows: Array<{ tbl: ReplicatedTable; row: Record<string, string | number | null> }>;
}

function jsonImage(columns: readonly string[], of: 'NEW' | 'OLD'): string {
  return `json_object(${columns.map((c) => `'${c.replace(/'/g, "''")}', ${of}.${ident(c)}`).join(', ')})`;
}

function triggersFor(shape: TableShape): string {
  const t = ident(shape.name);
  const silent = 'WHEN (SELECT applying FROM replication_control WHERE id = 1) = 0';
  const log = (op: string, row: string, key: string): string =>
    `INSERT INTO replication_log (tbl, op, row_json, key_json) VALUES ('${shape.name}', '${op}', ${row}, ${key});`;
  return `
DROP TRIGGER IF EXISTS ${ident(`repl_${shape.name}_insert`)};
DROP TRIGGER IF EXISTS ${ident(`repl_${shape.name}_update`)};
DROP TRIGGER IF EXISTS ${ident(`repl_${shape.name}_delete`)};
CREATE TRIGGER ${ident(`repl_${shape.name}_insert`)} AFTER INSERT ON ${t} ${silent}
BEGIN ${log('insert', jsonImage(shape.columns, 'NEW'), 'NULL')} END;
CREATE TRIGGER ${ident(`repl_${shape.name}_update`)} AFTER UPDATE ON ${t} ${silent}
BEGIN ${log('update', jsonImage(shape.columns, 'NEW'), jsonImage(shape.key, 'OLD'))} END;
CREATE TRIGGER ${ident(`repl_${shape.name}_delete`)} AFTER DELETE ON ${t} ${silent}
BEGIN ${log('delete', jsonImage(shape.columns, 'OLD'), 'NULL')} END;
`;
}

/**
 * Makes (again) the triggers that capture every change of the replicated tables into
 * `replication_log`, inside the writing transaction, so the log holds exactly the committed
 * changes in commit order. Made at each open from the tables' current columns: a migration
 * that adds a column is captured without anyone editing a trigger.
 */
/** Drops every change-capture trigger (before migrations; installCapture makes them again). */
export function dropCapture(db: Database): void {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'repl\\_%' ESCAPE '\\'").pluck().all() as string[];
  db.transaction(() => {
    for (const name of names) db.exec(`DROP TRIGGER IF EXISTS ${ident(name)}`);
  })();
}

export function installCapture(db: Database): void {
  db.transaction(() => {
    for (const shape of tableShapes(db).values()) db.exec(triggersFor(shape));
  })();
}

interface LogRow {
  seq: number;
  tbl: ReplicatedTable;
  op: LogEntry['op'];
  row_json: string;
  key_json: string | null;
}

/** The leader's side of the log: what was captured, and the whole state at once. */
export class ReplicationLog {
  constructor(private readonly db: Database) {}

  /** The id of this store's history (changes when the store takes another's state). */
  storeId(): string {
    return this.db.prepare('SELECT store_id FROM replication_control WHERE id = 1').pluck().get() as string;
  }

  /** The last seq ever captured (pruning does not lower it). */
  head(): number {
    const seq = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'replication_log'").pluck().get() as number | undefined;
    return seq ?? 0;
  }

  /** The oldest seq still in the log; null when the log is empty. */
  oldest(): number | null {
    return (this.db.prepare('SELECT min(seq) FROM replication_log').pluck().get() as number | null) ?? null;
  }

  /** Whether a reader that applied everything up to `seq` can go on from the log alone. */
  reaches(seq: number): boolean {
    const head = this.head();
    if (seq > head || seq < 0) return false;
    if (seq === head) return true;
    const oldest = this.oldest();
    return oldest !== null && oldest <= seq + 1;
  }

  /** The entries after `seq`, in order, up to `limit` of them or about `maxBytes` of row images. */
  after(seq: number, limit: number, maxBytes: number): LogEntry[] {
    const rows = this.db.prepare('SELECT seq, tbl, op, row_json, key_json FROM replication_log WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as LogRow[];
    const out: LogEntry[] = [];
    let bytes = 0;
    for (const r of rows) {
      bytes += r.row_json.length + (r.key_json?.length ?? 0);
      if (out.length > 0 && bytes > maxBytes) break;
      const entry: LogEntry = { seq: r.seq, tbl: r.tbl, op: r.op, row: JSON.parse(r.row_json) as LogEntry['row'] };
      if (r.key_json !== null) entry.key = JSON.parse(r.key_json) as LogEntry['row'];
      out.push(entry);
    }
    return out;
  }

  /** Keeps the newest `keep` entries. */
  prune(keep: number): number {
    return this.db.prepare('DELETE FROM replication_log WHERE seq <= ?').run(this.head() - keep).changes;
  }

  /** Every replicated row and the head they correspond to, read in one transaction. */
  snapshot(): Snapshot {
    return this.db.transaction(() => {
      const rows: Snapshot['rows'] = [];
      for (const tbl of REPLICATED_TABLES) {
        for (const row of this.db.prepare(`SELECT * FROM ${ident(tbl)}`).all() as Array<Record<string, string | number | null>>) rows.push({ tbl, row });
      }
      return { storeId: this.storeId(), upTo: this.head(), rows };
    })();
  }

  /** How far this store has applied a leader's history; null when it never did or has led since. */
  cursor(): { storeId: string; seq: number } | null {
    const r = this.db.prepare('SELECT leader_store_id AS storeId, leader_seq AS seq FROM replication_control WHERE id = 1').get() as { storeId: string | null; seq: number | null };
    return r.storeId !== null && r.seq !== null ? { storeId: r.storeId, seq: r.seq } : null;
  }

  /**
   * Called when this store starts to serve: its history now departs from the leader's it
   * followed, so when it follows again it must start from a snapshot. `epoch` is the fleet
   * epoch it serves under (null outside a fleet): from now on its position is its own head.
   */
  forgetCursor(epoch: number | null = null): void {
    this.db.prepare('UPDATE replication_control SET leader_store_id = NULL, leader_seq = NULL, history_epoch = ? WHERE id = 1').run(epoch);
  }

  /**
   * How far this store got, for the election: the epoch of the history it holds and the last
   * seq of that history in it (the cursor of a standby, the head of a store that served).
   * Null when no epoch is known (it never followed or served in a fleet).
   */
  position(): ReplicaPosition | null {
    const r = this.db.prepare('SELECT leader_store_id AS storeId, leader_seq AS seq, history_epoch AS epoch FROM replication_control WHERE id = 1').get() as {
      storeId: string | null;
      seq: number | null;
      epoch: number | null;
    };
    if (r.epoch === null) return null;
    if (r.storeId !== null && r.seq !== null) return { epoch: r.epoch, seq: r.seq };
    return { epoch: r.epoch, seq: this.head() };
  }
}
