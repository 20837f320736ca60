import type { Clock } from '../../shared/clock.js';
import { SseConnection, type SseConnectionOptions, type SseSink } from './sse-connection.js';

/** Who a stream is for: the admin live stream, or a room's public kiosk page. */
export type StreamKind = 'admin' | 'kiosk';

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
  private readonly open = new Map<SseConnection, StreamKind>();
  private stopped = false;

  constructor(private readonly opts: StreamHubOptions) {}

  get size(): number {
    return this.open.size;
  }

  /** Open streams of each kind (for /metrics). */
  counts(): Record<StreamKind, number> {
    const out: Record<StreamKind, number> = { admin: 0, kiosk: 0 };
    for (const kind of this.open.values()) out[kind]++;
    return out;
  }

  /** Opens a stream on `sink`; it leaves the hub by itself when it closes. */
  connect(sink: SseSink, opts: Pick<SseConnectionOptions, 'stillAllowed'> & { kind?: StreamKind } = {}): SseConnection {
    const { kind = 'admin', ...rest } = opts;
    const conn = new SseConnection(sink, { clock: this.opts.clock, heartbeatMs: this.opts.heartbeatMs, ...rest });
    conn.onClose(() => this.open.delete(conn));
    conn.open();
    if (this.stopped) conn.end('server', { reason: 'shutdown' });
    else this.open.set(conn, kind);
    return conn;
  }

  recheckAll(): void {
    for (const c of [...this.open.keys()]) c.recheck();
  }

  stop(): void {
    this.stopped = true;
    for (const c of [...this.open.keys()]) c.end('server', { reason: 'shutdown', message: 'the server is stopping' });
  }
}
