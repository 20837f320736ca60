import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mib, table } from './table.js';

export interface RssRow {
  rooms: number;
  events: number;
  rssMiB: number;
  heapMiB: number;
  startSecs: number;
}

/** Each size in a fresh process, so one measurement does not carry the last one's heap. */
export async function runServerRssBench(sizes: readonly number[]): Promise<RssRow[]> {
  const child = fileURLToPath(new URL('./server-rss-child.js', import.meta.url));
  const rows: RssRow[] = [];
  for (const rooms of sizes) {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--expose-gc', child, String(rooms)], { timeout: 300_000, env: { ...process.env, DOORPLATE_LOG_LEVEL: 'silent' } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { rooms: number; events: number; rss: number; heapUsed: number; startSecs: number };
    rows.push({ rooms: r.rooms, events: r.events, rssMiB: mib(r.rss), heapMiB: mib(r.heapUsed), startSecs: r.startSecs });
  }
  return rows;
}

export function formatServerRss(rows: readonly RssRow[]): string {
  return table(['rooms', 'events stored', 'RSS MiB', 'heap used MiB', 'start (s)'], rows.map((r) => [r.rooms, r.events, r.rssMiB, r.heapMiB, r.startSecs]));
}
