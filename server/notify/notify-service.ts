import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { DoorplateError } from '../../shared/errors.js';
import type { Notify } from '../../shared/api/payloads.js';
import type { ServerBus } from '../bus.js';
import type { Notice, NoticeTargets } from '../store/repos/notices.js';
import type { ChangeInput } from '../stream/change-feed.js';
import type { NotifyRequest } from './notify-request.js';
import type { TokenBucket } from './token-bucket.js';

/** A message without its own expiry: as long as a panel shows one (edge agent, DEFAULT_NOTICE_MS). */
export const DEFAULT_NOTICE_MS = 60 * 60 * 1000;
/** Further ahead than this is a typo, not a notice. */
export const MAX_NOTICE_MS = 7 * 24 * 60 * 60 * 1000;

export interface NotifyDeps {
  clock: Clock;
  rooms: { has(id: string): boolean };
  devices: { get(id: string): unknown };
  notices: {
    add(n: { id: string; name: string; message: string; from?: string | null; targets: NoticeTargets; expiresAt?: number | null }): Notice;
    /** Notices still in force at `now`, newest first. */
    active(now?: number): Notice[];
  };
  bus: Pick<ServerBus, 'publish'>;
  feed: { append(change: ChangeInput): unknown };
  limiter: Pick<TokenBucket, 'take'>;
  log: Logger;
}

/** The notice as the stream, the kiosk page and the REST answer show it. */
export interface NoticeView {
  id: string;
  name: string;
  message: string;
  from: string;
  targets: NoticeTargets;
  expiresAt: string;
  createdAt: string;
}

export function noticeView(n: Notice): NoticeView {
  return {
    id: n.id,
    name: n.name,
    message: n.message,
    from: n.from ?? '',
    targets: n.targets,
    // Every notice the service stores has an expiry; one without (an older row) ends like a panel's.
    expiresAt: new Date(n.expiresAt ?? n.createdAt + DEFAULT_NOTICE_MS).toISOString(),
    createdAt: new Date(n.createdAt).toISOString(),
  };
}

/** Whether a notice is meant for the displays of a room (all, or the room by name). */
export function noticeForRoom(targets: NoticeTargets, roomId: string): boolean {
  return targets.all || targets.rooms.includes(roomId);
}

/** Whether a notice is meant for one display: all, the display's room, or the display by name. */
export function noticeForDevice(targets: NoticeTargets, deviceId: string, roomId: string | null): boolean {
  return targets.all || targets.devices.includes(deviceId) || (roomId !== null && targets.rooms.includes(roomId));
}

function wire(view: NoticeView): Notify {
  return { name: view.name, message: view.message, from: view.from, expiresAt: view.expiresAt };
}

/**
 * Notify messages: checks the targets, spends one token of the server's budget, keeps the
 * notice (a kiosk page that opens later still shows it), publishes it on MQTT for the panels
 * and appends it to the change log for the live stream.
 */
export class NotifyService {
  private sent = 0;
  private resent = 0;

  constructor(private readonly deps: NotifyDeps) {}

  /** Notices accepted and sent since start (for /metrics). */
  sentCount(): number {
    return this.sent;
  }

  /** Notices sent again to displays that connected or moved later (for /metrics). */
  resentCount(): number {
    return this.resent;
  }

  send(req: NotifyRequest): { notice: NoticeView; topics: string[] } {
    const { clock } = this.deps;
    const now = clock.now();
    const rooms = [...new Set(req.rooms ?? [])];
    const devices = [...new Set(req.devices ?? [])];
    const unknownRooms = rooms.filter((r) => !this.deps.rooms.has(r));
    if (unknownRooms.length > 0) {
      throw new DoorplateError('ROOM_NOT_FOUND', `no room ${unknownRooms.map((r) => JSON.stringify(r)).join(', ')}`, { rooms: unknownRooms });
    }
    const unknownDevices = devices.filter((d) => !this.deps.devices.get(d));
    if (unknownDevices.length > 0) {
      throw new DoorplateError('DEVICE_NOT_FOUND', `no device ${unknownDevices.map((d) => JSON.stringify(d)).join(', ')}`, { devices: unknownDevices });
    }
    const expiresAt = req.expiresAt === undefined ? now + DEFAULT_NOTICE_MS : Date.parse(req.expiresAt);
    if (!(expiresAt > now)) throw new DoorplateError('VALIDATION', 'body.expiresAt: must be in the future');
    if (expiresAt - now > MAX_NOTICE_MS) throw new DoorplateError('VALIDATION', 'body.expiresAt: must be at most 7 days ahead');

    const take = this.deps.limiter.take();
    if (!take.ok) {
      const retryAfterSecs = Math.max(1, Math.ceil(take.retryAfterMs / 1000));
      throw new DoorplateError('RATE_LIMITED', `too many notify messages; try again in ${retryAfterSecs} s`, { retryAfterSecs });
    }

    const targets: NoticeTargets = { all: req.toAll === true, rooms, devices };
    const notice = this.deps.notices.add({ id: randomUUID(), name: req.name, message: req.message, from: req.from ?? 'admin', targets, expiresAt });
    const view = noticeView(notice);
    const topics = this.publish(targets, wire(view));
    this.deps.feed.append({ kind: 'notify', payload: view });
    this.sent++;
    return { notice: view, topics };
  }

  /**
   * Sends a display the notices still in force that are meant for it, each with its own expiry,
   * on the display's own topic. Notify messages are not retained, so a display that was off or
   * not yet in its room when one was sent learns it this way when it connects or gets its config.
   * Oldest first, as they were sent: a panel shows the latest.
   */
  async resendTo(deviceId: string, roomId: string | null): Promise<number> {
    const due = this.deps.notices
      .active(this.deps.clock.now())
      .filter((n) => noticeForDevice(n.targets, deviceId, roomId))
      .reverse();
    for (const n of due) {
      await this.deps.bus.publish('notifyDevice', { device: deviceId }, wire(noticeView(n)));
      this.resent++;
    }
    if (due.length > 0) this.deps.log.debug({ device: deviceId, notices: due.length }, 'sent the notices in force to a display');
    return due.length;
  }

  /**
   * Publishes without waiting for the broker: while the server's MQTT connection is down the
   * client queues the messages, and the HTTP answer should not hang on that.
   */
  private publish(targets: NoticeTargets, payload: Notify): string[] {
    const sends: Array<[string, Promise<void>]> = [];
    if (targets.all) sends.push(['notify/all', this.deps.bus.publish('notifyAll', {}, payload)]);
    for (const room of targets.rooms) sends.push([`notify/rooms/${room}`, this.deps.bus.publish('notifyRoom', { room }, payload)]);
    for (const device of targets.devices) sends.push([`notify/devices/${device}`, this.deps.bus.publish('notifyDevice', { device }, payload)]);
    for (const [topic, p] of sends) p.catch((e: Error) => this.deps.log.warn({ topic, err: e.message }, 'publishing a notify message failed'));
    return sends.map(([t]) => t);
  }
}
