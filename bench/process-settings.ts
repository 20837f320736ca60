import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The node flags and environment a systemd unit runs its role with, read from the unit itself
 * (`systemd/doorplate-<role>.service`), so the benches measure what the units pass.
 */
export function unitSettings(role: 'server' | 'edge' | 'node'): { nodeArgs: string[]; env: Record<string, string> } {
  const path = fileURLToPath(new URL(`../../systemd/doorplate-${role}.service`, import.meta.url));
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^Environment=(?:"([^"]*)"|(\S+))$/.exec(line.trim());
    const kv = m?.[1] ?? m?.[2];
    const eq = kv?.indexOf('=') ?? -1;
    if (kv && eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const nodeArgs = (env.NODE_OPTIONS ?? '').split(/\s+/).filter((a) => a.length > 0);
  delete env.NODE_OPTIONS;
  // Only what shapes the process's memory: the data directory and the like stay the bench's.
  return { nodeArgs, env: Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('MALLOC_'))) };
}
