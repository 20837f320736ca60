import { haTopics } from './ha-topics.js';

/** A device-based discovery message: `<discovery prefix>/device/<node id>/config`. */
export interface DiscoveryMessage {
  nodeId: string;
  topic: string;
  payload: DiscoveryPayload;
}

export interface DiscoveryPayload {
  dev: { ids: string[]; name: string; mf: string; mdl: string; sw: string; via_device?: string };
  o: { name: string; sw: string };
  availability_topic?: string;
  qos: number;
  cmps: Record<string, Record<string, unknown> & { p: string; unique_id: string; name: string }>;
}

export interface DiscoveryContext {
  prefix: string;
  discoveryPrefix: string;
  version: string;
}

export const DOOR_BUTTON_EVENTS = ['book', 'extend', 'end', 'checkin'] as const;

/** The base of every id Home Assistant keeps: the broker prefix, so two sites never collide. */
export function nodeBase(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function roomNodeId(prefix: string, roomId: string): string {
  return `${nodeBase(prefix)}_room_${roomId}`;
}

export function serverNodeId(prefix: string): string {
  return `${nodeBase(prefix)}_server`;
}

function origin(ctx: DiscoveryContext): DiscoveryPayload['o'] {
  return { name: 'doorplate', sw: ctx.version };
}

/** One room as a Home Assistant device: occupancy, meeting, three times, a book button, door-button events. */
export function roomDiscovery(ctx: DiscoveryContext, room: { id: string; name: string }): DiscoveryMessage {
  const nodeId = roomNodeId(ctx.prefix, room.id);
  const state = haTopics.roomState(ctx.prefix, room.id);
  const uid = (what: string) => `${nodeId}_${what}`;
  const timestamp = (name: string, field: string) => ({
    p: 'sensor',
    name,
    unique_id: uid(field),
    device_class: 'timestamp',
    state_topic: state,
    value_template: `{{ value_json.${field} }}`,
  });
  return {
    nodeId,
    topic: haTopics.discovery(ctx.discoveryPrefix, nodeId),
    payload: {
      dev: { ids: [nodeId], name: room.name, mf: 'doorplate', mdl: 'Meeting room', sw: ctx.version, via_device: serverNodeId(ctx.prefix) },
      o: origin(ctx),
      availability_topic: haTopics.serverAvailability(ctx.prefix),
      qos: 1,
      cmps: {
        [uid('occupancy')]: { p: 'binary_sensor', name: 'Occupancy', unique_id: uid('occupancy'), device_class: 'occupancy', state_topic: state, value_template: '{{ value_json.occupied }}' },
        [uid('meeting')]: { p: 'sensor', name: 'Meeting', unique_id: uid('meeting'), icon: 'mdi:calendar-account', state_topic: state, value_template: '{{ value_json.meeting }}' },
        [uid('busy_until')]: timestamp('Busy until', 'busy_until'),
        [uid('free_until')]: timestamp('Free until', 'free_until'),
        [uid('next_start')]: timestamp('Next meeting', 'next_start'),
        [uid('book')]: { p: 'button', name: 'Book now', unique_id: uid('book'), icon: 'mdi:calendar-plus', command_topic: haTopics.roomBook(ctx.prefix, room.id), payload_press: 'PRESS' },
        [uid('door_button')]: {
          p: 'event',
          name: 'Door button',
          unique_id: uid('door_button'),
          device_class: 'button',
          state_topic: haTopics.roomButton(ctx.prefix, room.id),
          event_types: [...DOOR_BUTTON_EVENTS],
        },
      },
    },
  };
}

/** The server as a Home Assistant device: whether it is online, rooms taken, displays online. */
export function serverDiscovery(ctx: DiscoveryContext): DiscoveryMessage {
  const nodeId = serverNodeId(ctx.prefix);
  const uid = (what: string) => `${nodeId}_${what}`;
  const state = haTopics.serverState(ctx.prefix);
  const availability = haTopics.serverAvailability(ctx.prefix);
  return {
    nodeId,
    topic: haTopics.discovery(ctx.discoveryPrefix, nodeId),
    payload: {
      dev: { ids: [nodeId], name: 'doorplate server', mf: 'doorplate', mdl: 'Room display server', sw: ctx.version },
      o: origin(ctx),
      qos: 1,
      cmps: {
        // Not tied to availability: it is the availability, shown as a connectivity sensor.
        [uid('online')]: { p: 'binary_sensor', name: 'Online', unique_id: uid('online'), device_class: 'connectivity', state_topic: availability, payload_on: 'online', payload_off: 'offline' },
        [uid('rooms_busy')]: { p: 'sensor', name: 'Rooms taken', unique_id: uid('rooms_busy'), state_class: 'measurement', state_topic: state, value_template: '{{ value_json.rooms_busy }}', availability_topic: availability },
        [uid('displays_online')]: { p: 'sensor', name: 'Displays online', unique_id: uid('displays_online'), state_class: 'measurement', state_topic: state, value_template: '{{ value_json.displays_online }}', availability_topic: availability },
      },
    },
  };
}
