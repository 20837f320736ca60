import type { AutoReleasePolicy, BookingPolicy, Config, DeviceOverride, PresencePolicy, RoomConfig } from '../../shared/config/schema.js';
import type { PrivacyMode } from '../../shared/model/event.js';
import type { CheckInPolicy, RoomPolicy } from '../../shared/model/room-state.js';
import type { DeviceConfig } from '../../shared/api/payloads.js';

/** A room with the site's defaults folded in: what every other part reads. */
export interface RoomInfo {
  id: string;
  name: string;
  calendar: string | null;
  timeZone: string;
  locale: string;
  privacy: PrivacyMode;
  checkIn: CheckInPolicy;
  booking: BookingPolicy;
  autoRelease: AutoReleasePolicy;
  /** Release by occupancy (site `presence`, room `presence`). */
  presence: PresencePolicy;
  requestTtlSecs: number;
  /** Where the room is (config `group`), null when not set. */
  group: string | null;
  /** Walking order within the site (config `order`, else the room's place in the config). */
  order: number;
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Resolves each room's effective policy (device settings over room settings over site
 * settings) once, when the config is loaded; the config is frozen, so this never changes while
 * running.
 */
export class RoomDirectory {
  private readonly rooms = new Map<string, RoomInfo>();
  private readonly devices = new Map<string, DeviceOverride>();

  constructor(
    private readonly config: Config,
    rooms: readonly RoomConfig[] = config.rooms,
  ) {
    rooms.forEach((r, i) => this.rooms.set(r.id, this.resolve(r, i)));
    for (const d of config.devices ?? []) this.devices.set(d.id, d);
  }

  private resolve(r: RoomConfig, index: number): RoomInfo {
    const site = this.config.site;
    return Object.freeze({
      id: r.id,
      name: r.name,
      calendar: r.calendar ?? null,
      timeZone: r.timeZone ?? site.timeZone ?? systemTimeZone(),
      locale: r.locale ?? site.locale,
      privacy: r.privacy ?? site.privacy,
      checkIn: { ...site.checkIn, ...r.checkIn },
      booking: { ...site.booking, ...r.booking },
      autoRelease: { ...site.autoRelease, ...r.autoRelease },
      presence: { ...site.presence, ...r.presence },
      requestTtlSecs: site.requestTtlSecs,
      group: r.group ?? null,
      order: r.order ?? index,
    });
  }

  /** The room as seen from one of its displays: that display's overrides folded in. */
  forDevice(roomId: string, deviceId: string | null | undefined): RoomInfo | undefined {
    const r = this.rooms.get(roomId);
    const d = deviceId ? this.devices.get(deviceId) : undefined;
    if (!r || !d) return r;
    return Object.freeze({ ...r, checkIn: { ...r.checkIn, ...d.checkIn }, booking: { ...r.booking, ...d.booking } });
  }

  /** Whether the config overrides anything for this display. */
  hasDeviceOverride(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  list(): RoomInfo[] {
    return [...this.rooms.values()];
  }

  get(id: string): RoomInfo | undefined {
    return this.rooms.get(id);
  }

  has(id: string): boolean {
    return this.rooms.has(id);
  }

  policy(id: string): RoomPolicy | undefined {
    const r = this.rooms.get(id);
    return r && { room: r.id, timeZone: r.timeZone, checkIn: r.checkIn, privacy: r.privacy };
  }

  /** What a device assigned to the room (or to none) is told. */
  deviceConfig(roomId: string | null, deviceId?: string): DeviceConfig {
    const r = roomId ? this.forDevice(roomId, deviceId) : undefined;
    const own = deviceId ? this.devices.get(deviceId) : undefined;
    const site = { ...this.config.site, booking: { ...this.config.site.booking, ...own?.booking }, checkIn: { ...this.config.site.checkIn, ...own?.checkIn } };
    return {
      room: r ? r.id : null,
      roomName: r ? r.name : null,
      timeZone: r?.timeZone ?? site.timeZone ?? systemTimeZone(),
      locale: r?.locale ?? site.locale,
      privacy: r?.privacy ?? site.privacy,
      bookDurationsMins: [...(r?.booking.durationsMins ?? site.booking.durationsMins)],
      defaultDurationMins: r?.booking.defaultDurationMins ?? site.booking.defaultDurationMins,
      checkIn: { ...(r?.checkIn ?? site.checkIn) },
      extendStepsMins: [...(r?.booking.extendStepsMins ?? site.booking.extendStepsMins)],
      requestTtlSecs: site.requestTtlSecs,
    };
  }
}
