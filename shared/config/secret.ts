import { readFileSync } from 'node:fs';
import * as z from 'zod';

/**
 * Every secret in the configuration is given the same way: inline (a string, or `{value}`),
 * in a file (`{file}`: its first line, so a secret can live in a 0600 file beside a shared
 * config), or in an environment variable (`{env}`: systemd's credentials and containers). It is
 * read only where it is used, and never logged or returned.
 */
export const SecretSourceSchema = z.union([
  z.string().min(1),
  z
    .strictObject({ value: z.string().min(1).optional(), file: z.string().min(1).optional(), env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional() })
    .refine((s) => [s.value, s.file, s.env].filter((v) => v !== undefined).length === 1, 'needs exactly one of value, file, env'),
]);

export type SecretSource = z.infer<typeof SecretSourceSchema>;

/** Reads a configured secret; an error names the setting (`where`) and the file or variable, never the secret. */
export function readSecret(s: SecretSource, where: string, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof s === 'string') return s;
  if (s.value !== undefined) return s.value;
  if (s.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(s.file, 'utf8');
    } catch (e) {
      throw new Error(`${where}.file: cannot read ${s.file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const line = text.split(/\r?\n/)[0]?.trim() ?? '';
    if (!line) throw new Error(`${where}.file: ${s.file} is empty`);
    return line;
  }
  const v = s.env !== undefined ? env[s.env] : undefined;
  if (!v) throw new Error(`${where}.env: environment variable ${s.env ?? '?'} is not set`);
  return v;
}
