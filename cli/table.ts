/**
 * Aligned plain-text tables for people reading a terminal; scripts take `--json`.
 * Cells are one line (line breaks and tabs folded into spaces, control characters dropped),
 * columns are as wide as their widest cell, and the last column is not padded.
 */
export interface Column<T> {
  header: string;
  cell: (row: T) => string | number | boolean | null | undefined;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => clean(c.cell(r))));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((row) => width(row[i] ?? ''))));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(v)));
        if (columns[i]?.align === 'right') return pad + v;
        return i === values.length - 1 ? v : v + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

function clean(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined || v === '') return '-';
  // eslint-disable-next-line no-control-regex
  return String(v).replace(/[\s\u2028\u2029]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '').trim() || '-';
}

/** Display width: code points, with wide East Asian characters counted as two columns. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd) ? 2 : 1;
  }
  return n;
}

/** An instant for a table cell: local "YYYY-MM-DD HH:MM" (today: "HH:MM"), or "-" when unknown. */
export function when(value: string | number | null | undefined, now: number, timeZone?: string): string {
  if (value === null || value === undefined) return '-';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '-';
  const fmt = (x: Date): string[] =>
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(x)
      .split(', ');
  const [day, time] = fmt(d);
  const [today] = fmt(new Date(now));
  return day === today ? (time ?? '') : `${day ?? ''} ${time ?? ''}`;
}
