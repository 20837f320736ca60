import * as z from 'zod';
import { Id } from '../../shared/ids.js';
import { Instant } from '../../shared/model/event.js';
import { NotifySchema } from '../../shared/api/payloads.js';

/**
 * `POST /api/v1/notify`: a message with exactly one kind of target: `toAll: true`, `rooms` or
 * `devices`. Name, message and sender have the limits of the MQTT payload, so whatever passes
 * here can be published.
 */
export const NotifyRequestSchema = z
  .strictObject({
    name: NotifySchema.shape.name,
    message: NotifySchema.shape.message,
    from: NotifySchema.shape.from.min(1).optional(),
    toAll: z.literal(true).optional(),
    rooms: z.array(Id).min(1).max(500).optional(),
    devices: z.array(Id).min(1).max(500).optional(),
    expiresAt: Instant.optional(),
  })
  .superRefine((r, ctx) => {
    const kinds = (['toAll', 'rooms', 'devices'] as const).filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: kinds.length === 0 ? [] : [kinds[1] ?? kinds[0] ?? 'toAll'],
        message: kinds.length === 0 ? 'needs exactly one target: toAll, rooms or devices' : `give exactly one target kind, not ${kinds.join(' and ')}`,
      });
    }
  });

export type NotifyRequest = z.infer<typeof NotifyRequestSchema>;
