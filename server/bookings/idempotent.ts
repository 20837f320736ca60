import { createHash } from 'node:crypto';
import { DoorplateError, ERRORS, type ErrorCode } from '../../shared/errors.js';

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

export interface StoredAnswer {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

export interface IdempotencyLog {
  get(scope: string, key: string): StoredAnswer | undefined;
  put(scope: string, key: string, answer: StoredAnswer): void;
}

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

/**
 * Runs `fn` once per (scope, key): a retry gets the first answer, errors included, so that a
 * client that lost the first response can retry safely. The same key with another request is
 * refused rather than silently answered with someone else's result.
 */
export async function once<T>(
  log: IdempotencyLog,
  scope: string,
  key: string | undefined,
  body: unknown,
  fn: () => Promise<{ statusCode: number; response: T }>,
): Promise<{ statusCode: number; response: T; replayed: boolean }> {
  if (!key) return { ...(await fn()), replayed: false };
  const hash = requestHash(body);
  const seen = log.get(scope, key);
  if (seen) {
    if (seen.requestHash !== hash) throw new DoorplateError('IDEMPOTENCY_MISMATCH');
    const refused = (seen.response as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    if (seen.statusCode >= 400 && refused?.code && isErrorCode(refused.code)) {
      throw new DoorplateError(refused.code, refused.message, refused.details);
    }
    return { statusCode: seen.statusCode, response: seen.response as T, replayed: true };
  }
  let answer: { statusCode: number; response: T };
  try {
    answer = await fn();
  } catch (e) {
    if (!(e instanceof DoorplateError)) throw e;
    // A refusal is an answer too: the same request must get the same refusal.
    log.put(scope, key, { requestHash: hash, statusCode: e.status, response: { error: e.toJSON() } });
    throw e;
  }
  log.put(scope, key, { requestHash: hash, statusCode: answer.statusCode, response: answer.response });
  return { ...answer, replayed: false };
}
