import { readFileSync } from 'node:fs';

/** This process's memory as the kernel counts it: RSS and the private part (not shared with other processes). */
export function procMemory(): { rss: number; privateBytes: number | null } {
  const rss = process.memoryUsage().rss;
  try {
    const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    return { rss, privateBytes: (kib('Private_Clean') + kib('Private_Dirty')) * 1024 };
  } catch {
    return { rss, privateBytes: null };
  }
}
