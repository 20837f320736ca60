import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './wait.js';
import { runMosquitto } from './mosquitto.js';

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
  const mosquitto = await runMosquitto(dir, await freePort(), ['allow_anonymous false', 'persistence false', `plugin ${DYNSEC_PLUGIN}`, `plugin_opt_config_file ${file}`]);
  return { ...mosquitto, admin };
}
