/**
 * One schema step. Migrations are never edited once released: a change to the schema is a new
 * migration with the next version, so every database in the field reaches the same schema.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL run inside the migration's transaction. */
  readonly up: string;
}
