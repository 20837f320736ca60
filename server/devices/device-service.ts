import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { decodePayload } from '../../shared/api/topics.js';
import type { DeviceResponse, Verb } from '../../shared/api/payloads.js';
import { DoorplateError } from '../../shared/errors.js';
import { applyPrivacy } from '../../shared/model/privacy.js';
import type { ServerBus } from '../bus.js';
import type { RoomDirectory, RoomInfo } from '../rooms/room-directory.js';
import type { BookingService } from '../bookings/booking-service.js';
import type { FreeRoom } from '../../shared/model/room-state.js';
import { bookElsewhere } from './book-elsewhere.js';
import type { DeviceRecord, DeviceStore } from './device-store.js';
import { KeyedBuckets } from './rate-limits.js';
import { checkRequestWindow } from './request-window.js';
import { approvedReply, bindingOf, holdsBinding, unusableBinding } from './enrollment-binding.js';
import type { Config } from '../../shared/config/schema.js';

export type DeviceLimits = Config['server']['limits'];

export interface SecretIssuer {
  newSecret(): string;
  hash(secret: string): string;
}

export type DeviceChange = { kind: 'device'; device: DeviceRecord };

export interface DeviceServiceDeps {
  clock: Clock;
  store: DeviceStore;
  rooms: RoomDirectory;
  bookings: BookingService;
  bus: ServerBus;
  secrets: SecretIssuer;
  log: Logger;
  autoApprove: () => boolean;
  /** Drops a device's live connections (after revoke). */
  disconnect: (deviceId: string) => void;
  /**
   * Called after a device was sent its config at its hello, approval or room change (not when
   * every config is put back after a broker restart): for what it cannot read from retained
   * topics, the notices in force.
   */
  configSent?: (deviceId: string, roomId: string | null) => Promise<unknown>;
  /** Rate limits and the pending bound (server.limits); the schema's defaults when absent. */
  limits?: DeviceLimits;
  /** The network address to rate-limit a device's connection by; null if unknown or exempt. */
  addressOf?: (deviceId: string) => string | null;
  /** The rooms free now a room's panel lists (for a hold of book at a busy room, when its rules allow). */
  freeRooms?: (roomId: string) => readonly FreeRoom[] | undefined;
  /** Awaited before a secret is handed out: a standby holds its hash (bounded; see replication-part). */
  durable?: () => Promise<void>;
  /** Awaited before a secret is handed out: an external broker's account for it (accounts-part). */
  secretIssued?: (deviceId: string, secret: string) => Promise<void>;
  /**
   * Only sealed replies (an external broker): there an older agent's key protects nothing, as
   * Mosquitto takes its secret alone, so such a device is not given one.
   */
  sealedOnly?: () => boolean;
}

export interface DeviceServiceStats {
  /** Messages refused as malformed or unauthorised. */
  refused: number;
  /** Requests and hellos refused by a rate limit. */
  rateLimited: number;
  /** Pending devices dropped, oldest first, to keep the pending list bounded. */
  pendingEvicted: number;
}

const DEFAULT_LIMITS: DeviceLimits = {
  requestsPerMinutePerDevice: 20,
  requestsPerMinutePerAddress: 60,
  enrollmentsPerMinutePerAddress: 10,
  hellosPerMinutePerDevice: 6,
  maxPending: 200,
  clockSkewSecs: 30,
};

/**
 * The fleet: enrollment (hello -> pending -> approved -> per-device secret), room assignment,
 * revocation, presence, and the requests devices send when a button is pressed.
 */
export class DeviceService {
  private readonly listeners: Array<(change: DeviceChange) => void> = [];
  private refused = 0;
  private rateLimited = 0;
  private pendingEvicted = 0;
  private readonly limits: DeviceLimits;
  private readonly requestsByDevice: KeyedBuckets;
  private readonly requestsByAddress: KeyedBuckets;
  private readonly enrollmentsByAddress: KeyedBuckets;
  private readonly hellosByDevice: KeyedBuckets;

