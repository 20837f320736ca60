import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mib, table } from './table.js';

export interface RssRow {
  rooms: number;
  events: number;
  rssMiB: number;
  privateMiB: number | null;
  heapMiB: number;
  startSecs: number;
}

/** Each size in a fresh process, so one measurement does not carry the last one's heap. */
export async function runServerRssBench(sizes: readonly number[], nodeArgs: readonly string[] = [], env: Record<string, string> = {}): Promise<RssRow[]> {
  const child = fileURLToPath(new URL('./server-rss-child.js', import.meta.url));
  const rows: RssRow[] = [];
  for (const rooms of sizes) {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--expose-gc', ...nodeArgs, child, String(rooms)], { timeout: 300_000, env: { ...process.env, DOORPLATE_LOG_LEVEL: 'silent', ...env } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { rooms: number; events: number; rss: number; privateBytes: number | null; heapUsed: number; startSecs: number };
    rows.push({ rooms: r.rooms, events: r.events, rssMiB: mib(r.rss), privateMiB: r.privateBytes === null ? null : mib(r.privateBytes), heapMiB: mib(r.heapUsed), startSecs: r.startSecs });
  }
  return rows;
}

export function formatServerRss(rows: readonly RssRow[]): string {
  return table(['rooms', 'events stored', 'RSS MiB', 'heap used MiB', 'start (s)'], rows.map((r) => [r.rooms, r.events, r.rssMiB, r.heapMiB, r.startSecs]));
}
