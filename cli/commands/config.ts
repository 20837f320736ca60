import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, configJsonSchema, loadConfigFile } from '../../shared/config/load.js';
import { UsageError } from '../args.js';

function isSiteFile(file: string): boolean {
  try {
    const doc: unknown = parseYaml(readFileSync(file, 'utf8'));
    return doc !== null && typeof doc === 'object' && 'image' in doc && 'doorplate' in doc;
  } catch {
    // Unreadable or not YAML: the config loader says what is wrong, with the line.
    return false;
  }
}

/** `doorplate config check FILE` (an app config or an SD-image site file) and `doorplate config schema`. */
export async function configCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const [sub, file] = argv;
  if (sub === 'schema') {
    out.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (sub === 'check') {
    if (!file) throw new UsageError('config check FILE: the file is missing');
    try {
      // A site file for the SD image (`image:` and `doorplate:`) is checked whole, as the image builder would.
      const site = isSiteFile(file) ? (await import('../../sd-image/site-schema.js')).loadSiteFile(file) : null;
      const config = site?.config ?? loadConfigFile(file);
      out.write(`${file}: ok (${site ? 'site file, ' : ''}role ${config.role}, ${config.rooms.length} rooms, provider ${config.provider.kind})\n`);
      return 0;
    } catch (e) {
      if (e instanceof ConfigError || (e instanceof Error && e.name === 'SiteError')) {
        err.write(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  throw new UsageError('config: use "config check FILE" or "config schema"');
}
