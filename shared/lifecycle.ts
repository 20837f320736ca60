import { SystemClock, type Clock } from './clock.js';
import type { Logger } from './logger.js';

/** What a part says about itself for `/healthz`. */
export interface PartHealth {
  ok: boolean;
  detail?: string;
}

/**
 * One piece of a process with a side-effect-free constructor: `start` opens what it needs
 * (and gives up when `signal` aborts), `stop` closes it. `health` is its own report. When
 * `start` fails halfway, `stop` is still called, so it must accept a half-started part.
 */
export interface Part {
  readonly name: string;
  start(signal: AbortSignal): Promise<void> | void;
  stop(): Promise<void> | void;
  /** Null when the part has nothing to report in this configuration. */
  health?(): PartHealth | null;
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, PartHealth>;
}

export interface LifecycleOptions {
  log: Logger;
  clock?: Clock;
  /** How long one part may take to stop before the next one is stopped anyway. */
  stopTimeoutMs?: number;
}

/** A start-up that was asked to stop before it finished. */
export class StartAborted extends Error {
  constructor(reason?: unknown) {
    super(`start-up stopped: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`);
    this.name = 'StartAborted';
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new StartAborted(signal.reason);
}

/**
 * Starts parts in order and stops the started ones in reverse. When a part fails to start,
 * it and the ones already started are stopped again (rollback) and the failure is thrown. A part that
 * does not stop within the timeout is left behind and the others still stop.
 */
export class Lifecycle {
  private readonly started: Part[] = [];
  private readonly clock: Clock;
  private stopping: Promise<boolean> | null = null;
  private up = false;

  constructor(
    private readonly parts: readonly Part[],
    private readonly opts: LifecycleOptions,
  ) {
    this.clock = opts.clock ?? new SystemClock();
  }

  get running(): boolean {
    return this.up;
  }

  async start(signal: AbortSignal = new AbortController().signal): Promise<void> {
    if (this.started.length) throw new Error('already started: stop first');
    this.stopping = null;
    try {
      for (const part of this.parts) {
        throwIfAborted(signal);
        // Listed before it starts: a part that fails halfway is stopped too, to release what it opened.
        this.started.push(part);
        await part.start(signal);
      }
      throwIfAborted(signal);
      this.up = true;
    } catch (e) {
      if (e instanceof StartAborted) this.opts.log.info({ reason: e.message }, 'start-up stopped: stopping what started');
      else this.opts.log.error({ part: this.started.at(-1)?.name ?? null, err: (e as Error).message }, 'start failed: stopping what started');
      await this.stop();
      throw e;
    }
  }

  /** Stops the started parts in reverse order; false when one failed or timed out. */
  stop(): Promise<boolean> {
    this.up = false;
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  health(): HealthReport {
    const checks: Record<string, PartHealth> = {};
    for (const part of this.parts) {
      const h = part.health?.();
      if (h) checks[part.name] = h;
    }
    return { ok: this.running && Object.values(checks).every((c) => c.ok), checks };
  }

  private async stopAll(): Promise<boolean> {
    let clean = true;
    for (let part = this.started.pop(); part; part = this.started.pop()) {
      if (!(await this.stopOne(part))) clean = false;
    }
    return clean;
  }

  private async stopOne(part: Part): Promise<boolean> {
    const ms = this.opts.stopTimeoutMs ?? 10_000;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.clock.setTimeout(() => resolve('timeout'), ms);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(() => part.stop()), timeout]);
      if (outcome === 'timeout') {
        this.opts.log.warn({ part: part.name, ms }, 'a part did not stop in time');
        return false;
      }
      return true;
    } catch (e) {
      this.opts.log.warn({ part: part.name, err: (e as Error).message }, 'a part did not stop cleanly');
      return false;
    } finally {
      this.clock.clearTimeout(timer);
    }
  }
}

/** The bits of `process` a long-running command uses, injected so a test can send the signals. */
export interface ProcessSignals {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface RunOptions extends LifecycleOptions {
  parts: readonly Part[];
  signals?: ProcessSignals;
  /** Told once every part has started (systemd's READY=1). */
  ready?: () => Promise<void> | void;
  /** Told when a stop begins (systemd's STOPPING=1). */
  stopping?: () => Promise<void> | void;
}

/**
 * Runs a long-lived process: SIGINT/SIGTERM handlers go in before anything starts (a signal
 * during start-up aborts it), then the parts start in order, then it waits for a signal and
 * stops them. Resolves with the exit code: 0 after a clean stop, 1 when start-up failed or a
 * part did not stop cleanly.
 */
export async function runParts(opts: RunOptions): Promise<number> {
  const signals = opts.signals ?? process;
  const lifecycle = new Lifecycle(opts.parts, opts);
  const abort = new AbortController();
  let onSignal: () => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => {
    onSignal = () => resolve('signal');
  });
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const h = (): void => {
      opts.log.info({ signal: sig }, 'stopping');
      abort.abort(new Error(sig));
      onSignal();
    };
    signals.once(sig, h);
    return [sig, h] as const;
  });
  try {
    try {
      await lifecycle.start(abort.signal);
    } catch (e) {
      if (e instanceof StartAborted || abort.signal.aborted) return 0;
      opts.log.error({ err: (e as Error).message }, 'could not start');
      return 1;
    }
    await opts.ready?.();
    await stopRequested;
    await opts.stopping?.();
    return (await lifecycle.stop()) ? 0 : 1;
  } finally {
    for (const [sig, h] of handlers) signals.off(sig, h);
  }
}
