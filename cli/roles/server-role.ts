import type { Config } from '../../shared/config/schema.js';
import type { Part } from '../../shared/lifecycle.js';
import { DoorplateServer } from '../../server/server.js';
import type { ServerOptions } from '../../server/parts/part-deps.js';

/** The server as one part (its own parts start inside it). Loaded only by the `server` and `node` roles. */
export function serverPart(config: Config, extra: Pick<ServerOptions, 'fleet' | 'servingEpoch'> = {}): Part {
  return new DoorplateServer({ config, ...extra });
}
