/**
 * Reads only the MQTT fixed headers of an inbound byte stream (packet type and announced
 * remaining length) and says when a connection breaks its byte budget, before the packet's
 * body has arrived: a parser that buffers whole packets would otherwise hold whatever length a
 * stranger announces. Pure: fed with chunks, keeps no chunk.
 *
 * - Until the connection is authenticated: the first packet must be a CONNECT, and every byte
 *   received (the CONNECT and anything sent before its CONNACK) counts against `preAuthBytes`.
 * - After: no packet may announce more than the identity's `maxPacketBytes`.
 */
export interface FramerLimits {
  preAuthBytes: number;
  maxPacketBytes: number;
}

export type FramerVerdict = { ok: true } | { ok: false; reason: string };

const CONNECT = 1;
/** A remaining length takes at most four bytes on the wire. */
const MAX_LENGTH_BYTES = 4;

export class PacketFramer {
  private authenticated = false;
  private maxPacketBytes: number;
  private readonly preAuthBytes: number;
  private received = 0;
  private packets = 0;
  /** Bytes of the current packet's body still to skip. */
  private skip = 0;
  /** Inside a fixed header: the type, and the remaining length read so far. */
  private header: { type: number; length: number; lengthBytes: number } | null = null;
  private failed: string | null = null;

  constructor(limits: FramerLimits) {
    this.preAuthBytes = limits.preAuthBytes;
    this.maxPacketBytes = limits.maxPacketBytes;
  }

  /** From now on only the packet size bound applies, with this identity's limit. */
  authenticate(maxPacketBytes: number): void {
    this.authenticated = true;
    this.maxPacketBytes = maxPacketBytes;
  }

  feed(chunk: Uint8Array): FramerVerdict {
    if (this.failed !== null) return { ok: false, reason: this.failed };
    if (!this.authenticated) {
      this.received += chunk.length;
      if (this.received > this.preAuthBytes) return this.fail(`more than ${this.preAuthBytes} bytes before authentication`);
    }
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i] as number;
      i += 1;
      if (this.header === null) {
        this.header = { type: byte >> 4, length: 0, lengthBytes: 0 };
        if (this.packets === 0 && this.header.type !== CONNECT) return this.fail('the first packet is not a CONNECT');
        continue;
      }
      const h = this.header;
      h.length += (byte & 0x7f) * 128 ** h.lengthBytes;
      h.lengthBytes += 1;
      if ((byte & 0x80) !== 0) {
        if (h.lengthBytes >= MAX_LENGTH_BYTES) return this.fail('a malformed remaining length');
        continue;
      }
      const limit = this.authenticated ? this.maxPacketBytes : this.preAuthBytes;
      if (h.length > limit) return this.fail(`a packet of ${h.length} bytes (limit ${limit}${this.authenticated ? '' : ' before authentication'})`);
      this.packets += 1;
      this.skip = h.length;
      this.header = null;
    }
    return { ok: true };
  }

  private fail(reason: string): FramerVerdict {
    this.failed = reason;
    return { ok: false, reason };
  }
}
