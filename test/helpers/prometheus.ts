import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from './wait.js';

/** Debian's Prometheus on a loopback port with a temporary data dir, scraping `target` every second. */
export async function startPrometheus(target: string): Promise<{ query: (expr: string) => Promise<unknown[]>; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-prom-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: doorplate', '    static_configs:', `      - targets: ['${target}']`, ''].join('\n'));
  const port = await freePort();
  const child: ChildProcess = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await until(async () => (await fetch(`${base}/-/ready`).catch(() => null))?.ok === true, `prometheus to be ready (${log})`, 30_000);
  } catch (e) {
    child.kill();
    throw e;
  }
  return {
    query: async (expr) => {
      const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await r.json()) as { status: string; error?: string; data?: { result: unknown[] } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? r.status}`);
      return body.data?.result ?? [];
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
