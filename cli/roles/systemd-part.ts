import { SystemClock } from '../../shared/clock.js';
import type { Part } from '../../shared/lifecycle.js';
import { createSystemdNotifier } from '../../provisioning/systemd-notify.js';
import { processNotifySpawn } from '../../provisioning/notify-spawn.js';

/**
 * The last part of a long-running command: tells systemd it is ready once every part before
 * it started, pets the watchdog, and says "stopping" first when a stop begins.
 */
export function systemdPart(readyStatus: string): Part {
  const notifier = createSystemdNotifier({ spawn: processNotifySpawn, clock: new SystemClock() });
  return {
    name: 'systemd',
    async start() {
      await notifier.ready(readyStatus);
      notifier.start();
    },
    async stop() {
      notifier.stop();
      await notifier.stopping();
    },
  };
}
