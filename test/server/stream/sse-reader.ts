/**
 * A small Server-Sent Events reader over fetch's body stream, for tests: it parses the wire
 * format itself (so the tests check what a browser's EventSource would see) and hands out
 * events and comments in order.
 */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

type Item = { kind: 'event'; msg: SseMessage } | { kind: 'comment'; text: string } | { kind: 'end' };

export class SseReader {
  private readonly items: Item[] = [];
  private waiter: (() => void) | null = null;
  private buffer = '';
  private pending: { id?: string; event?: string; data: string[] } = { data: [] };
  private lastId: string | undefined;
  ended = false;
  /** The body of a refused (non-200) answer. */
  body: string | undefined;

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly abort: AbortController,
  ) {}

  /** Opens the stream; a non-200 answer is returned with its body and no reader loop. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    const reader = new SseReader(res.status, res.headers, abort);
    if (res.status !== 200 || !res.body) {
      reader.body = await res.text();
      reader.ended = true;
      return reader;
    }
    void reader.pump(res.body);
    return reader;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) this.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // Aborted by close(), or the server reset the connection: both end the stream.
    }
    this.ended = true;
    this.push({ kind: 'end' });
  }

  private feed(text: string): void {
    this.buffer += text;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.pending.data.length > 0) {
        if (this.pending.id !== undefined) this.lastId = this.pending.id;
        this.push({ kind: 'event', msg: { id: this.pending.id ?? this.lastId, event: this.pending.event ?? 'message', data: this.pending.data.join('\n') } });
      }
      this.pending = { data: [] };
      return;
    }
    if (line.startsWith(':')) {
      this.push({ kind: 'comment', text: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.pending.data.push(value);
    else if (field === 'event') this.pending.event = value;
    else if (field === 'id') this.pending.id = value;
  }

  private push(item: Item): void {
    this.items.push(item);
    this.waiter?.();
  }

  private async take(accept: (i: Item) => boolean, what: string, timeoutMs: number): Promise<Item> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idx = this.items.findIndex((i) => accept(i) || i.kind === 'end');
      if (idx >= 0) {
        const [item] = this.items.splice(idx, 1);
        if (item && item.kind !== 'end') return item;
        this.items.unshift({ kind: 'end' });
        throw new Error(`the stream ended while waiting for ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = null;
          resolve();
        };
      });
    }
  }

  /** The next event (comments skipped and kept for nextComment). */
  async next(what = 'an event', timeoutMs = 10_000): Promise<SseMessage> {
    const item = await this.take((i) => i.kind === 'event', what, timeoutMs);
    return (item as { msg: SseMessage }).msg;
  }

  /** The next event with its data parsed as JSON. */
  async nextJson<T = Record<string, unknown>>(what = 'an event', timeoutMs = 10_000): Promise<{ id: string | undefined; event: string; data: T }> {
    const m = await this.next(what, timeoutMs);
    return { id: m.id, event: m.event, data: JSON.parse(m.data) as T };
  }

  async nextComment(what = 'a comment', timeoutMs = 10_000): Promise<string> {
    const item = await this.take((i) => i.kind === 'comment', what, timeoutMs);
    return (item as { text: string }).text;
  }

  /** Resolves when the server ended the stream (events before the end stay readable). */
  async waitEnd(what = 'the end of the stream', timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Events received and not taken yet (for "nothing else arrived" checks). */
  queuedEvents(): SseMessage[] {
    return this.items.flatMap((i) => (i.kind === 'event' ? [i.msg] : []));
  }

  close(): void {
    this.abort.abort();
  }
}
