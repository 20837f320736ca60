import type { Clock } from '../../shared/clock.js';
import { SseConnection, type SseConnectionOptions, type SseSink } from './sse-connection.js';

export interface StreamHubOptions {
  clock: Clock;
  heartbeatMs: number;
}

/**
 * Every open event stream of the server (admin and kiosk), so that a token rotation re-checks
 * them at once and a stop ends them: an open stream would otherwise keep the HTTP server from
 * closing.
 */
export class StreamHub {
  private readonly open = new Set<SseConnection>();
  private stopped = false;

  constructor(private readonly opts: StreamHubOptions) {}

  get size(): number {
    return this.open.size;
  }

  /** Opens a stream on `sink`; it leaves the hub by itself when it closes. */
  connect(sink: SseSink, opts: Pick<SseConnectionOptions, 'stillAllowed'> = {}): SseConnection {
    const conn = new SseConnection(sink, { clock: this.opts.clock, heartbeatMs: this.opts.heartbeatMs, ...opts });
    conn.onClose(() => this.open.delete(conn));
    conn.open();
    if (this.stopped) conn.end('server', { reason: 'shutdown' });
    else this.open.add(conn);
    return conn;
  }

  recheckAll(): void {
    for (const c of [...this.open]) c.recheck();
  }

  stop(): void {
    this.stopped = true;
    for (const c of [...this.open]) c.end('server', { reason: 'shutdown', message: 'the server is stopping' });
  }
}
