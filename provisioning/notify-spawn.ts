import { spawn } from 'node:child_process';
import type { NotifySpawn } from './systemd-notify.js';

/** The real NotifySpawn: runs the command with the service's environment (NOTIFY_SOCKET). */
export const processNotifySpawn: NotifySpawn = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
