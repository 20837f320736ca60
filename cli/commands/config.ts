import { ConfigError, configJsonSchema, loadConfigFile } from '../../shared/config/load.js';
import { UsageError } from '../args.js';

/** `doorplate config check FILE` and `doorplate config schema`. */
export async function configCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const [sub, file] = argv;
  if (sub === 'schema') {
    out.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (sub === 'check') {
    if (!file) throw new UsageError('config check FILE: the file is missing');
    try {
      const config = loadConfigFile(file);
      out.write(`${file}: ok (role ${config.role}, ${config.rooms.length} rooms, provider ${config.provider.kind})\n`);
      return 0;
    } catch (e) {
      if (e instanceof ConfigError) {
        err.write(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  throw new UsageError('config: use "config check FILE" or "config schema"');
}
