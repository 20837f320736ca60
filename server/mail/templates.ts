import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Logger } from '../../shared/logger.js';
import { formatHelpers } from './format-helpers.js';
import { LANGUAGES, type Language } from './languages.js';

export const EMAIL_PARTS = ['from', 'subject', 'html', 'text'] as const;
export type EmailPart = (typeof EMAIL_PARTS)[number];

/** The data every template gets (docs/mail.md has the table). */
export interface TemplateData {
  kind: 'invite' | 'update' | 'cancel' | 'reminder';
  party: { name: string; email: string };
  meeting: { name: string; sequence: number };
  organizer: { name: string; email: string };
  sender: { name: string; email: string };
  room: { id: string; name: string; timeZone: string };
  start: Date;
  end: Date;
  url: string;
  language: Language;
}

/** The top-level data fields; one a template set never uses is worth a warning. */
export const DATA_FIELDS = ['kind', 'party', 'meeting', 'organizer', 'sender', 'room', 'start', 'end', 'url', 'language'] as const;

export const SHIPPED_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

export class TemplateError extends Error {}

type Render = (data: TemplateData) => string;

export interface EmailTemplates {
  render(language: Language, data: TemplateData): { from: string; subject: string; html: string; text: string };
  /** The text of the JSON POST channel (`webhook/{lang}/text.hbs`). */
  renderWebhook(language: Language, data: TemplateData): string;
}

/** Each channel and the files a language has in it. */
const CHANNELS: ReadonlyArray<{ channel: 'email' | 'webhook'; parts: readonly string[]; fields: readonly string[] }> = [
  { channel: 'email', parts: EMAIL_PARTS, fields: DATA_FIELDS },
  // A chat or SMS line has no sender, and is written in one language, the channel's.
  { channel: 'webhook', parts: ['text'], fields: DATA_FIELDS.filter((f) => f !== 'sender' && f !== 'language') },
];

interface AstNode {
  type?: string;
  original?: unknown;
  depth?: number;
  data?: boolean;
  [k: string]: unknown;
}

/** The top-level data names a template reads (`room.name` reads `room`). */
function fieldsUsed(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) fieldsUsed(n, out);
  else if (node && typeof node === 'object') {
    const n = node as AstNode;
    if (n.type === 'PathExpression' && !n.data && n.depth === 0 && typeof n.original === 'string') out.add(n.original.split(/[./]/)[0] ?? '');
    for (const [k, v] of Object.entries(n)) if (k !== 'loc') fieldsUsed(v, out);
  }
  return out;
}

/** Data of the right shape for the start-up trial render. */
function sampleData(language: Language): TemplateData {
  const start = Date.UTC(2026, 0, 5, 9);
  return {
    kind: 'invite',
    party: { name: 'Ann', email: 'ann@example.com' },
    meeting: { name: 'Planning', sequence: 0 },
    organizer: { name: 'Grace', email: 'grace@example.com' },
    sender: { name: 'Rooms', email: 'rooms@example.com' },
    room: { id: 'room', name: 'Room', timeZone: 'UTC' },
    start: new Date(start),
    end: new Date(start + 3_600_000),
    url: 'https://rooms.example.com/display/room',
    language,
  };
}

function lineOf(e: Error & { lineNumber?: number }): number {
  if (typeof e.lineNumber === 'number') return e.lineNumber;
  const m = /line (\d+)/.exec(e.message);
  return m ? Number(m[1]) : 1;
}

/** One line: subject and sender become mail headers, where a line break would be an injection. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim();
}

/**
 * Loads and compiles every email template at start-up: each from the override directory when it
 * has the file, else the shipped one. A template that does not parse is refused with
 * `file:line: message`; a data field a language's set of templates never reads is logged once.
 */
export function loadTemplates(opts: { dir?: string | undefined; log?: Logger | undefined; shippedDir?: string }): EmailTemplates {
  const shipped = opts.shippedDir ?? SHIPPED_DIR;
  if (opts.dir !== undefined && !(existsSync(opts.dir) && statSync(opts.dir).isDirectory())) {
    throw new TemplateError(`mail.templatesDir: ${opts.dir} is not a directory`);
  }
  const hb = Handlebars.create();
  for (const [name, fn] of Object.entries(formatHelpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
  const compiled = new Map<string, Render>();
  for (const { channel, parts, fields } of CHANNELS) {
    for (const lang of LANGUAGES) {
      const used = new Set<string>();
      const files: string[] = [];
      for (const part of parts) {
        const rel = join(channel, lang, `${part}.hbs`);
        const override = opts.dir !== undefined ? join(opts.dir, rel) : null;
        const file = override && existsSync(override) ? override : join(shipped, rel);
        const source = readFileSync(file, 'utf8');
        let ast: hbs.AST.Program;
        try {
          ast = hb.parse(source);
        } catch (e) {
          const err = e as Error;
          throw new TemplateError(`${file}:${lineOf(err)}: ${err.message.split('\n')[0] ?? err.message}`);
        }
        fieldsUsed(ast, used);
        files.push(file);
        const render = hb.compile(ast, { noEscape: part !== 'html', strict: false });
        // A helper used wrongly (a bad Intl option, a missing date) fails only when rendering: find out now, not at the first mail.
        try {
          render(sampleData(lang));
        } catch (e) {
          // Render errors carry no position, so no line is made up for them.
          const err = e as Error & { lineNumber?: number };
          const where = typeof err.lineNumber === 'number' ? `${file}:${err.lineNumber}` : file;
          throw new TemplateError(`${where}: ${err.message.split('\n')[0] ?? ''}`);
        }
        compiled.set(`${channel}/${lang}/${part}`, (data) => render(data));
      }
      const unused = fields.filter((f) => !used.has(f));
      if (unused.length > 0) opts.log?.warn({ templates: `${channel}/${lang}`, unused, files }, `templates ${channel}/${lang} never use ${unused.join(', ')}`);
    }
  }
  const get = (key: string): Render => {
    const r = compiled.get(key);
    if (!r) throw new Error(`no template ${key}`);
    return r;
  };
  return {
    render(language, data) {
      return {
        from: oneLine(get(`email/${language}/from`)(data)),
        subject: oneLine(get(`email/${language}/subject`)(data)),
        html: get(`email/${language}/html`)(data),
        text: get(`email/${language}/text`)(data),
      };
    },
    renderWebhook(language, data) {
      return get(`webhook/${language}/text`)(data).trim();
    },
  };
}