  constructor(private readonly deps: DeviceServiceDeps) {
    this.limits = deps.limits ?? DEFAULT_LIMITS;
    this.requestsByDevice = new KeyedBuckets(deps.clock, this.limits.requestsPerMinutePerDevice);
    this.requestsByAddress = new KeyedBuckets(deps.clock, this.limits.requestsPerMinutePerAddress);
    this.enrollmentsByAddress = new KeyedBuckets(deps.clock, this.limits.enrollmentsPerMinutePerAddress);
    this.hellosByDevice = new KeyedBuckets(deps.clock, this.limits.hellosPerMinutePerDevice);
  }

  stats(): DeviceServiceStats {
    return { refused: this.refused, rateLimited: this.rateLimited, pendingEvicted: this.pendingEvicted };
  }

  onChange(l: (change: DeviceChange) => void): void {
    this.listeners.push(l);
  }

  /** Messages refused as malformed or unauthorised (for /metrics). */
  refusedCount(): number {
    return this.refused;
  }

  async start(): Promise<void> {
    const { bus } = this.deps;
    // Nothing is connected yet: each display is online again when it says so.
    const wasOnline = this.deps.store.markAllOffline();
    if (wasOnline > 0) this.deps.log.info({ devices: wasOnline }, 'devices marked offline until they connect');
    await bus.subscribe('deviceHello', {}, (p, raw) => void this.guard('hello', p.device, () => this.onHello(p.device ?? '', raw)));
    await bus.subscribe('deviceAvailability', {}, (p, raw) => void this.guard('availability', p.device, () => this.onAvailability(p.device ?? '', raw)));
    await bus.subscribe('deviceRequest', {}, (p, raw) => void this.guard('request', p.device, () => this.onRequest(p.device ?? '', (p.verb ?? '') as Verb, raw)));
    await this.republishConfigs();
  }

  /** Every approved device's retained config, e.g. after the broker lost its retained messages. */
  async republishConfigs(): Promise<void> {
    for (const d of this.deps.store.list({ status: 'approved' })) await this.publishConfig(d.id);
  }

