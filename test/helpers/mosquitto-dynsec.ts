import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, until } from './wait.js';

export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

export interface DynsecMosquitto {
  url: string;
  admin: { username: string; password: string };
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Debian's Mosquitto with the dynamic security plugin on a free loopback port: a fresh plugin
 * file made by `mosquitto_ctrl dynsec init` (one admin), no anonymous access, no persistence.
 */
export async function startDynsecMosquitto(): Promise<DynsecMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-dynsec-'));
  const admin = { username: 'admin', password: 'admin-password-0123456789' };
  const file = join(dir, 'dynamic-security.json');
  await promisify(execFile)('mosquitto_ctrl', ['dynsec', 'init', file, admin.username, admin.password]);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const lines = [
    // Run as root, Mosquitto drops to its own user, which cannot read the private folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    'persistence false',
    `plugin ${DYNSEC_PLUGIN}`,
    `plugin_opt_config_file ${file}`,
    'log_dest stderr',
    '',
  ];
  writeFileSync(conf, lines.join('\n'));
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  try {
    await until(accepts, `mosquitto to listen (${log})`, 15_000);
  } catch (e) {
    child.kill();
    throw e;
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    admin,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
