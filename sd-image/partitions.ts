import type { ToolRunner } from './tools.js';

/** Where the two partitions of a Raspberry Pi OS image start, in bytes. */
export interface ImageLayout {
  readonly sectorSize: number;
  readonly boot: { readonly offset: number; readonly size: number; readonly type: string };
  readonly root: { readonly offset: number; readonly size: number; readonly type: string };
}

export const EXPECTED_LAYOUT =
  'a Raspberry Pi OS image: an MBR (dos) partition table with a FAT boot partition first (type c, b or e) and a Linux ext4 root partition second (type 83)';

export class LayoutError extends Error {
  constructor(path: string, found: string) {
    super(`${path}: not laid out like Raspberry Pi OS: ${found}; expected ${EXPECTED_LAYOUT}`);
    this.name = 'LayoutError';
  }
}

interface SfdiskJson {
  partitiontable?: { label?: string; sectorsize?: number; partitions?: Array<{ start?: number; size?: number; type?: string }> };
}

const FAT_TYPES = new Set(['c', 'b', 'e']);

/** Reads the partition table with `sfdisk -J` and checks it has the Raspberry Pi OS shape. */
export async function readLayout(runner: ToolRunner, path: string): Promise<ImageLayout> {
  const r = await runner.run('sfdisk', ['-J', path]);
  if (r.code !== 0) throw new LayoutError(path, `no partition table could be read (${r.stderr.trim().split('\n').pop() ?? 'sfdisk failed'})`);
  let json: SfdiskJson;
  try {
    json = JSON.parse(r.stdout.toString('utf8')) as SfdiskJson;
  } catch {
    throw new LayoutError(path, 'sfdisk printed no partition table');
  }
  const table = json.partitiontable;
  if (!table) throw new LayoutError(path, 'no partition table');
  if (table.label !== 'dos') throw new LayoutError(path, `a ${table.label ?? 'unknown'} partition table`);
  const parts = table.partitions ?? [];
  const [boot, root] = parts;
  if (!boot || !root) throw new LayoutError(path, `${parts.length} partition(s)`);
  const sector = table.sectorsize ?? 512;
  const bootType = (boot.type ?? '').toLowerCase();
  const rootType = (root.type ?? '').toLowerCase();
  if (!FAT_TYPES.has(bootType)) throw new LayoutError(path, `partition 1 has type ${bootType || '?'}`);
  if (rootType !== '83') throw new LayoutError(path, `partition 2 has type ${rootType || '?'}`);
  return {
    sectorSize: sector,
    boot: { offset: (boot.start ?? 0) * sector, size: (boot.size ?? 0) * sector, type: bootType },
    root: { offset: (root.start ?? 0) * sector, size: (root.size ?? 0) * sector, type: rootType },
  };
}
