import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { ConfigSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source}: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Every issue as `path: message`, the path dotted with array indexes (`rooms.2.id`). */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * `DOORPLATE_BROKER__PORT=1884` sets `broker.port`: double underscores separate levels and
 * single ones join camel-case words (`DOORPLATE_SERVER__DATA_DIR`). Values are read as JSON
 * where they parse, otherwise as strings; paths listed in `asText` always take the string.
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  asText: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('DOORPLATE_') || !key.includes('__') || value === undefined) continue;
    const path = key
      .slice('DOORPLATE_'.length)
      .split('__')
      .map((seg) => seg.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    let node: Record<string, unknown> = out;
    for (const seg of path.slice(0, -1)) {
      const child = node[seg];
      if (!child || typeof child !== 'object') node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    let parsed: unknown = value;
    if (!asText.has(path.join('.'))) {
      try {
        parsed = JSON.parse(value);
      } catch {
        /* a plain string */
      }
    }
    node[path[path.length - 1] as string] = parsed;
  }
  return out;
}

/** Validates an already-parsed document; the result is frozen. */
export function parseConfig(raw: unknown, source = 'config', env: NodeJS.ProcessEnv = {}): Config {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(source, ['(root): must be a mapping']);
  let result = ConfigSchema.safeParse(applyEnvOverrides(raw as Record<string, unknown>, env));
  if (!result.success) {
    // `DOORPLATE_EDGE__DEVICE_ID=42` reads as the number 42; where the schema wants text, the
    // override meant the text.
    const wantText = new Set(
      result.error.issues.filter((i) => i.code === 'invalid_type' && i.expected === 'string').map((i) => i.path.map(String).join('.')),
    );
    if (wantText.size > 0) result = ConfigSchema.safeParse(applyEnvOverrides(raw as Record<string, unknown>, env, wantText));
  }
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return deepFreeze(result.data);
}

/**
 * Reads a YAML (or JSON, which is YAML) document. A problem comes back as one line saying
 * where: `(file): cannot read (ENOENT)` or `line 4, column 3: ...`.
 */
export function readYamlFile(path: string): { ok: true; raw: unknown } | { ok: false; problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, problem: `(file): cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  try {
    return { ok: true, raw: parseYaml(text, { prettyErrors: true }) };
  } catch (e) {
    const err = e as Error & { linePos?: Array<{ line: number; col: number }> };
    const pos = err.linePos?.[0];
    // The yaml message repeats the position at its end; it is already the prefix here.
    const message = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, problem: `${pos ? `line ${pos.line}, column ${pos.col}` : '(file)'}: ${message}` };
  }
}

/** Reads a YAML or JSON file (JSON is YAML), applies DOORPLATE_* overrides, validates, freezes. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  const doc = readYamlFile(path);
  if (!doc.ok) throw new ConfigError(path, [doc.problem]);
  const raw = doc.raw;
  return parseConfig(raw, path, env);
}

/** The JSON Schema of the config file, for editors. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
}
