import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from '../logger.js';
import { decodeHeartbeat, encodeHeartbeat, type Heartbeat, type HeartbeatTransport, type ReceivedHeartbeat } from './heartbeat.js';

export interface UdpHeartbeatOptions {
  group: string;
  port: number;
  /** The local IPv4 address whose interface joins the group and sends (default: the system's choice). */
  interfaceAddress?: string;
  log: Logger;
}

/**
 * Heartbeats as UDP datagrams to a multicast group on the site LAN. Chosen over MQTT because
 * the election must work before any broker exists, and the broker dies with its leader; over
 * unicast because the peers need not be known in advance. TTL 1 keeps them on the LAN.
 */
export class UdpHeartbeats implements HeartbeatTransport {
  private socket: Socket | null = null;

  constructor(private readonly opts: UdpHeartbeatOptions) {}

  async start(onHeartbeat: (hb: ReceivedHeartbeat, from: string) => void): Promise<void> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (bytes, rinfo) => {
      const decoded = decodeHeartbeat(bytes);
      if (decoded.ok) onHeartbeat(decoded.heartbeat, rinfo.address);
      else this.opts.log.debug({ from: rinfo.address, err: decoded.error }, 'not a heartbeat');
    });
    socket.on('error', (e) => this.opts.log.warn({ err: e.message }, 'heartbeat socket problem'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.addMembership(this.opts.group, this.opts.interfaceAddress);
    if (this.opts.interfaceAddress) socket.setMulticastInterface(this.opts.interfaceAddress);
    socket.setMulticastTTL(1);
    socket.setMulticastLoopback(false);
  }

  send(hb: Heartbeat): void {
    const socket = this.socket;
    if (!socket) return;
    socket.send(encodeHeartbeat(hb), this.opts.port, this.opts.group, (e) => {
      if (e) this.opts.log.warn({ err: e.message }, 'could not send a heartbeat');
    });
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
