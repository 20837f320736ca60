import type { HelperOptions } from 'handlebars';

/**
 * Date helpers for the templates, on Intl.DateTimeFormat. The locale and the time zone are
 * always explicit: `locale=` and `timeZone=` hash arguments, or else the data's `language`
 * and the room's zone; every other hash argument is passed to Intl as an option
 * (`dateStyle="full"`, `hour="2-digit"`, ...).
 */

type Instant = Date | number | string;

function toDate(v: unknown, helper: string): Date {
  const d = v instanceof Date ? v : new Date(typeof v === 'number' || typeof v === 'string' ? v : NaN);
  if (Number.isNaN(d.getTime())) throw new Error(`${helper}: ${JSON.stringify(v)} is not a date`);
  return d;
}

interface Root {
  language?: string;
  room?: { timeZone?: string };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: HelperOptions, defaults: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const { locale, timeZone, ...rest } = options.hash as Record<string, unknown>;
  const root = (options.data as { root?: Root } | undefined)?.root ?? {};
  const loc = typeof locale === 'string' ? locale : (root.language ?? 'en');
  const tz = typeof timeZone === 'string' ? timeZone : (root.room?.timeZone ?? 'UTC');
  const intl = Object.keys(rest).length > 0 ? (rest as Intl.DateTimeFormatOptions) : defaults;
  // Building a formatter costs far more than using one; templates ask for the same few again and again.
  const key = JSON.stringify([loc, tz, intl]);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(loc, { ...intl, timeZone: tz });
    if (formatters.size < 1000) formatters.set(key, f);
  }
  return f;
}

export const formatHelpers = {
  /** `{{formatDate start dateStyle="full"}}`: the date alone by default. */
  formatDate(value: Instant, options: HelperOptions): string {
    return formatter(options, { dateStyle: 'full' }).format(toDate(value, 'formatDate'));
  },
  /** `{{formatTime start}}`: hours and minutes by default. */
  formatTime(value: Instant, options: HelperOptions): string {
    return formatter(options, { timeStyle: 'short' }).format(toDate(value, 'formatTime'));
  },
  /** `{{formatRange start end}}`: Intl's own range form ("10:00 – 11:30", or across days). */
  formatRange(from: Instant, to: Instant, options: HelperOptions): string {
    return formatter(options, { dateStyle: 'medium', timeStyle: 'short' }).formatRange(toDate(from, 'formatRange'), toDate(to, 'formatRange'));
  },
  /** `{{#if (eq kind "cancel")}}`. */
  eq(a: unknown, b: unknown): boolean {
    return a === b;
  },
};
