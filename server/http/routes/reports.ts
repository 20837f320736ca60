import * as z from 'zod';
import type { Change } from '../../store/repos/changes.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { RoomDirectory } from '../../rooms/room-directory.js';
import { usageCsv, usageReport } from '../../reports/usage.js';
import type { HttpApp } from '../app.js';
import { requireAdmin, type TokenCheck } from '../auth.js';
import { usagePage } from '../pages/usage-html.js';
import { parse } from '../validate.js';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');
const Query = z.strictObject({ from: Day, to: Day, format: z.enum(['json', 'csv']).optional() });

export interface ReportDeps {
  rooms: RoomDirectory;
  events: { listForRoom(roomId: string, fromMs?: number, toMs?: number): CalendarEvent[] };
  changes: { since(id: number, limit?: number): Change[] };
  /** Releases kept beyond the change log's pruning. */
  ledger: { list(fromMs: number, toMs: number): Array<{ roomId: string; eventId: string; start: string; end: string; releasedAt: string; cause: string }> };
  /** Each room's recorded presence changes (absent: no presence column). */
  presence?: { list(roomId: string, fromMs: number, toMs: number): Array<{ at: number; state: 'present' | 'absent' | 'unknown' }> };
  now?: () => number;
}

/** Every release record the change log still holds. */
function releases(changes: ReportDeps['changes']): Change[] {
  const out: Change[] = [];
  let after = 0;
  for (;;) {
    const batch = changes.since(after, 1000);
    for (const c of batch) if (c.kind === 'release') out.push(c);
    if (batch.length < 1000) return out;
    after = batch[batch.length - 1]?.id ?? after;
  }
}

function computer(deps: ReportDeps) {
  return (q: z.infer<typeof Query>) => {
    // The ledger from two days either side (any zone's day fits), then what the log still holds.
    const kept = deps.ledger.list(Date.parse(`${q.from}T00:00:00Z`) - 2 * 86_400_000, Date.parse(`${q.to}T00:00:00Z`) + 3 * 86_400_000);
    const fromLedger = kept.map((r) => ({ roomId: r.roomId, payload: { eventId: r.eventId, start: r.start, end: r.end, releasedAt: r.releasedAt, cause: r.cause } }));
    const { presence, now } = deps;
    return usageReport(
      {
        rooms: deps.rooms.list(),
        events: (id, from, to) => deps.events.listForRoom(id, from, to),
        releases: [...fromLedger, ...releases(deps.changes)],
        ...(presence ? { presence: (id: string, from: number, to: number) => presence.list(id, from, to) } : {}),
        ...(now ? { now: now() } : {}),
      },
      q.from,
      q.to,
    );
  };
}

/** `GET /reports/usage?from&to` in the admin API's scope: JSON, or CSV (`Accept: text/csv` or `format=csv`). */
export function reportRoutes(api: HttpApp, deps: ReportDeps): void {
  const compute = computer(deps);
  api.get('/reports/usage', async (req, reply) => {
    const q = parse(Query, req.query, 'query');
    const rows = compute(q);
    const csv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
    if (csv) return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="usage-${q.from}-${q.to}.csv"`).send(usageCsv(rows));
    return { from: q.from, to: q.to, rows };
  });
}

/**
 * `GET /reports/usage?from&to`: the page with a chart per room, for the admin (the token in the
 * Authorization header, as everywhere but the event streams).
 */
export function reportPageRoutes(app: HttpApp, deps: ReportDeps & { tokens: TokenCheck }): void {
  const compute = computer(deps);
  const guard = requireAdmin(deps.tokens);
  app.get('/reports/usage', { preHandler: guard }, async (req, reply) => {
    const q = parse(Query, req.query, 'query');
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'");
    return reply.send(usagePage(deps.rooms.list(), compute(q), q.from, q.to));
  });
}
