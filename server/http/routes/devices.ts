import * as z from 'zod';
import { DoorplateError } from '../../../shared/errors.js';
import { Id } from '../../../shared/ids.js';
import type { HttpApp } from '../app.js';
import type { HttpContext } from '../context.js';
import { parse } from '../validate.js';
import { publicDevice } from '../../devices/device-store.js';

const Params = z.object({ id: Id });
const RoomBody = z.strictObject({ room: Id.nullable() });
const DeleteQuery = z.strictObject({ forget: z.enum(['true']).optional() });

export function deviceRoutes(app: HttpApp, ctx: HttpContext): void {
  const one = (id: string) => {
    const d = ctx.deviceStore.get(id);
    if (!d) throw new DoorplateError('DEVICE_NOT_FOUND', `no device ${JSON.stringify(id)}`);
    return publicDevice(d);
  };
  app.get('/devices', async () => ({ devices: ctx.deviceStore.list().map(publicDevice) }));
  app.get('/devices/:id', async (req) => one(parse(Params, req.params, 'params').id));
  app.post('/devices/:id/approve', async (req) => {
    const { id } = parse(Params, req.params, 'params');
    return publicDevice(await ctx.devices.approve(id));
  });
  app.put('/devices/:id/room', async (req) => {
    const { id } = parse(Params, req.params, 'params');
    const { room } = parse(RoomBody, req.body, 'body');
    return publicDevice(await ctx.devices.assign(id, room));
  });
  // DELETE revokes, and again is the same (a retried request never removes a display);
  // `?forget=true` removes a device that is already revoked, for good.
  app.delete('/devices/:id', async (req, reply) => {
    const { id } = parse(Params, req.params, 'params');
    const { forget } = parse(DeleteQuery, req.query, 'query');
    if (forget) await ctx.devices.remove(id);
    else await ctx.devices.revoke(id);
    return reply.status(204).send();
  });
}
