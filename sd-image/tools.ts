import { spawn } from 'node:child_process';

/** Runs the Debian tools the builder drives (sfdisk, mtools, debugfs); tests may wrap it. */
export interface ToolRunner {
  run(cmd: string, args: readonly string[], opts?: { env?: Record<string, string> }): Promise<ToolResult>;
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Which Debian package brings each tool, for the "not installed" message. */
const PACKAGES: Record<string, string> = {
  sfdisk: 'fdisk',
  debugfs: 'e2fsprogs',
  e2fsck: 'e2fsprogs',
  mcopy: 'mtools',
  mtype: 'mtools',
  mdir: 'mtools',
  mmd: 'mtools',
  mdel: 'mtools',
};

export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export const processRunner: ToolRunner = {
  run(cmd, args, opts) {
    return new Promise((resolve, reject) => {
      // MTOOLS_SKIP_CHECK: partition images made by other tools often have a geometry mtools
      // would complain about although the file system is fine.
      const child = spawn(cmd, [...args], {
        env: { ...process.env, MTOOLS_SKIP_CHECK: '1', LC_ALL: 'C', ...opts?.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') {
          const pkg = PACKAGES[cmd];
          reject(new ToolError(`${cmd} is not installed${pkg ? ` (Debian package ${pkg})` : ''}`));
        } else reject(e);
      });
      child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    });
  },
};

/** Runs a tool and throws with its stderr when it exits non-zero. */
export async function runChecked(runner: ToolRunner, cmd: string, args: readonly string[], what: string, env?: Record<string, string>): Promise<Buffer> {
  const r = await runner.run(cmd, args, env ? { env } : undefined);
  if (r.code !== 0) throw new ToolError(`${what}: ${cmd} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join('; ') || 'no message'}`);
  return r.stdout;
}
