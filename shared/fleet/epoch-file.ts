import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { EpochStore } from './election.js';

const EpochFileSchema = z.strictObject({ epoch: z.number().int().min(0) });

/** The epoch in a small JSON file, replaced atomically (write then rename) so a crash never leaves half of it. */
export class EpochFile implements EpochStore {
  constructor(private readonly path: string) {}

  load(): number {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
    const parsed = EpochFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.path}: epoch: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data.epoch;
  }

  save(epoch: number): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ epoch }) + '\n');
    renameSync(tmp, this.path);
  }
}
