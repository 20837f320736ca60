import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecked, ToolError, type ToolRunner } from './tools.js';

/**
 * The FAT boot partition inside a disk image, edited in place with mtools
 * (`-i image@@offset`), so no loop device and no root are needed.
 */
export class FatPartition {
  constructor(
    private readonly runner: ToolRunner,
    private readonly image: string,
    private readonly offset: number,
  ) {}

  private get target(): string {
    return `${this.image}@@${this.offset}`;
  }

  /** The file's bytes, or null when it does not exist. */
  async read(path: string): Promise<Buffer | null> {
    const r = await this.runner.run('mtype', ['-i', this.target, `::${path}`]);
    if (r.code !== 0) {
      if (/not found|no such file/i.test(r.stderr)) return null;
      throw new ToolError(`reading ${path} from the boot partition: ${r.stderr.trim() || `mtype exit ${r.code}`}`);
    }
    return r.stdout;
  }

  /** The names in the partition's top folder (upper-cased short names are kept as mtools prints them). */
  async list(): Promise<string[]> {
    const out = await runChecked(this.runner, 'mdir', ['-b', '-i', this.target, '::/'], 'listing the boot partition');
    return out
      .toString('utf8')
      .split('\n')
      .map((l) => l.trim().replace(/^::\//, ''))
      .filter((l) => l.length > 0);
  }

  /**
   * Writes (or replaces) a file; its modification time is `mtime` so that two builds from the
   * same inputs give the same partition.
   */
  async write(path: string, content: Buffer | string, mtime: Date): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'doorplate-fat-'));
    try {
      const src = join(dir, 'file');
      await writeFile(src, content);
      await utimes(src, mtime, mtime);
      const r = await this.runner.run('mcopy', ['-o', '-m', '-i', this.target, src, `::${path}`]);
      if (r.code !== 0) {
        const full = /disk full|no space|no free/i.test(r.stderr);
        throw new ToolError(`writing ${path} to the boot partition: ${full ? 'the boot partition is full' : r.stderr.trim() || `mcopy exit ${r.code}`}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
