import type { Clock, TimerHandle } from '../../shared/clock.js';
import { isDoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { DOOR_BUTTON_EVENTS, roomDiscovery, serverDiscovery, type DiscoveryContext, type DiscoveryMessage } from './discovery.js';
import type { HaConnection } from './ha-connection.js';
import { bookTopicRoom, haTopics } from './ha-topics.js';
import { roomHaView } from './ha-view.js';

export interface HomeAssistantBridgeDeps {
  clock: Clock;
  log: Logger;
  conn: HaConnection;
  discovery: DiscoveryContext;
  rooms: () => ReadonlyArray<{ id: string; name: string; timeZone: string }>;
  roomState: (roomId: string) => RoomState | undefined;
  serverView: () => { rooms_busy: number; displays_online: number };
  /** Book the room now with its default length, by the booking rules every panel goes through. */
  bookNow: (roomId: string) => Promise<void>;
  /** The node ids announced before (kept across restarts), to remove the devices of rooms that are gone. */
  announced: { get(): string[]; set(nodeIds: string[]): void };
  refused?: (reason: string) => void;
  /** The longest random wait before announcing again after Home Assistant's birth message. */
  rediscoverMaxDelayMs: number;
  random?: () => number;
}

/**
 * Home Assistant over MQTT discovery: one device per room and one for the server, announced at
 * start and again (after a short random wait, so a fleet of servers does not answer at once)
 * when Home Assistant says it is back online; each room's view kept retained; the book button
 * turned into a booking; door-button presses sent as events.
 */
export class HomeAssistantBridge {
  private rediscover: TimerHandle | null = null;
  private running = false;

  constructor(private readonly deps: HomeAssistantBridgeDeps) {}

  async start(): Promise<void> {
    const { conn, discovery } = this.deps;
    this.running = true;
    await conn.subscribe(haTopics.birth(discovery.discoveryPrefix), (_t, payload) => this.onBirth(payload.toString('utf8')));
    await conn.subscribe(haTopics.bookFilter(discovery.prefix), (topic, payload) => void this.onBook(topic, payload.toString('utf8')));
    // A broker that restarted (or Home Assistant's own broker after an outage) lost what was retained.
    conn.onConnect(() => void this.announceAll().catch((e: Error) => this.deps.log.warn({ err: e.message }, 'announcing to Home Assistant failed')));
    await this.announceAll();
  }

  stop(): void {
    this.running = false;
    this.deps.clock.clearTimeout(this.rediscover);
    this.rediscover = null;
  }

  private messages(): DiscoveryMessage[] {
    return [serverDiscovery(this.deps.discovery), ...this.deps.rooms().map((r) => roomDiscovery(this.deps.discovery, r))];
  }

  /** Every device's discovery and current values; devices of rooms no longer configured are removed. */
  async announceAll(): Promise<void> {
    const { conn } = this.deps;
    // Not connected: the next connection announces (and removes what is gone) instead.
    if (!conn.connected) return;
    const messages = this.messages();
    const current = new Set(messages.map((m) => m.nodeId));
    for (const gone of this.deps.announced.get().filter((id) => !current.has(id))) {
      // An empty retained config is how Home Assistant is told a device is gone.
      await conn.publish(haTopics.discovery(this.deps.discovery.discoveryPrefix, gone), '', true);
      this.deps.log.info({ device: gone }, 'Home Assistant device removed');
    }
    // QoS 1 publishes in flight together: a site of hundreds of rooms announces in one round trip.
    await Promise.all(messages.map((m) => conn.publish(m.topic, JSON.stringify(m.payload), true)));
    this.deps.announced.set([...current]);
    await Promise.all([...this.deps.rooms().map((r) => this.roomChanged(r.id)), this.serverChanged()]);
  }

  async roomChanged(roomId: string): Promise<void> {
    const room = this.deps.rooms().find((r) => r.id === roomId);
    const state = this.deps.roomState(roomId);
    if (!room || !state || !this.running) return;
    await this.deps.conn.publish(haTopics.roomState(this.deps.discovery.prefix, roomId), JSON.stringify(roomHaView(state, room.timeZone)), true);
  }

  async serverChanged(): Promise<void> {
    if (!this.running) return;
    await this.deps.conn.publish(haTopics.serverState(this.deps.discovery.prefix), JSON.stringify(this.deps.serverView()), true);
  }

  /** A button pressed at a room's door, whatever the server then decides about it. */
  async buttonPressed(roomId: string, verb: string): Promise<void> {
    if (!this.running || !(DOOR_BUTTON_EVENTS as readonly string[]).includes(verb)) return;
    await this.deps.conn.publish(haTopics.roomButton(this.deps.discovery.prefix, roomId), JSON.stringify({ event_type: verb }), false);
  }

  private onBirth(payload: string): void {
    if (payload !== 'online' || !this.running) return;
    this.deps.clock.clearTimeout(this.rediscover);
    const delay = Math.floor((this.deps.random ?? Math.random)() * this.deps.rediscoverMaxDelayMs);
    this.rediscover = this.deps.clock.setTimeout(() => {
      this.rediscover = null;
      void this.announceAll().catch((e: Error) => this.deps.log.warn({ err: e.message }, 'announcing to Home Assistant failed'));
    }, delay);
  }

  private async onBook(topic: string, payload: string): Promise<void> {
    if (payload !== 'PRESS') {
      this.deps.log.info({ topic }, 'book from Home Assistant refused: the payload is not PRESS');
      this.deps.refused?.('BAD_REQUEST');
      return;
    }
    const roomId = bookTopicRoom(this.deps.discovery.prefix, topic);
    if (roomId === null || !this.deps.rooms().some((r) => r.id === roomId)) {
      this.deps.log.info({ topic }, 'book from Home Assistant refused: no such room');
      this.deps.refused?.('ROOM_NOT_FOUND');
      return;
    }
    try {
      await this.deps.bookNow(roomId);
      this.deps.log.info({ room: roomId }, 'booked from Home Assistant');
    } catch (e) {
      const code = isDoorplateError(e) ? e.code : 'INTERNAL';
      this.deps.refused?.(code);
      if (code === 'INTERNAL') this.deps.log.error({ room: roomId, err: (e as Error).message }, 'book from Home Assistant failed');
      else this.deps.log.info({ room: roomId, code }, `book from Home Assistant refused: ${(e as Error).message}`);
    }
  }
}
