import { randomBytes } from 'node:crypto';
import type { Database } from '../store/database.js';
import type { ChunkMessage, EntriesMessage } from './protocol.js';
import { ReplicationError } from './protocol.js';
import { ident, REPLICATED_TABLES, tableShapes, type ReplicatedTable, type TableShape } from './tables.js';

type Row = Record<string, string | number | null>;

interface Statements {
  upsert: (row: Row) => void;
  update: (row: Row, key: Row) => number;
  remove: (key: Row) => void;
}

/**
 * A standby's side: applies the leader's history to this store. Each batch is one transaction
 * that also records how far it got, so a crash leaves the store at a batch boundary and the
 * standby resumes from there. While it applies, this store's own capture stays silent: the
 * changes are the leader's, not new ones.
 */
export class ReplicaApplier {
  private readonly shapes: ReadonlyMap<ReplicatedTable, TableShape>;
  private readonly statements = new Map<ReplicatedTable, Statements>();

  constructor(private readonly db: Database) {
    this.shapes = tableShapes(db);
    for (const shape of this.shapes.values()) this.statements.set(shape.name, this.prepare(shape));
  }

  /**
   * Applies the entries after `after` of history `storeId`; refuses a batch that does not follow
   * on. `epoch` is the fleet epoch of the leader they came from (null when unknown), recorded in
   * the same transaction so the store's position never names a seq of another history.
   */
  applyEntries(msg: EntriesMessage, epoch: number | null = null): number {
    this.check(msg.entries.map((e, i) => ({ path: `entries.${i}`, tbl: e.tbl, row: e.row, key: e.key })));
    let last = msg.after;
    msg.entries.forEach((e, i) => {
      if (e.seq <= last) throw new ReplicationError(`entries.${i}.seq: ${e.seq} does not follow ${last}`);
      last = e.seq;
    });
    this.inApply(() => {
      const cursor = this.db.prepare('SELECT leader_store_id AS storeId, leader_seq AS seq FROM replication_control WHERE id = 1').get() as { storeId: string | null; seq: number | null };
      if (cursor.storeId !== msg.storeId || cursor.seq !== msg.after) {
        throw new ReplicationError(`after: the batch follows ${msg.storeId}@${msg.after} but this store is at ${cursor.storeId ?? 'nothing'}@${cursor.seq ?? 0}`);
      }
      for (const e of msg.entries) {
        const s = this.statements.get(e.tbl) as Statements;
        if (e.op === 'delete') s.remove(e.row);
        else if (e.op === 'update' && e.key !== undefined) {
          if (s.update(e.row, e.key) === 0) s.upsert(e.row);
        } else s.upsert(e.row);
      }
      this.db.prepare('UPDATE replication_control SET leader_seq = ?, history_epoch = ? WHERE id = 1').run(last, epoch);
    });
    return last;
  }

  /**
   * Replaces every replicated table with a snapshot's rows, in one transaction. The store's own
   * history ends here: its log is emptied and it gets a new store id, so no standby of its own
   * could ever resume from what it held before. `epoch` as for applyEntries.
   */
  applySnapshot(chunks: readonly ChunkMessage[], epoch: number | null = null): void {
    const first = chunks[0];
    if (first === undefined) throw new ReplicationError('chunks: none');
    chunks.forEach((c, i) => {
      if (c.index !== i || c.count !== chunks.length || c.snapshotId !== first.snapshotId || c.storeId !== first.storeId || c.upTo !== first.upTo) {
        throw new ReplicationError(`chunks.${i}: not part ${i} of ${chunks.length} of snapshot ${first.snapshotId}`);
      }
    });
    this.check(chunks.flatMap((c, ci) => c.rows.map((r, i) => ({ path: `chunks.${ci}.rows.${i}`, tbl: r.tbl, row: r.row }))));
    this.inApply(() => {
      this.db.pragma('defer_foreign_keys = ON');
      for (const tbl of [...REPLICATED_TABLES].reverse()) this.db.prepare(`DELETE FROM ${ident(tbl)}`).run();
      const byTable = new Map<ReplicatedTable, Row[]>();
      for (const c of chunks) {
        for (const r of c.rows) {
          const list = byTable.get(r.tbl);
          if (list) list.push(r.row);
          else byTable.set(r.tbl, [r.row]);
        }
      }
      for (const tbl of REPLICATED_TABLES) for (const row of byTable.get(tbl) ?? []) (this.statements.get(tbl) as Statements).upsert(row);
      this.db.prepare('DELETE FROM replication_log').run();
      this.db
        .prepare('UPDATE replication_control SET store_id = ?, leader_store_id = ?, leader_seq = ?, history_epoch = ? WHERE id = 1')
        .run(randomBytes(16).toString('hex'), first.storeId, first.upTo, epoch);
    });
  }

  /** Every row names exactly its table's columns (and a key exactly its key's). */
  private check(rows: Array<{ path: string; tbl: ReplicatedTable; row: Row; key?: Row | undefined }>): void {
    for (const r of rows) {
      const shape = this.shapes.get(r.tbl) as TableShape;
      this.exactly(`${r.path}.row`, r.row, shape.columns, r.tbl);
      if (r.key !== undefined) this.exactly(`${r.path}.key`, r.key, shape.key, r.tbl);
    }
  }

  private exactly(path: string, row: Row, columns: readonly string[], tbl: string): void {
    const unknown = Object.keys(row).find((k) => !columns.includes(k));
    if (unknown !== undefined) throw new ReplicationError(`${path}: ${tbl} has no column ${unknown}`);
    const missing = columns.find((c) => !Object.hasOwn(row, c));
    if (missing !== undefined) throw new ReplicationError(`${path}: column ${missing} of ${tbl} is missing`);
  }

  private inApply(fn: () => void): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE replication_control SET applying = 1 WHERE id = 1').run();
      fn();
      this.db.prepare('UPDATE replication_control SET applying = 0 WHERE id = 1').run();
    })();
  }

  private prepare(shape: TableShape): Statements {
    const t = ident(shape.name);
    const cols = shape.columns;
    const keyWhere = shape.key.map((k) => `${ident(k)} = ?`).join(' AND ');
    const nonKey = cols.filter((c) => !shape.key.includes(c));
    const onConflict = nonKey.length > 0 ? `DO UPDATE SET ${nonKey.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}` : 'DO NOTHING';
    const upsert = this.db.prepare(`INSERT INTO ${t} (${cols.map(ident).join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (${shape.key.map(ident).join(', ')}) ${onConflict}`);
    const update = this.db.prepare(`UPDATE ${t} SET ${cols.map((c) => `${ident(c)} = ?`).join(', ')} WHERE ${keyWhere}`);
    const remove = this.db.prepare(`DELETE FROM ${t} WHERE ${keyWhere}`);
    return {
      upsert: (row) => void upsert.run(...cols.map((c) => row[c] ?? null)),
      update: (row, key) => update.run(...cols.map((c) => row[c] ?? null), ...shape.key.map((k) => key[k] ?? null)).changes,
      remove: (row) => void remove.run(...shape.key.map((k) => row[k] ?? null)),
    };
  }
}
