import { readFileSync } from 'node:fs';

export interface SecretSource {
  value?: string;
  file?: string;
  env?: string;
}

/** Reads a configured secret once; the error names where it was looked for, never the secret. */
export function readSecret(s: SecretSource, where: string): string {
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
  const v = s.env !== undefined ? process.env[s.env] : undefined;
  if (!v) throw new Error(`${where}.env: environment variable ${s.env ?? '?'} is not set`);
  return v;
}
