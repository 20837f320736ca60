import type { Clock, TimerHandle } from '../../shared/clock.js';
import { formatComment, formatEvent, formatRetry, type SseEvent } from './sse-format.js';

/**
 * What an SSE connection writes to: node's HTTP/1 ServerResponse and the HTTP/2 compatibility
 * Http2ServerResponse both fit.
 */
export interface SseSink {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
  readonly writableEnded: boolean;
}

export interface SseConnectionOptions {
  clock: Clock;
  heartbeatMs: number;
  /** Asked before every event and heartbeat; false ends the connection (a revoked token). */
  stillAllowed?: () => boolean;
  /** How many bytes may wait for a slow client before it is dropped (it resumes by id). */
  maxBufferedBytes?: number;
  /** How long EventSource should wait before reconnecting. */
  retryMs?: number;
}

export type CloseReason = 'client' | 'unauthorized' | 'slow' | 'server';

const DEFAULT_MAX_BUFFERED = 1024 * 1024;

/**
 * One open event stream: headers, events, heartbeats on the clock, and a clean end. Closing is
 * idempotent and tells the owner why once, whoever closed it.
 */
export class SseConnection {
  private heartbeat: TimerHandle | null = null;
  private closed = false;
  private blockedBytes = 0;
  private blocked = false;
  private readonly closeListeners: Array<(why: CloseReason) => void> = [];
  private readonly onClientClose = (): void => this.close('client');
  private readonly onDrain = (): void => {
    this.blocked = false;
    this.blockedBytes = 0;
  };

  constructor(
    private readonly sink: SseSink,
    private readonly opts: SseConnectionOptions,
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(listener: (why: CloseReason) => void): void {
    this.closeListeners.push(listener);
  }

  /** Sends the headers and starts the heartbeat. */
  open(): void {
    this.sink.on('close', this.onClientClose);
    this.sink.on('drain', this.onDrain);
    // No Connection header: HTTP/2 forbids it and HTTP/1.1 keeps the connection anyway.
    this.sink.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Reverse proxies (nginx) would otherwise hold events back in their buffer.
      'x-accel-buffering': 'no',
    });
    this.raw(formatRetry(this.opts.retryMs ?? 3000));
    this.arm();
  }

  /** Writes one event; false when the connection is (now) closed. */
  send(event: SseEvent): boolean {
    if (!this.allowed()) return false;
    return this.raw(formatEvent(event));
  }

  /** Ends the stream with a last event saying why, so a client can tell it from a network drop. */
  end(why: CloseReason, data?: unknown): void {
    if (this.closed) return;
    if (data !== undefined) this.raw(formatEvent({ event: 'end', data }));
    this.close(why);
  }

  close(why: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.clock.clearTimeout(this.heartbeat);
    this.heartbeat = null;
    this.sink.off('close', this.onClientClose);
    this.sink.off('drain', this.onDrain);
    if (!this.sink.writableEnded) this.sink.end();
    for (const l of this.closeListeners) l(why);
  }

  /** Re-asks `stillAllowed` now (after a token rotation) instead of at the next heartbeat. */
  recheck(): boolean {
    return this.allowed();
  }

  private allowed(): boolean {
    if (this.closed) return false;
    if (this.opts.stillAllowed && !this.opts.stillAllowed()) {
      this.end('unauthorized', { reason: 'unauthorized', message: 'the token is no longer valid' });
      return false;
    }
    return true;
  }

  private raw(chunk: string): boolean {
    if (this.closed) return false;
    const flushed = this.sink.write(chunk);
    if (this.blocked) this.blockedBytes += Buffer.byteLength(chunk);
    if (!flushed) this.blocked = true;
    if (this.blockedBytes > (this.opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED)) {
      this.close('slow');
      return false;
    }
    return true;
  }

  private arm(): void {
    this.heartbeat = this.opts.clock.setTimeout(() => {
      this.heartbeat = null;
      if (!this.allowed()) return;
      this.raw(formatComment(`heartbeat ${new Date(this.opts.clock.now()).toISOString()}`));
      if (!this.closed) this.arm();
    }, this.opts.heartbeatMs);
  }
}
