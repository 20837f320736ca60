import * as z from 'zod';
import { PrivacyMode } from '../model/event.js';
import { CheckInPolicySchema } from '../model/room-state.js';
import { BrokerSchema, HomeAssistantSchema } from './sections/broker.js';
import { EdgeSchema } from './sections/edge.js';
import { MailSchema } from './sections/mail.js';
import { NodeSchema } from './sections/node.js';
import { TimeZone } from './sections/primitives.js';
import type { DeepReadonly } from './sections/primitives.js';
import { ProviderSchema } from './sections/providers.js';
import { AutoReleaseSchema, BookingPolicySchema, DeviceOverrideSchema, PresencePolicySchema, RoomConfigSchema } from './sections/rooms.js';
import { ServerSchema } from './sections/server.js';

/**
 * The one configuration schema for every role; the TypeScript types are derived from it and
 * `doorplate config schema` prints it as JSON Schema for editors. Each section lives in
 * `sections/` (one file a part of the config); this file puts them together.
 */
export * from './sections/primitives.js';
export * from './sections/rooms.js';
export * from './sections/providers.js';
export * from './sections/broker.js';
export * from './sections/server.js';
export * from './sections/edge.js';
export * from './sections/mail.js';
export * from './sections/node.js';

export const ConfigSchema = z.strictObject({
  role: z.enum(['server', 'edge', 'node']).default('server'),
  site: z
    .strictObject({
      name: z.string().default('doorplate'),
      timeZone: TimeZone.optional(),
      locale: z.string().max(16).default('en'),
      privacy: PrivacyMode.default('full'),
      // Defaults per field, so that `checkIn: { enabled: false }` alone is a valid setting.
      checkIn: z
        .strictObject({
          enabled: CheckInPolicySchema.shape.enabled.default(true),
          opensBeforeMins: CheckInPolicySchema.shape.opensBeforeMins.default(5),
          closesAfterMins: CheckInPolicySchema.shape.closesAfterMins.default(10),
        })
        .prefault({}),
      booking: BookingPolicySchema.prefault({}),
      autoRelease: AutoReleaseSchema.prefault({}),
      presence: PresencePolicySchema.prefault({}),
      requestTtlSecs: z.number().int().min(5).max(600).default(60),
      /** Reminders this many minutes before each meeting, for rooms that set none; 0 turns them off. */
      remindBeforeMins: z.number().int().min(0).max(1440).default(0),
    })
    .prefault({}),
  broker: BrokerSchema.prefault({}),
  homeAssistant: HomeAssistantSchema.prefault({}),
  server: ServerSchema.prefault({}),
  provider: ProviderSchema.default({ kind: 'local' }),
  rooms: z
    .array(RoomConfigSchema)
    .max(5000)
    .default([])
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((r, i) => {
        if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate room id ${JSON.stringify(r.id)}`, path: [i, 'id'] });
        seen.add(r.id);
      });
    }),
  /** Per-display overrides, by device id. */
  devices: z
    .array(DeviceOverrideSchema)
    .max(5000)
    .default([])
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((d, i) => {
        if (seen.has(d.id)) ctx.addIssue({ code: 'custom', message: `device ${JSON.stringify(d.id)} is listed twice`, path: [i, 'id'] });
        seen.add(d.id);
      });
    }),
  edge: EdgeSchema.prefault({}),
  mail: MailSchema.prefault({}),
  node: NodeSchema.prefault({}),
});


export type Config = DeepReadonly<z.infer<typeof ConfigSchema>>;
export type MailConfig = DeepReadonly<z.infer<typeof MailSchema>>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type RoomConfig = DeepReadonly<z.infer<typeof RoomConfigSchema>>;
export type HomeAssistantConfig = DeepReadonly<z.infer<typeof HomeAssistantSchema>>;
export type BookingPolicy = DeepReadonly<z.infer<typeof BookingPolicySchema>>;
export type AutoReleasePolicy = DeepReadonly<z.infer<typeof AutoReleaseSchema>>;
export type PresencePolicy = DeepReadonly<z.infer<typeof PresencePolicySchema>>;
export type DeviceOverride = DeepReadonly<z.infer<typeof DeviceOverrideSchema>>;
export type NodeConfig = DeepReadonly<z.infer<typeof NodeSchema>>;
