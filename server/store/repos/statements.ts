import type { Statement } from 'better-sqlite3';
import type { Database } from '../database.js';

/**
 * A repo's statements, each prepared once, on first use: the broker asks about devices on every
 * connect and every room change reads the room's events and appends to the change log, so a
 * statement compiled per call would cost more than the query. A text is always used the same
 * way (plucked or not), as a statement keeps that mode.
 */
export class Statements {
  private readonly prepared = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  sql(text: string): Statement {
    let st = this.prepared.get(text);
    if (st === undefined) {
      st = this.db.prepare(text);
      this.prepared.set(text, st);
    }
    return st;
  }
}
