import type { Clock, TimerHandle } from '../shared/clock.js';

/**
 * Readiness and watchdog for units with `Type=notify`. Node has no unix datagram sockets,
 * so the messages go through the `systemd-notify` tool (the unit sets `NotifyAccess=all`,
 * since the sender is a child process). Without NOTIFY_SOCKET (not under systemd) every call
 * is a no-op.
 */
export interface SystemdNotifier {
  /** True when running under a unit that listens for notifications. */
  readonly enabled: boolean;
  /** How often to pet the watchdog: half of WatchdogSec, or undefined when there is none. */
  readonly watchdogIntervalMs: number | undefined;
  ready(status?: string): Promise<void>;
  stopping(): Promise<void>;
  status(text: string): Promise<void>;
  watchdog(): Promise<void>;
  /** Pets the watchdog every `watchdogIntervalMs` until `stop()`; nothing when there is no watchdog. */
  start(): void;
  stop(): void;
}

/** Runs `systemd-notify` with the given arguments and resolves with its exit code. */
export type NotifySpawn = (command: string, args: readonly string[]) => Promise<number>;

export interface NotifierDeps {
  readonly spawn: NotifySpawn;
  readonly clock: Clock;
  readonly env?: NodeJS.ProcessEnv;
  /** The main process id sent as MAINPID, so systemd ties the messages to the service. */
  readonly pid?: number;
  /** Told when systemd-notify fails; the service keeps running (the watchdog will notice). */
  readonly onError?: (error: Error) => void;
}

export function createSystemdNotifier(deps: NotifierDeps): SystemdNotifier {
  const env = deps.env ?? process.env;
  const pid = deps.pid ?? process.pid;
  const enabled = typeof env.NOTIFY_SOCKET === 'string' && env.NOTIFY_SOCKET.length > 0;
  const usec = Number(env.WATCHDOG_USEC);
  const watchdogPid = env.WATCHDOG_PID ? Number(env.WATCHDOG_PID) : undefined;
  const watchdogOn = enabled && Number.isFinite(usec) && usec > 0 && (watchdogPid === undefined || watchdogPid === pid);
  const watchdogIntervalMs = watchdogOn ? Math.max(1, Math.floor(usec / 2000)) : undefined;
  let timer: TimerHandle | null = null;
  let running = false;

  const send = async (...messages: string[]): Promise<void> => {
    if (!enabled) return;
    try {
      // systemd-notify (>= 246) waits until the manager has read the message, so it is not
      // lost when the short-lived sender has already exited.
      const code = await deps.spawn('systemd-notify', [`--pid=${pid}`, ...messages]);
      if (code !== 0) throw new Error(`systemd-notify ${messages.join(' ')} exited with ${code}`);
    } catch (e) {
      deps.onError?.(e as Error);
    }
  };

  const tick = (): void => {
    if (!running || watchdogIntervalMs === undefined) return;
    void send('WATCHDOG=1');
    timer = deps.clock.setTimeout(tick, watchdogIntervalMs);
  };

  return {
    enabled,
    watchdogIntervalMs,
    ready: (status) => (status ? send('--ready', `STATUS=${status}`) : send('--ready')),
    stopping: () => send('STOPPING=1'),
    status: (text) => send(`STATUS=${text}`),
    watchdog: () => send('WATCHDOG=1'),
    start() {
      if (running || watchdogIntervalMs === undefined) return;
      running = true;
      timer = deps.clock.setTimeout(tick, watchdogIntervalMs);
    },
    stop() {
      running = false;
      deps.clock.clearTimeout(timer);
      timer = null;
    },
  };
}
