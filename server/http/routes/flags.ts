import * as z from 'zod';
import { DoorplateError } from '../../../shared/errors.js';
import { applyPrivacy } from '../../../shared/model/privacy.js';
import type { FlaggedSeries } from '../../store/repos/series-flags.js';
import type { HttpApp } from '../app.js';
import type { HttpContext } from '../context.js';
import { parse } from '../validate.js';

/** What the routes need from the store's series flags. */
export interface SeriesFlagsView {
  list(filter?: { roomId?: string }): FlaggedSeries[];
  clear(roomId: string, seriesId: string): boolean;
}

const ListQuery = z.strictObject({ room: z.string().min(1).max(64).optional() });
const ClearQuery = z.strictObject({ room: z.string().min(1).max(64), series: z.string().min(1).max(1024) });

/**
 * Recurring meetings whose occurrences were released as no-shows again and again: the admin
 * sees them here and clears a flag once the organizer was talked to (the count starts again).
 */
export function flagRoutes(app: HttpApp, ctx: HttpContext, flags: SeriesFlagsView): void {
  app.get('/flagged-series', async (req) => {
    const { room } = parse(ListQuery, req.query, 'query');
    if (room !== undefined && !ctx.rooms.has(room)) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(room)}`);
    return {
      series: flags.list({ roomId: room }).map((f) => {
        const info = ctx.rooms.get(f.roomId);
        // The latest occurrence names the series; its title goes out only as the room's privacy allows.
        const latest = ctx.events
          .listForRoom(f.roomId)
          .filter((e) => e.seriesId === f.seriesId)
          .sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0))[0];
        const shown = latest ? applyPrivacy(latest, info?.privacy) : null;
        return {
          room: f.roomId,
          seriesId: f.seriesId,
          releases: f.releases,
          flaggedAt: new Date(f.flaggedAt).toISOString(),
          title: shown?.title ?? null,
          organizer: shown?.organizer ?? null,
        };
      }),
    };
  });

  app.delete('/flagged-series', async (req, reply) => {
    const { room, series } = parse(ClearQuery, req.query, 'query');
    if (!flags.clear(room, series)) throw new DoorplateError('NOT_FOUND', `series ${JSON.stringify(series)} in room ${JSON.stringify(room)} is not flagged`);
    return reply.status(204).send();
  });
}
