import { pino, type Logger } from 'pino';

export type { Logger };

/** Field names whose values never reach a log line. */
const REDACT = [
  'password',
  'secret',
  'token',
  'authorization',
  'enrollmentToken',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.enrollmentToken',
  'headers.authorization',
  'req.headers.authorization',
];

let root: Logger | undefined;

/** The process-wide root logger; level from DOORPLATE_LOG_LEVEL (default info). */
export function rootLogger(): Logger {
  root ??= pino({
    level: process.env.DOORPLATE_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT, censor: '[redacted]' },
    base: undefined,
  });
  return root;
}

/**
 * A namespaced child logger, e.g. `server:sync:google`. The namespace replaces the parent's:
 * pino appends a child's bindings to its parent's, so a plain `child({ ns })` would write `ns`
 * twice in every line. The child's bindings are set afresh from the parent's, ns replaced.
 */
export function createLogger(ns: string, parent: Logger = rootLogger()): Logger {
  return withNamespace(parent.child({}), { ...parent.bindings(), ns });
}

function withNamespace(child: Logger, bindings: Record<string, unknown>): Logger {
  (child as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] = '';
  child.setBindings(bindings);
  return child;
}

/** A logger that writes nothing, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
