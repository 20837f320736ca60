import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors a person can act on (`--port: expected a number`). */
export function parse<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function intOption(name: string, value: string | undefined, fallback: number, min = 0, max = 65535): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** A flag's value, else its DOORPLATE_* environment variable. */
export function flagOrEnv(value: string | undefined, envName: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return value ?? env[envName];
}
