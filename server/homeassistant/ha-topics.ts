import { isId } from '../../shared/ids.js';

/**
 * The topics of the Home Assistant integration, beside the doorplate contract: each room's
 * view for Home Assistant, its book button and its door-button events, under the doorplate
 * prefix; discovery and the birth message under Home Assistant's discovery prefix.
 */
export const haTopics = {
  discovery: (discoveryPrefix: string, nodeId: string) => `${discoveryPrefix}/device/${nodeId}/config`,
  birth: (discoveryPrefix: string) => `${discoveryPrefix}/status`,
  roomState: (prefix: string, room: string) => `${prefix}/homeassistant/rooms/${room}/state`,
  roomBook: (prefix: string, room: string) => `${prefix}/homeassistant/rooms/${room}/book`,
  roomButton: (prefix: string, room: string) => `${prefix}/homeassistant/rooms/${room}/button`,
  serverState: (prefix: string) => `${prefix}/homeassistant/server/state`,
  serverAvailability: (prefix: string) => `${prefix}/server/availability`,
  bookFilter: (prefix: string) => `${prefix}/homeassistant/rooms/+/book`,
};

/** The room of a book-button topic, or null when the topic is not one. */
export function bookTopicRoom(prefix: string, topic: string): string | null {
  const head = `${prefix}/homeassistant/rooms/`;
  if (!topic.startsWith(head) || !topic.endsWith('/book')) return null;
  const room = topic.slice(head.length, -'/book'.length);
  return isId(room) ? room : null;
}
