import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolError, type ToolRunner } from './tools.js';

/** What one `stat` says about a path inside the ext4 root. */
export interface Ext4Stat {
  readonly type: 'regular' | 'directory' | 'symlink' | 'other';
  /** Permission bits only (0o644), without the file type. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** A symlink's target. */
  readonly target?: string;
}

export type Ext4Op =
  | { kind: 'mkdir'; path: string; mode: number; uid: number; gid: number }
  | { kind: 'file'; path: string; source: string; mode: number; uid: number; gid: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'rm'; path: string };

export class Ext4FullError extends ToolError {}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function quote(path: string): string {
  if (/["\n\r]/.test(path)) throw new ToolError(`cannot place ${JSON.stringify(path)}: quotes and line breaks are not allowed in image paths`);
  return `"${path}"`;
}

/** stderr lines that are not the banner debugfs always prints. */
function problems(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^debugfs \d/.test(l));
}

/**
 * The ext4 root partition inside a disk image, read and written with debugfs
 * (`image?offset=N`). New inodes get the time in `E2FSPROGS_FAKE_TIME`, which makes two builds
 * from the same inputs byte-identical.
 */
export class Ext4Partition {
  constructor(
    private readonly runner: ToolRunner,
    private readonly image: string,
    private readonly offset: number,
    private readonly fakeTime: number,
  ) {}

  private get target(): string {
    return `${this.image}?offset=${this.offset}`;
  }

  /** Runs a command file; returns each command's stdout block in order. */
  private async script(commands: string[], write: boolean): Promise<{ blocks: string[]; stderr: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'doorplate-debugfs-'));
    try {
      const file = join(dir, 'commands');
      await writeFile(file, commands.join('\n') + '\n');
      const args = write ? ['-w', '-f', file, this.target] : ['-f', file, this.target];
      const r = await this.runner.run('debugfs', args, { env: { E2FSPROGS_FAKE_TIME: String(this.fakeTime) } });
      if (r.code !== 0) throw new ToolError(`debugfs could not open the root partition: ${problems(r.stderr).join('; ') || `exit ${r.code}`}`);
      const blocks: string[] = [];
      let current: string[] | null = null;
      for (const line of r.stdout.toString('utf8').split('\n')) {
        if (line.startsWith('debugfs: ')) {
          if (current) blocks.push(current.join('\n'));
          current = [];
        } else current?.push(line);
      }
      if (current) blocks.push(current.join('\n'));
      return { blocks, stderr: r.stderr };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** `stat` for each path; null where the path does not exist. */
  async statMany(paths: readonly string[]): Promise<Array<Ext4Stat | null>> {
    if (paths.length === 0) return [];
    const { blocks } = await this.script(
      paths.map((p) => `stat ${quote(p)}`),
      false,
    );
    return paths.map((_p, i) => parseStat(blocks[i] ?? ''));
  }

  async stat(path: string): Promise<Ext4Stat | null> {
    const [s] = await this.statMany([path]);
    return s ?? null;
  }

  /** Reads files' bytes; null where a file does not exist. */
  async readMany(paths: readonly string[]): Promise<Array<Buffer | null>> {
    if (paths.length === 0) return [];
    const dir = await mkdtemp(join(tmpdir(), 'doorplate-dump-'));
    try {
      await this.script(
        paths.map((p, i) => `dump ${quote(p)} ${quote(join(dir, String(i)))}`),
        false,
      );
      return await Promise.all(paths.map((_p, i) => readFile(join(dir, String(i))).catch(() => null)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async read(path: string): Promise<Buffer | null> {
    const [b] = await this.readMany([path]);
    return b ?? null;
  }

  /** Applies the operations in order in one debugfs run; any complaint from debugfs fails the build. */
  async apply(ops: readonly Ext4Op[]): Promise<void> {
    const commands: string[] = [];
    for (const op of ops) {
      switch (op.kind) {
        case 'mkdir':
          commands.push(`mkdir ${quote(op.path)}`, ...owner(op.path, S_IFDIR | op.mode, op.uid, op.gid));
          break;
        case 'file':
          commands.push(`write ${quote(op.source)} ${quote(op.path)}`, ...owner(op.path, S_IFREG | op.mode, op.uid, op.gid));
          break;
        case 'symlink':
          commands.push(`symlink ${quote(op.path)} ${quote(op.target)}`);
          break;
        case 'rm':
          commands.push(`rm ${quote(op.path)}`);
          break;
      }
    }
    if (commands.length === 0) return;
    const { stderr } = await this.script(commands, true);
    const bad = problems(stderr).filter((l) => !/^Allocated inode/.test(l));
    if (bad.length > 0) {
      if (bad.some((l) => /could not allocate|no free space|no space left|allocating inode/i.test(l))) {
        throw new Ext4FullError(`the root partition is full: ${bad[0]}`);
      }
      throw new ToolError(`writing the root partition: ${bad.slice(0, 3).join('; ')}`);
    }
  }
}

function owner(path: string, mode: number, uid: number, gid: number): string[] {
  const q = quote(path);
  return [`sif ${q} mode 0${mode.toString(8)}`, `sif ${q} uid ${uid}`, `sif ${q} gid ${gid}`];
}

export function parseStat(block: string): Ext4Stat | null {
  const head = /Type:\s+(\S+)\s+Mode:\s+([0-7]+)/.exec(block);
  if (!head) return null;
  const ids = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(block);
  const size = /Size:\s+(\d+)/.exec(block);
  const link = /Fast link dest:\s+"(.*)"/.exec(block);
  const t = head[1];
  const type = t === 'regular' || t === 'directory' || t === 'symlink' ? t : 'other';
  const base = {
    type,
    mode: parseInt(head[2] ?? '0', 8) & 0o7777,
    uid: Number(ids?.[1] ?? -1),
    gid: Number(ids?.[2] ?? -1),
    size: Number(size?.[1] ?? 0),
  } as const;
  return link ? { ...base, target: link[1] } : base;
}
