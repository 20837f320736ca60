import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from './wait.js';

export interface RunningMosquitto {
  url: string;
  /** The end of its log (stderr), for messages when something is refused. */
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Debian's Mosquitto on `port` (loopback) with the config lines given, in `dir` (removed at
 * stop). Run as root it would drop to its own user, which cannot read a private temp folder.
 */
export async function runMosquitto(dir: string, port: number, lines: readonly string[]): Promise<RunningMosquitto> {
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [...(process.getuid?.() === 0 ? ['user root'] : []), `listener ${port} 127.0.0.1`, ...lines, 'log_dest stderr', ''].join('\n'));
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
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Mosquitto on a free (or the given) loopback port with a temporary config (anonymous, no persistence). */
export async function startMosquitto(onPort?: number): Promise<RunningMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-mosquitto-'));
  return runMosquitto(dir, onPort ?? (await freePort()), ['allow_anonymous true', 'persistence false']);
}
