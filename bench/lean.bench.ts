import { edgeRss } from './panel.bench.js';
import { runServerRssBench, type Code } from './server-rss.bench.js';
import { table } from './table.js';
import { unitSettings } from './process-settings.js';

/**
 * The process settings the systemd units and `npm start` pass, each measured against none:
 * the server with 1,000 rooms and the edge agent showing its room, each in a fresh process.
 */
export interface LeanVariant {
  name: string;
  nodeArgs: string[];
  env: Record<string, string>;
  /** The bundle the units run unless told: the compiled modules show what the bundle saves. */
  code?: Code;
}

const SEMI = '--max-semi-space-size=1';
const ARENAS = { MALLOC_ARENA_MAX: '2' };

export const SERVER_VARIANTS: LeanVariant[] = [
  { name: 'none', nodeArgs: [], env: {} },
  { name: SEMI, nodeArgs: [SEMI], env: {} },
  { name: 'MALLOC_ARENA_MAX=2', nodeArgs: [], env: ARENAS },
  { name: `${SEMI} + MALLOC_ARENA_MAX=2`, nodeArgs: [SEMI], env: ARENAS },
];

/** What the role's systemd unit passes (`npm start` passes the server unit's, a test checks). */
function asTheUnit(role: 'server' | 'edge'): LeanVariant {
  const u = unitSettings(role);
  return { name: `the unit's: ${[...u.nodeArgs, ...Object.entries(u.env).map(([k, v]) => `${k}=${v}`)].join(' ')}`, ...u };
}

/** The unit's settings with the compiled modules (dist/) instead of the bundle. */
function asTheUnitUnbundled(role: 'server' | 'edge'): LeanVariant {
  const u = asTheUnit(role);
  return { ...u, name: `${u.name}, modules not bundled`, code: 'modules' };
}

export const EDGE_VARIANTS: LeanVariant[] = [...SERVER_VARIANTS, asTheUnit('edge'), asTheUnitUnbundled('edge')];

export interface LeanRow {
  process: string;
  variant: string;
  rssMiB: number;
  privateMiB: number | null;
  heapMiB: number;
}

export async function runLeanBench(rooms = 1000): Promise<LeanRow[]> {
  const rows: LeanRow[] = [];
  for (const v of [...SERVER_VARIANTS, asTheUnit('server'), asTheUnitUnbundled('server')]) {
    const [r] = await runServerRssBench([rooms], v.nodeArgs, v.env, 0, v.code);
    if (r) rows.push({ process: `server, ${rooms} rooms`, variant: v.name, rssMiB: r.rssMiB, privateMiB: r.privateMiB, heapMiB: r.heapMiB });
  }
  for (const v of EDGE_VARIANTS) {
    const r = await edgeRss(v.nodeArgs, v.env, v.code);
    rows.push({ process: 'edge agent', variant: v.name, rssMiB: r.rssMiB, privateMiB: r.privateMiB, heapMiB: r.heapMiB });
  }
  return rows;
}

export function formatLean(rows: readonly LeanRow[]): string {
  return table(['process', 'settings', 'RSS MiB', 'private MiB', 'heap used MiB'], rows.map((r) => [r.process, r.variant, r.rssMiB, r.privateMiB ?? '-', r.heapMiB]));
}
