import type { Writable } from 'node:stream';
import { serializePacket } from '../../shared/mqtt-packet-numbers.js';
import type { AedesPublishPacket, Client } from 'aedes';

/**
 * QoS 0 delivery for an aedes client, in place of aedes' own (`deliver0` in aedes 1.2's
 * lib/client.js). aedes checks every subscriber, then defers each write to a `setImmediate`
 * and serializes the message again for each one; a room state reaches 1,000 displays only
 * after the whole pass, at several microseconds a display. Here each subscriber gets the same
 * serialized bytes (serialized once per message), written at once, so the first display reads
 * the state while the broker still writes to the others, as Mosquitto does.
 *
 * What aedes decides before a delivery is kept: no-local (MQTT 5), one copy per message when
 * a client's subscriptions overlap (the same counter aedes keeps), the broker's forward check,
 * and waiting for a full socket to drain before the next message (aedes' drain timeout applies).
 * QoS 1 and 2 deliveries stay aedes' own.
 */

/** What this module uses of an aedes client beyond its typed API (aedes 1.2, lib/client.js). */
interface ClientInternals {
  readonly id: string;
  readonly conn: Writable;
  readonly connected: boolean;
  readonly connecting: boolean;
  readonly errored: boolean;
  /** Per broker id, the counter of the last message delivered: a message matched twice goes once. */
  readonly duplicates: Record<string, number>;
  deliver0: (packet: DeliveredPacket, done: () => void) => void;
  waitForDrain(done: () => void): void;
}

/** aedes marks a copy with its publisher and the subscription's no-local flag. */
type DeliveredPacket = AedesPublishPacket & { clientId?: string; nl?: boolean };

export type ForwardCheck = (client: Client, packet: AedesPublishPacket) => AedesPublishPacket | null;

/** The last message serialized: every subscriber of one message gets the same packet fields. */
class FrameCache {
  private payload: unknown = null;
  private topic = '';
  private retain = false;
  private frame: Buffer | null = null;

  of(packet: AedesPublishPacket): Buffer {
    if (this.frame !== null && packet.payload === this.payload && packet.topic === this.topic && packet.retain === this.retain) return this.frame;
    // The fields aedes' own QoS 0 write sends (MQTT 3.1.1 framing, as aedes writes to every client).
    const frame = serializePacket({ cmd: 'publish', topic: packet.topic, payload: packet.payload, qos: 0, retain: packet.retain, dup: false });
    this.payload = packet.payload;
    this.topic = packet.topic;
    this.retain = packet.retain;
    this.frame = frame;
    return frame;
  }
}

/** One per broker: the serialized copy is shared by all its clients. */
export class Qos0Delivery {
  private readonly frames = new FrameCache();
  private dones: Array<() => void> = [];

  constructor(private readonly forward: ForwardCheck) {}

  /** Takes over the client's QoS 0 deliveries; call before its first SUBSCRIBE is handled. */
  install(client: Client): void {
    const c = client as unknown as ClientInternals;
    c.deliver0 = (packet, done) => {
      const out = this.admit(client, c, packet);
      if (out === null || c.conn.destroyed || !(c.connected || c.connecting)) {
        this.later(done);
        return;
      }
      if (c.conn.write(this.frames.of(out)) || c.errored) this.later(done);
      else c.waitForDrain(done);
    };
  }

  /**
   * Tells aedes a delivery is done in the next turn, as aedes does (a done called at once could
   * start the next queued message inside this one's stack); one `setImmediate` for all the
   * deliveries of a turn, not one each.
   */
  private later(done: () => void): void {
    this.dones.push(done);
    if (this.dones.length === 1) setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    const dones = this.dones;
    this.dones = [];
    for (const done of dones) done();
  };

  private admit(client: Client, c: ClientInternals, packet: DeliveredPacket): AedesPublishPacket | null {
    if (packet.nl === true && packet.clientId === c.id) return null;
    if (!firstCopy(c, packet)) return null;
    return this.forward(client, packet);
  }
}

function firstCopy(c: ClientInternals, packet: AedesPublishPacket): boolean {
  const broker = packet.brokerId;
  if (!broker) return true;
  if ((c.duplicates[broker] ?? 0) >= packet.brokerCounter) return false;
  c.duplicates[broker] = packet.brokerCounter;
  return true;
}
