import { readFileSync, writeFileSync } from 'node:fs';
import { preview } from '../../edge/render/preview.js';
import { parse, UsageError } from '../args.js';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--${what}: ${file} is not JSON (${(e as Error).message})`);
  }
}

/** `doorplate preview --panel MODEL --state STATE.json --out X.png`. */
export async function previewCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse(argv, {
    panel: { type: 'string' },
    state: { type: 'string' },
    agenda: { type: 'string' },
    out: { type: 'string' },
    room: { type: 'string' },
    locale: { type: 'string' },
    tz: { type: 'string' },
    offline: { type: 'boolean' },
    notice: { type: 'string' },
  });
  if (!values.panel || !values.state || !values.out) throw new UsageError('preview needs --panel MODEL --state STATE.json --out X.png');
  const png = await preview({
    panelModel: values.panel,
    state: readJson(values.state, 'state'),
    agenda: values.agenda ? readJson(values.agenda, 'agenda') : undefined,
    roomName: values.room,
    locale: values.locale,
    timeZone: values.tz,
    offline: values.offline ?? false,
    notice: values.notice ?? null,
  });
  writeFileSync(values.out, png);
  out.write(`${values.out}: ${values.panel}\n`);
  return 0;
}
