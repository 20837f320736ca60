import { ProviderRequestError } from '../../sync/provider-error.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** A longer answer is refused (BodyTooLargeError) without reading the rest. */
  maxBytes: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export type HttpFetch = (req: HttpRequest) => Promise<HttpAnswer>;

/** The answer was longer than allowed; only the first `maxBytes` were read. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly maxBytes: number,
    readonly declared: number | null,
  ) {
    super(`the answer is larger than the limit of ${maxBytes} bytes${declared !== null ? ` (${declared} bytes declared)` : ''}`);
    this.name = 'BodyTooLargeError';
  }
}

/** Where a URL points, without its path or query (published links carry their secret there). */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * One HTTP exchange with a calendar server. No answer at all (refused, reset, timed out) is a
 * ProviderRequestError without status, which the request runner retries; the body is read
 * only up to the limit.
 */
export const httpFetch: HttpFetch = async (req) => {
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'follow', signal: AbortSignal.timeout(req.timeoutMs) });
  } catch (e) {
    throw new ProviderRequestError(null, null, `${req.method} ${safeOrigin(req.url)}: ${(e as Error).message}`);
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > req.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(req.maxBytes, declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > req.maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new BodyTooLargeError(req.maxBytes, null);
        }
        chunks.push(value);
      }
    } catch (e) {
      if (e instanceof BodyTooLargeError) throw e;
      throw new ProviderRequestError(null, null, `${req.method} ${safeOrigin(req.url)}: ${(e as Error).message}`);
    }
  }
  return { status: res.status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
};
