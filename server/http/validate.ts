import type * as z from 'zod';
import { DoorplateError } from '../../shared/errors.js';

/** Parses a request part with a schema; the error names each field as `where.path: message`. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const msg = r.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
  throw new DoorplateError('VALIDATION', msg);
}