  private async guard(what: string, device: string | undefined, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.log.error({ device, err: (e as Error).message }, `handling a device ${what} failed`);
    }
  }

  private emit(id: string): void {
    const d = this.deps.store.get(id);
    if (d) for (const l of this.listeners) l({ kind: 'device', device: d });
  }

  private refuse(device: string, what: string, reason: string): void {
    this.refused++;
    this.deps.log.warn({ device, reason }, `refused ${what}`);
  }

  private async onHello(id: string, raw: Buffer): Promise<void> {
    const decoded = decodePayload('deviceHello', raw);
    if (!decoded.ok) return this.refuse(id, 'hello', decoded.error);
    const hello = decoded.value;
    const { store } = this.deps;
    const before = store.get(id);
    // Only an approved device's own login says hello without enrolling; anything else would
    // record a device bound to no key.
    if (!hello.enrolling && before?.status !== 'approved') return this.refuse(id, 'hello', 'a hello without enrolling from a device that is not approved');
    if (hello.enrolling && !this.allowed(this.hellosByDevice, id, id, 'enrolling hello')) return;
    const binding = bindingOf(hello);
    // Whoever does not hold a bound device's keys is not answered: the reply topic is the device's.
    if (before !== null && hello.enrolling && !holdsBinding(before, binding)) return this.refuse(id, 'hello', 'an enrolling hello with another key than the device enrolled with');
    const unusable = unusableBinding(hello, binding, this.deps.sealedOnly?.() ?? false);
    if (unusable !== null) {
      this.refuse(id, 'hello', unusable);
      if (before === null) await this.deps.bus.publish('deviceEnrollment', { device: id }, { status: 'refused', message: `${unusable}: update this display's agent` });
      return;
    }
    if (before === null) {
      const address = this.deps.addressOf?.(id) ?? null;
      if (address !== null && !this.allowed(this.enrollmentsByAddress, address, id, 'enrollment')) return;
      this.makeRoomForPending();
    }
    if (before !== null && hello.enrolling) {
      if (before.status === 'approved' && before.secretConfirmed) {
        this.refuse(id, 'hello', 'an enrolling hello for a device that already enrolled');
        return this.deps.bus.publish('deviceEnrollment', { device: id }, { status: 'refused', message: 'this device already enrolled; ask an administrator to reset it' });
      }
    }
    const { device: known, created } = store.getOrCreatePending(id, hello, hello.address, binding);
    if (created) {
      this.deps.log.info({ device: id, model: hello.model }, 'new device is pending approval');
      if (this.deps.autoApprove()) {
        await this.approve(id);
        return;
      }
      this.emit(id);
      if (hello.enrolling) await this.deps.bus.publish('deviceEnrollment', { device: id }, { status: 'pending', message: 'waiting for an administrator' });
      return;
    }
    store.markSeen(id, true, this.deps.clock.now());
    if (known.status === 'revoked') {
      if (hello.enrolling) await this.deps.bus.publish('deviceEnrollment', { device: id }, { status: 'refused', message: 'this device was revoked' });
    } else if (known.status === 'pending') {
      if (hello.enrolling) await this.deps.bus.publish('deviceEnrollment', { device: id }, { status: 'pending', message: 'waiting for an administrator' });
    } else if (hello.enrolling) {
      // A device that never used its secret may ask again (it lost the reply); one that did
      // must be reset by an administrator, so a copied enrollment token cannot take it over.
      if (known.secretConfirmed) await this.deps.bus.publish('deviceEnrollment', { device: id }, { status: 'refused', message: 'this device already enrolled; ask an administrator to reset it' });
      else await this.issueSecret(id);
    } else {
      // Every (re)connect starts with a hello: the moment to catch up on what it missed.
      await this.sendConfigAndNotices(id);
    }
    this.emit(id);
  }

  private async onAvailability(id: string, raw: Buffer): Promise<void> {
    const decoded = decodePayload('deviceAvailability', raw);
    if (!decoded.ok) return this.refuse(id, 'availability', decoded.error);
    if (!this.deps.store.get(id)) return;
    this.deps.store.markSeen(id, decoded.value === 'online', this.deps.clock.now());
    this.emit(id);
  }

  /** The device's own connection with its secret proves it holds it. */
  secretUsed(id: string): void {
    const d = this.deps.store.get(id);
    if (d && !d.secretConfirmed) {
      this.deps.store.confirmSecret(id);
      this.emit(id);
    }
  }

  private async onRequest(id: string, verb: Verb, raw: Buffer): Promise<void> {
    const decoded = decodePayload('deviceRequest', raw);
    if (!decoded.ok) return this.refuse(id, `request/${verb}`, decoded.error);
    const req = decoded.value;
    const answer = (r: Omit<DeviceResponse, 'transaction'>): Promise<void> =>
      this.deps.bus.publish('deviceResponse', { device: id, verb }, { transaction: req.transaction, ...r });
    try {
      const limited = this.rateLimit(id);
      if (limited !== null) throw limited;
      const device = this.deps.store.get(id);
      if (!device || device.status !== 'approved') throw new DoorplateError('NOT_APPROVED');
      if (!device.roomId) throw new DoorplateError('NOT_ASSIGNED');
      const room = this.deps.rooms.get(device.roomId);
      if (!room) throw new DoorplateError('ROOM_NOT_FOUND');
      checkRequestWindow(req, this.deps.clock.now(), room.requestTtlSecs, this.limits.clockSkewSecs);
      const scope = `device:${id}`;
      const key = req.transaction;
      const { bookings } = this.deps;
      if (req.untilNext && verb !== 'book') throw new DoorplateError('VALIDATION', `untilNext: only a book request can ask for it, not ${verb}`);
      let event;
      switch (verb) {
        case 'book':
          // "Until the next meeting" (a hold of the book button) is capped by the room's rules there.
          try {
            event = (await bookings.bookNow(room.id, { durationMins: req.untilNext ? 'untilNext' : req.durationMins, via: 'panel', scope, key, deviceId: id })).event;
          } catch (e) {
            const elsewhere = req.untilNext && e instanceof DoorplateError && e.code === 'ROOM_BUSY' && this.deps.freeRooms ? await this.bookElsewhere(room, id, scope, key) : null;
            if (!elsewhere) throw e;
            const data = elsewhere.event === null ? {} : { meeting: applyPrivacy(elsewhere.event, room.privacy), room: elsewhere.room.room, roomName: elsewhere.room.name };
            await answer({ status: 'ok', data });
            return;
          }
          break;
        case 'extend':
          event = await bookings.extend(room.id, { mins: req.durationMins, scope, key, deviceId: id });
          break;
        case 'end':
          event = await bookings.end(room.id, { scope, key });
          break;
        case 'checkin':
          event = await bookings.checkIn(room.id, { scope, key, deviceId: id });
          break;
      }
      await answer({ status: 'ok', data: event ? { meeting: applyPrivacy(event, room.privacy) } : {} });
    } catch (e) {
      if (!(e instanceof DoorplateError)) {
        this.deps.log.error({ device: id, verb, err: (e as Error).message }, 'request failed');
        return answer({ status: 'error', error: { code: 'INTERNAL', message: 'internal error' } });
      }
      this.deps.log.info({ device: id, verb, code: e.code }, `request refused: ${e.message}`);
      const retryAfterSecs = e.details?.retryAfterSecs;
      await answer({ status: 'error', error: { code: e.code, message: e.message, ...(typeof retryAfterSecs === 'number' ? { retryAfterSecs } : {}) } });
    }
  }

  /** The refusal for a request over its device's or its address's rate, or null. */
  private rateLimit(id: string): DoorplateError | null {
    const address = this.deps.addressOf?.(id) ?? null;
    for (const [buckets, key] of [
      [this.requestsByDevice, id],
      ...(address === null ? [] : [[this.requestsByAddress, address] as const]),
    ] as const) {
      const take = buckets.take(key);
      if (!take.ok) {
        this.rateLimited++;
        const secs = Math.ceil(take.retryAfterMs / 1000);
        return new DoorplateError('RATE_LIMITED', `too many requests from ${key === id ? 'this display' : 'its network address'}; try again in ${secs} s`, { retryAfterSecs: secs });
      }
    }
    return null;
  }

  private allowed(buckets: KeyedBuckets, key: string, device: string, what: string): boolean {
    const take = buckets.take(key);
    if (take.ok) return true;
    this.rateLimited++;
    this.deps.log.warn({ device, key, retryAfterMs: take.retryAfterMs }, `${what} refused: over its rate limit`);
    return false;
  }

  /** Keeps the pending list under its bound: the oldest pending devices go first. */
  private makeRoomForPending(): void {
    const { store } = this.deps;
    const excess = store.countPending() - this.limits.maxPending + 1;
    if (excess <= 0) return;
    for (const old of store.pending().slice(0, excess)) {
      store.delete(old.id);
      this.deps.disconnect(old.id);
      this.pendingEvicted++;
      this.deps.log.warn({ device: old.id, maxPending: this.limits.maxPending }, 'oldest pending device dropped: the pending list is full');
    }
  }

  /**
   * Removes a revoked device for good (its record, its config). Anything else must be revoked
   * first, so a display in use is never removed by one call.
   */
  async remove(id: string): Promise<void> {
    const d = this.need(id);
    if (d.status !== 'revoked') throw new DoorplateError('CONFLICT', `device ${JSON.stringify(id)} is ${d.status}; revoke it before deleting it`);
    this.deps.store.delete(id);
    this.deps.disconnect(id);
    await this.deps.bus.clearRetained('deviceConfig', { device: id });
    this.deps.log.info({ device: id }, 'device deleted');
  }

  private bookElsewhere(room: RoomInfo, deviceId: string, scope: string, key: string): ReturnType<typeof bookElsewhere> {
    const freeRooms = this.deps.freeRooms ?? (() => undefined);
    return bookElsewhere({ bookings: this.deps.bookings, bus: this.deps.bus, freeRooms, now: () => this.deps.clock.now() }, room, { deviceId, scope, key });
  }

  /**
   * A device asking again is sent the sealed reply it was sent before: only it can open it, and
   * asking never replaces a secret (a stranger who knows its public keys gains nothing by asking).
   * A device bound to no key it proved is given nothing until its enrolling hello binds one.
   */
  private async issueSecret(id: string): Promise<void> {
    const d = this.need(id);
    if (d.enrollReply !== null) {
      await this.deps.bus.publish('deviceEnrollment', { device: id }, { status: 'approved', sealedSecret: d.enrollReply });
      this.deps.log.info({ device: id }, 'device secret sent again, as sealed before');
      return;
    }
    if (d.enrollSealKey === null && (d.enrollKeyHash === null || this.deps.sealedOnly?.() === true)) {
      this.deps.log.warn({ device: id }, 'no device secret issued: the device has not enrolled with a key; it gets one at its next enrolling hello');
      return;
    }
    const secret = this.deps.secrets.newSecret();
    const reply = approvedReply(d, secret);
    this.deps.store.setSecretHash(id, this.deps.secrets.hash(secret), reply.sealedSecret ?? null);
    await this.deps.durable?.();
    await this.deps.secretIssued?.(id, secret);
    await this.deps.bus.publish('deviceEnrollment', { device: id }, reply);
    this.deps.log.info({ device: id }, 'device secret issued');
  }

  async publishConfig(id: string): Promise<void> {
    const d = this.deps.store.get(id);
    if (!d || d.status !== 'approved') return;
    await this.deps.bus.publish('deviceConfig', { device: id }, this.deps.rooms.deviceConfig(d.roomId, d.id));
  }

  /** The config, then what the device cannot read from retained topics. */
  private async sendConfigAndNotices(id: string): Promise<void> {
    await this.publishConfig(id);
    const d = this.deps.store.get(id);
    if (d?.status === 'approved') await this.deps.configSent?.(d.id, d.roomId);
  }

  private need(id: string): DeviceRecord {
    const d = this.deps.store.get(id);
    if (!d) throw new DoorplateError('DEVICE_NOT_FOUND', `no device ${JSON.stringify(id)}`);
    return d;
  }

  async approve(id: string): Promise<DeviceRecord> {
    const d = this.need(id);
    if (d.status === 'revoked') {
      // Its keys were forgotten at the revocation: whoever enrolls under the id next must be
      // seen and approved again, not handed a secret for an id approved in advance.
      this.deps.store.readmit(id);
      this.deps.log.info({ device: id }, 'revoked device may enroll again: approve it once it is pending');
      this.emit(id);
      return this.need(id);
    }
    if (d.status !== 'approved') {
      this.deps.store.approve(id);
      this.deps.log.info({ device: id }, 'device approved');
    }
    if (!d.secretConfirmed) await this.issueSecret(id);
    await this.sendConfigAndNotices(id);
    this.emit(id);
    return this.need(id);
  }

  async assign(id: string, roomId: string | null): Promise<DeviceRecord> {
    this.need(id);
    if (roomId !== null && !this.deps.rooms.has(roomId)) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    this.deps.store.assignRoom(id, roomId);
    await this.sendConfigAndNotices(id);
    this.emit(id);
    return this.need(id);
  }

  async revoke(id: string): Promise<void> {
    this.need(id);
    this.deps.store.revoke(id);
    this.deps.disconnect(id);
    await this.deps.bus.clearRetained('deviceConfig', { device: id });
    this.deps.log.info({ device: id }, 'device revoked');
    this.emit(id);
  }
}
