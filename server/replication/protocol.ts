import * as z from 'zod';
import { REPLICATED_TABLES } from './tables.js';

/**
 * The replication messages, JSON on the replication topics (shared/api/topics.ts). The
 * exchange is stop-and-wait: the leader sends one feed message, the standby applies it and
 * acks, then the next is sent, so a standby is never flooded and a lost message only costs a
 * new hello.
 *
 * - hello (standby): where it stands in which leader history; sent on connect and repeated
 *   until the feed answers.
 * - feed `entries` (leader): the log after `after`, to apply in one transaction.
 * - feed `chunk` (leader): part `index` of `count` of a snapshot at `upTo`; applied when all are in.
 * - ack (standby): `seq` applied (also after the last chunk), or one chunk received.
 */
const StoreId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits');
const Seq = z.number().int().min(0);
const Value = z.union([z.string(), z.number(), z.null()]);
const Row = z.record(z.string(), Value);
const Table = z.enum(REPLICATED_TABLES);

export const HelloSchema = z.strictObject({ storeId: StoreId.nullable(), seq: Seq });
export type Hello = z.infer<typeof HelloSchema>;

export const AckSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('seq'), storeId: StoreId, seq: Seq }),
  z.strictObject({ kind: z.literal('chunk'), snapshotId: z.string().min(1).max(64), index: Seq }),
]);
export type Ack = z.infer<typeof AckSchema>;

export const EntrySchema = z.strictObject({
  seq: z.number().int().min(1),
  tbl: Table,
  op: z.enum(['insert', 'update', 'delete']),
  row: Row,
  key: Row.optional(),
});

export const EntriesSchema = z.strictObject({ kind: z.literal('entries'), storeId: StoreId, after: Seq, entries: z.array(EntrySchema).min(1) });
export type EntriesMessage = z.infer<typeof EntriesSchema>;

export const ChunkSchema = z.strictObject({
  kind: z.literal('chunk'),
  storeId: StoreId,
  snapshotId: z.string().min(1).max(64),
  index: Seq,
  count: z.number().int().min(1),
  upTo: Seq,
  rows: z.array(z.strictObject({ tbl: Table, row: Row })),
});
export type ChunkMessage = z.infer<typeof ChunkSchema>;

export const FeedSchema = z.discriminatedUnion('kind', [EntriesSchema, ChunkSchema]);
export type FeedMessage = z.infer<typeof FeedSchema>;

export class ReplicationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicationError';
  }
}

/** Parses and validates one message; a refusal says `path: message` for every problem. */
export function decode<S extends z.ZodType>(schema: S, raw: Buffer | string, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (e) {
    throw new ReplicationError(`${what}: not JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ReplicationError(parsed.error.issues.map((i) => `${[what, ...i.path.map(String)].join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data as z.infer<S>;
}
