import * as z from 'zod';
import { DoorplateError } from '../../../shared/errors.js';
import type { HttpApp } from '../app.js';
import type { HttpContext } from '../context.js';
import { parse } from '../validate.js';

const RoomParams = z.object({ room: z.string().min(1).max(64) });

export function roomRoutes(app: HttpApp, ctx: HttpContext): void {
  const view = (id: string) => {
    const room = ctx.rooms.get(id);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(id)}`);
    const snap = ctx.publisher.snapshot(id);
    return {
      id: room.id,
      name: room.name,
      timeZone: room.timeZone,
      locale: room.locale,
      privacy: room.privacy,
      state: snap?.state ?? null,
      agenda: snap?.agenda.events ?? [],
      // What the room's presence sensors say; absent where the server keeps no presence.
      ...(ctx.presence ? { presence: presenceView(ctx.presence.of(id)) } : {}),
    };
  };
  app.get('/rooms', async () => ({ rooms: ctx.rooms.list().map((r) => view(r.id)) }));
  app.get('/rooms/:room', async (req) => view(parse(RoomParams, req.params, 'params').room));
}

function presenceView(p: { state: string; since: number | null; sensors: number }): { state: string; since: string | null; sensors: number } {
  return { state: p.state, since: p.since === null ? null : new Date(p.since).toISOString(), sensors: p.sensors };
}
