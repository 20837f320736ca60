/**
 * Server-Sent Events framing (WHATWG HTML, "server-sent events"): fields `id`, `event`, `data`,
 * `retry`, one per line, a blank line ending the event; a line starting with `:` is a comment,
 * which clients ignore and proxies see as traffic.
 */
export interface SseEvent {
  id?: number | string;
  event?: string;
  data: unknown;
}

function oneLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${field} may not contain a line break`);
  return value;
}

export function formatEvent(e: SseEvent): string {
  let out = '';
  if (e.id !== undefined) out += `id: ${oneLine('id', String(e.id))}\n`;
  if (e.event !== undefined) out += `event: ${oneLine('event', e.event)}\n`;
  // JSON never holds a raw line break, but a string payload might: each line is its own data field.
  const text = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

export function formatComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export function formatRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}
