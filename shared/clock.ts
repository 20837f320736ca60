/**
 * Time is a dependency: every part that reads the time or waits takes a Clock, so that tests
 * drive a simulated day in milliseconds with FakeClock.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined | null): void;
}

/** Node's own timers; delays past the 32-bit limit are chained so a far boundary still fires. */
export class SystemClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const due = Date.now() + Math.max(0, ms);
    const arm = (): void => {
      const left = due - Date.now();
      const t = setTimeout(
        () => {
          if (due - Date.now() > 0) return arm();
          this.timers.delete(id);
          fn();
        },
        Math.min(Math.max(0, left), 2_000_000_000),
      );
      t.unref?.();
      this.timers.set(id, t);
    };
    arm();
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined | null): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }
}

interface FakeTimer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire in due order, ties in creation order. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start: number | Date | string = '2026-03-02T08:00:00Z') {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, due: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined | null): void {
    if (!handle) return;
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** How many timers are waiting; tests use it to prove a part arms exactly one timer. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing each due timer at its own instant. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.popDue(target);
      if (!next) break;
      this.current = next.due;
      next.fn();
    }
    this.current = target;
  }

  /** Like advance, but lets promises settle after each timer (for async parts). */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flush();
      const next = this.popDue(target);
      if (!next) break;
      this.current = next.due;
      next.fn();
    }
    this.current = target;
    await flush();
  }

  set(to: number | Date | string): void {
    const t = typeof to === 'number' ? to : new Date(to).getTime();
    if (t < this.current) throw new Error('FakeClock cannot go backwards');
    this.advance(t - this.current);
  }

  private popDue(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    if (best) this.timers = this.timers.filter((t) => t !== best);
    return best;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Sleeps on the given clock; rejects when the signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const h = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clock.clearTimeout(h);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
