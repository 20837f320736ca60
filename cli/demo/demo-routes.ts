import * as z from 'zod';
import type { HttpApp } from '../../server/http/app.js';
import { isLoopback, requireAdmin, type TokenCheck } from '../../server/http/auth.js';
import { parse } from '../../server/http/validate.js';
import { DoorplateError } from '../../shared/errors.js';
import { toPng } from '../../edge/render/renderer.js';
import type { SimDevice } from './sim-device.js';
import { DEMO_PAGE } from './demo-page.js';

const DeviceParams = z.object({ device: z.string().min(1).max(64) });
const PressParams = DeviceParams.extend({ button: z.string().min(1).max(32) });
const PressBody = z.strictObject({ holdMs: z.number().int().min(0).max(10_000).optional() }).optional();

/**
 * The demo's own routes: the page with every simulated panel, the panels' pictures, the
 * buttons and the presence input. Open without a token from this machine (loopback), token-guarded otherwise.
 */
export function demoRoutes(app: HttpApp, devices: () => readonly SimDevice[], tokens: TokenCheck): void {
  const admin = requireAdmin(tokens);
  const guard = async (req: Parameters<typeof admin>[0], reply: Parameters<typeof admin>[1]): Promise<void> => {
    if (!isLoopback(req)) await admin(req, reply);
  };
  const find = (id: string): SimDevice => {
    const d = devices().find((x) => x.id === id);
    if (!d) throw new DoorplateError('DEVICE_NOT_FOUND', `no simulated device ${JSON.stringify(id)}`);
    return d;
  };

  app.get('/demo', { preHandler: guard }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(DEMO_PAGE));

  app.get('/demo/devices', { preHandler: guard }, async () => ({
    devices: devices().map((d) => ({
      id: d.id,
      room: d.roomId,
      roomName: d.edge.lastView?.roomName ?? null,
      phase: d.edge.phase,
      panel: { model: d.panel.info.model, width: d.panel.info.width, height: d.panel.info.height, colors: d.panel.info.colors },
      buttons: ['book', 'extend', 'end', 'checkin'],
      led: d.lamp(),
      present: d.presence?.present ?? null,
      status: d.edge.lastView?.state.status ?? null,
      offline: d.edge.lastView?.offline ?? null,
      refreshes: d.refreshCount(),
      picture: `/demo/devices/${encodeURIComponent(d.id)}/panel.png`,
    })),
  }));

  app.get('/demo/devices/:device/panel.png', { preHandler: guard }, async (req, reply) => {
    const d = find(parse(DeviceParams, req.params, 'params').device);
    const picture = d.panel.picture;
    if (!picture) throw new DoorplateError('NOT_FOUND', 'the panel has not drawn anything yet');
    return reply.type('image/png').header('Cache-Control', 'no-store').send(await toPng(picture));
  });

  // Someone walks in front of the display's presence input.
  app.post('/demo/devices/:device/presence', { preHandler: guard }, async (req, reply) => {
    const { device } = parse(DeviceParams, req.params, 'params');
    const d = find(device);
    try {
      d.walkIn();
    } catch (e) {
      throw new DoorplateError('NOT_FOUND', (e as Error).message);
    }
    return reply.status(202).send({ device });
  });

  app.post('/demo/devices/:device/buttons/:button', { preHandler: guard }, async (req, reply) => {
    const { device, button } = parse(PressParams, req.params, 'params');
    const body = parse(PressBody, req.body, 'body');
    const d = find(device);
    const holdMs = body?.holdMs ?? 120;
    try {
      d.press(button, holdMs);
    } catch (e) {
      throw new DoorplateError('NOT_FOUND', (e as Error).message);
    }
    return reply.status(202).send({ device, button, holdMs });
  });
}
