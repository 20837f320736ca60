import type { FastifyReply, FastifyRequest } from 'fastify';
import { DoorplateError } from '../../shared/errors.js';

export interface TokenCheck {
  /** True when the presented token hashes to the admin token's hash (constant time). */
  verify(token: string): boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(req: FastifyRequest): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '');
}

/** Bearer-token guard for admin routes; the token never appears in a log or an answer. */
export function requireAdmin(tokens: TokenCheck) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const fromQuery = (req.query as Record<string, unknown> | undefined)?.access_token;
    // EventSource cannot set headers: the stream also takes the token as a query parameter.
    const token = m?.[1] ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
    if (!token || !tokens.verify(token)) throw new DoorplateError('UNAUTHORIZED');
  };
}
