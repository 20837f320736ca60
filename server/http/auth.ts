import type { FastifyReply, FastifyRequest } from 'fastify';
import { DoorplateError } from '../../shared/errors.js';

export interface TokenCheck {
  /** True when the presented token hashes to the admin token's hash (constant time). */
  verify(token: string): boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route also takes the admin token as `?access_token=`: only the event streams, since
     * a browser's EventSource cannot set headers. Everywhere else a token in a URL is refused.
     */
    tokenInQuery?: boolean;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(req: FastifyRequest): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '');
}

function queryToken(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  return typeof q === 'string' ? q : undefined;
}

/** The token the request came with: the Authorization header, or `access_token` where the route takes it. */
export function presentedToken(req: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (m?.[1]) return m[1];
  return req.routeOptions.config.tokenInQuery ? queryToken(req) : undefined;
}

/**
 * The admin guard, installed once as an `onRequest` hook on the admin API's scope (and by the
 * demo's own routes off loopback). The token never appears in a log or an answer.
 */
export function requireAdmin(tokens: TokenCheck) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (queryToken(req) !== undefined && !req.routeOptions.config.tokenInQuery) {
      throw new DoorplateError('UNAUTHORIZED', 'access_token is taken only by the event streams: send the token as "Authorization: Bearer"');
    }
    const token = presentedToken(req);
    if (!token || !tokens.verify(token)) throw new DoorplateError('UNAUTHORIZED');
  };
}
