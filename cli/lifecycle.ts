import { SystemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { createSystemdNotifier } from '../provisioning/systemd-notify.js';
import { processNotifySpawn } from '../provisioning/notify-spawn.js';

/**
 * Runs a long-lived process: starts it, tells systemd it is ready (and pets the watchdog),
 * and on SIGINT/SIGTERM stops its parts in order before exiting.
 */
export async function runUntilSignal(log: Logger, start: () => Promise<{ stop(): Promise<void> }>, readyStatus: string): Promise<number> {
  const notifier = createSystemdNotifier({ spawn: processNotifySpawn, clock: new SystemClock() });
  const running = await start();
  await notifier.ready(readyStatus);
  notifier.start();
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      notifier.stop();
      void notifier
        .stopping()
        .then(() => running.stop())
        .then(
          () => resolve(0),
          (e: Error) => {
            log.error({ err: e.message }, 'stopping failed');
            resolve(1);
          },
        );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
