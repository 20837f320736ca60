import { decodePayload, parseTopic, type Agenda, type DeviceConfig, type DeviceResponse, type Notify, type TopicName } from '../../shared/api/index.js';
import type { Logger } from '../../shared/logger.js';
import type { RoomState } from '../../shared/model/room-state.js';

/** What arrives for a device, decoded and checked against the contract. */
export interface MessageHandlers {
  serverAvailability(online: boolean): void;
  config(config: DeviceConfig): void;
  roomState(state: RoomState): void;
  roomAgenda(agenda: Agenda): void;
  response(verb: string, response: DeviceResponse): void;
  notice(notify: Notify, topic: string): void;
}

export interface Addressee {
  prefix: string;
  deviceId: string;
  /** The room the device follows now; messages for any other room are dropped. */
  room: string | null;
  log: Logger;
}

/**
 * One message to its handler: topics not meant for this device or its current room are
 * dropped, and a payload that breaks the contract is logged and dropped.
 */
export function routeMessage(to: Addressee, topic: string, payload: Buffer, handlers: MessageHandlers): void {
  const { log } = to;
  const parsed = parseTopic(to.prefix, topic);
  if (!parsed) return log.debug({ topic }, 'ignored a message on an unknown topic');
  const { name, params } = parsed;
  if (params.device !== undefined && params.device !== to.deviceId) return;
  if (params.room !== undefined && params.room !== to.room) return;
  const decode = <N extends TopicName>(n: N) => {
    const v = decodePayload(n, payload);
    if (!v.ok) log.warn({ topic, reason: v.error }, 'ignored a malformed payload');
    return v.ok ? v.value : null;
  };
  switch (name) {
    case 'serverAvailability': {
      const v = decode(name);
      if (v === null) return;
      log.info({ server: v }, 'server availability');
      return handlers.serverAvailability(v === 'online');
    }
    case 'deviceConfig': {
      const v = decode(name);
      return v === null ? undefined : handlers.config(v);
    }
    case 'roomState': {
      const v = decode(name);
      return v === null ? undefined : handlers.roomState(v);
    }
    case 'roomAgenda': {
      const v = decode(name);
      return v === null ? undefined : handlers.roomAgenda(v);
    }
    case 'deviceResponse': {
      const v = decode(name);
      return v === null ? undefined : handlers.response(params.verb ?? '', v);
    }
    case 'notifyAll':
    case 'notifyRoom':
    case 'notifyDevice': {
      const v = decode(name);
      return v === null ? undefined : handlers.notice(v, topic);
    }
    default:
      return log.debug({ topic }, 'ignored a message not meant for a device');
  }
}
