/** iCalendar's text rules (RFC 5545 section 3.1 and 3.3.11): escaping, parameters, folding. */

/** A TEXT value: backslash, semicolon, comma and line breaks escaped. */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value: quoted when it holds `:;,`; a DQUOTE cannot appear at all, and control characters are dropped. */
export function paramValue(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed here
  const clean = s.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

const LIMIT = 75;

/** Folds one content line at 75 octets; a continuation starts with a space and no UTF-8 sequence is split. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > LIMIT) {
      out.push(current);
      current = ' ';
      bytes = 1;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out.join('\r\n');
}

/** Lines joined with CRLF, each folded, ending with CRLF. */
export function contentLines(lines: readonly string[]): string {
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
