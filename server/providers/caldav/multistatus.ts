import { XMLParser } from 'fast-xml-parser';

/** One resource in a WebDAV multistatus answer, with the properties found for it (200 propstats only). */
export interface DavResponse {
  href: string;
  /** The response's own status (sync-collection: 404 for a deleted member, 507 on the collection when truncated). */
  status: number | null;
  props: Record<string, string>;
  /** Properties the server does not have (404 propstat). */
  missing: string[];
}

export interface Multistatus {
  responses: DavResponse[];
  /** sync-collection: the token to ask from next time. */
  syncToken: string | null;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'response' || name === 'propstat' || name === 'href',
});

function statusCode(line: unknown): number | null {
  const m = typeof line === 'string' ? /HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(line) : null;
  return m ? Number(m[1]) : null;
}

/** A property's value as text: its text content, or for an element value (resourcetype, privileges) the names of its children. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('#text' in o) return String(o['#text']);
    if ('href' in o && Array.isArray(o.href)) return o.href.map((h) => String(h).trim()).join(' ');
    return Object.keys(o).join(' ');
  }
  return String(v);
}

/** Reads a 207 Multi-Status body; namespaces are dropped (DAV:, CalDAV and CalendarServer names do not clash here). */
export function parseMultistatus(xml: string): Multistatus {
  const doc = parser.parse(xml) as Record<string, unknown>;
  const ms = doc.multistatus as Record<string, unknown> | undefined;
  if (!ms || typeof ms !== 'object') throw new Error('not a WebDAV multistatus answer');
  const responses: DavResponse[] = [];
  for (const r of (ms.response as Array<Record<string, unknown>> | undefined) ?? []) {
    const href = String((r.href as unknown[] | undefined)?.[0] ?? '').trim();
    const props: Record<string, string> = {};
    const missing: string[] = [];
    for (const ps of (r.propstat as Array<Record<string, unknown>> | undefined) ?? []) {
      const code = statusCode(ps.status);
      const prop = (ps.prop ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(prop)) {
        if (code === 200) props[name] = name === 'calendar-data' ? text(value) : text(value).trim();
        else missing.push(name);
      }
    }
    responses.push({ href, status: statusCode(r.status), props, missing });
  }
  const token = ms['sync-token'];
  return { responses, syncToken: typeof token === 'string' ? token.trim() : null };
}

/** The namespace prefixes the request bodies below use: d (DAV), c (CalDAV), cs (CalendarServer). */
export const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"';

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

export function propfindBody(props: readonly string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><d:propfind ${NS}><d:prop>${props.map((p) => `<${p}/>`).join('')}</d:prop></d:propfind>`;
}

export function syncCollectionBody(token: string | null): string {
  return `<?xml version="1.0" encoding="utf-8"?><d:sync-collection ${NS}><d:sync-token>${token ? escapeXml(token) : ''}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
}

/** iCalendar UTC form of an instant: `20260302T080000Z`. */
export function icalUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function calendarQueryBody(fromMs: number, toMs: number, withData: boolean): string {
  const data = withData ? '<c:calendar-data/>' : '';
  return (
    `<?xml version="1.0" encoding="utf-8"?><c:calendar-query ${NS}><d:prop><d:getetag/>${data}</d:prop>` +
    `<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${icalUtc(fromMs)}" end="${icalUtc(toMs)}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
  );
}

export function multigetBody(hrefs: readonly string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget ${NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${escapeXml(h)}</d:href>`).join('')}</c:calendar-multiget>`;
}
