import { parseArgs } from 'node:util';
import { imageBuild, imageVerify, type ImageIo } from './index.js';

const USAGE = `usage:
  doorplate image build --base raspios.img --out site.img --config site.yml [--app DIR | --app-bundle DIR] [--assets DIR]
  doorplate image verify site.img
`;

/** Parses `image build` / `image verify` arguments (without the leading `image`) and runs the command. */
export async function runImageCommand(argv: string[], io: ImageIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'build') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          base: { type: 'string' },
          out: { type: 'string' },
          config: { type: 'string' },
          app: { type: 'string' },
          'app-bundle': { type: 'string' },
          assets: { type: 'string' },
        },
        strict: true,
        allowPositionals: true,
      });
      if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
      const missing = (['base', 'out', 'config'] as const).filter((k) => !values[k]);
      if (missing.length > 0) throw new Error(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
      return await imageBuild(
        {
          base: values.base as string,
          out: values.out as string,
          config: values.config as string,
          ...(values.app ? { app: values.app } : {}),
          ...(values['app-bundle'] ? { appBundle: values['app-bundle'] } : {}),
          ...(values.assets ? { assets: values.assets } : {}),
        },
        io,
      );
    }
    if (sub === 'verify') {
      const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true });
      if (positionals.length !== 1) throw new Error('verify takes one image file');
      return await imageVerify(positionals[0] as string, io);
    }
    throw new Error(sub ? `unknown image command ${sub}` : 'missing image command');
  } catch (e) {
    if (!(e instanceof Error) || 'problems' in e) throw e;
    if ((e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') || /^(missing|unknown|unexpected|verify takes)/.test(e.message)) {
      io.err.write(`error: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
