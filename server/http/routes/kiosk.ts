import * as z from 'zod';
import { DoorplateError } from '../../../shared/errors.js';
import type { HttpApp } from '../app.js';
import { parse } from '../validate.js';
import type { RoomDirectory } from '../../rooms/room-directory.js';
import { openRoomStream, type RoomStreamDeps } from '../../kiosk/room-stream.js';
import { kioskNotFoundPage, kioskPage } from '../pages/kiosk-html.js';

const Params = z.object({ room: z.string().min(1).max(128) });

/**
 * The public kiosk page of a room and its stream: no token, read-only, and only what the
 * room's own panel shows (MQTT readers with the room's topics see the same).
 */
export function kioskRoutes(app: HttpApp, deps: RoomStreamDeps & { rooms: RoomDirectory }): void {
  app.get('/display/:room', async (req, reply) => {
    const { room: id } = parse(Params, req.params, 'params');
    const room = deps.rooms.get(id);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (!room) return reply.status(404).send(kioskNotFoundPage(id));
    // The page only loads its own inline script and style, and talks only to this server.
    reply.header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'");
    return reply.send(kioskPage(room));
  });

  app.get('/display/:room/stream', async (req, reply) => {
    const { room: id } = parse(Params, req.params, 'params');
    const room = deps.rooms.get(id);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(id)}`);
    reply.hijack();
    openRoomStream(deps, reply.raw, room);
  });
}
