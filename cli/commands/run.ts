import { loadConfigFile } from '../../shared/config/load.js';
import type { Config } from '../../shared/config/schema.js';
import { runParts, type Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { parse, UsageError } from '../args.js';
import { systemdPart } from '../roles/systemd-part.js';

function configFrom(argv: string[]): Config {
  const { values } = parse(argv, { config: { type: 'string', short: 'c' } });
  const file = values.config ?? process.env.DOORPLATE_CONFIG;
  if (!file) throw new UsageError('--config FILE is required (or DOORPLATE_CONFIG)');
  return loadConfigFile(file);
}

/**
 * `doorplate server|edge|node --config FILE`. Each role imports only its own modules, so an
 * edge on a Pi Zero never loads fastify, aedes, SQLite or a provider SDK. A node always shows
 * its own room and, where it may serve, takes part in the election and serves while it leads
 * (cli/roles/node-role.ts); a part that fails to start stops the ones started before it.
 */
export async function runCommand(role: 'server' | 'edge' | 'node', argv: string[]): Promise<number> {
  const config = configFrom(argv);
  const log = createLogger(role);
  const parts: Part[] = [];
  if (role === 'node') parts.push(...(await import('../roles/node-role.js')).nodeParts(config, log));
  if (role === 'server') parts.push((await import('../roles/server-role.js')).serverPart(config));
  if (role === 'edge') parts.push((await import('../roles/edge-role.js')).edgePart(config, log));
  parts.push(systemdPart(`${role} running`));
  return runParts({ log, parts });
}
