import { getResponder, type CiaoService, type Responder } from '@homebridge/ciao';
import multicastDns from 'multicast-dns';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import { announcementTxt, DOORPLATE_SERVICE, instanceName, parseAnnouncement, type ServerAnnouncement, type ServiceBrowser, type ServicePublisher } from './discovery.js';

/**
 * The in-process mDNS stack, only for hosts where no avahi-daemon runs (two stacks on one
 * host fight over UDP 5353). Publishing goes through @homebridge/ciao, which probes for its
 * names and renames on a conflict as RFC 6762 asks; browsing through multicast-dns, which
 * only sends queries and reads answers, so it claims no name that could conflict.
 */
export class CiaoPublisher implements ServicePublisher {
  private responder: Responder | null = null;
  private services: CiaoService[] = [];

  constructor(private readonly opts: { log: Logger; interfaceAddress?: string }) {}

  async publish(a: ServerAnnouncement): Promise<void> {
    await this.unpublish();
    this.responder ??= getResponder({ disableIpv6: true, ...(this.opts.interfaceAddress ? { interface: this.opts.interfaceAddress } : {}) });
    const txt = announcementTxt(a);
    const restricted = this.opts.interfaceAddress ? { restrictedAddresses: [this.opts.interfaceAddress] } : {};
    // A host name per node and service (ciao probes each service's host name as its own and
    // would rename a second service on the same name), never the shared one of cloned images.
    const hostname = `doorplate-${a.nodeId.replace(/[^A-Za-z0-9-]/g, '-')}`;
    this.services = [
      this.responder.createService({ name: instanceName(a, 'doorplate'), type: 'doorplate', port: a.port, txt, hostname, disabledIpv6: true, ...restricted }),
      this.responder.createService({ name: instanceName(a, 'broker'), type: 'mqtt', port: a.port, txt, hostname: `${hostname}-broker`, disabledIpv6: true, ...restricted }),
    ];
    await Promise.all(this.services.map((s) => s.advertise()));
    this.opts.log.info({ epoch: a.epoch, port: a.port }, 'announced over mDNS');
  }

  async unpublish(): Promise<void> {
    const services = this.services;
    this.services = [];
    await Promise.all(services.map((s) => s.destroy()));
  }

  async close(): Promise<void> {
    await this.unpublish();
    const responder = this.responder;
    this.responder = null;
    await responder?.shutdown();
  }
}

interface Seen<T> {
  value: T;
  at: number;
}

export interface MdnsBrowserOptions {
  clock: Clock;
  log: Logger;
  /** How often the service is asked for; an instance not answering for 3 rounds is dropped. */
  queryMs?: number;
  interfaceAddress?: string;
}

/** Browses `_doorplate._tcp` by asking again every few seconds: an instance counts only while it answers. */
export class MdnsBrowser implements ServiceBrowser {
  private mdns: multicastDns.MulticastDNS | null = null;
  private timer: TimerHandle | null = null;
  private readonly ptr = new Map<string, Seen<true>>();
  private readonly srv = new Map<string, Seen<{ target: string; port: number }>>();
  private readonly txt = new Map<string, Seen<Record<string, string>>>();
  private readonly addr = new Map<string, Seen<string>>();
  private readonly queryMs: number;
  private readonly serviceName = `${DOORPLATE_SERVICE}.local`;

  constructor(private readonly opts: MdnsBrowserOptions) {
    this.queryMs = opts.queryMs ?? 2000;
  }

  async start(): Promise<void> {
    const mdns = multicastDns({ reuseAddr: true, bind: '0.0.0.0', ...(this.opts.interfaceAddress ? { interface: this.opts.interfaceAddress } : {}) });
    this.mdns = mdns;
    mdns.on('response', (packet) => this.take([...(packet.answers ?? []), ...(packet.additionals ?? [])]));
    mdns.on('warning', (e: Error) => this.opts.log.debug({ err: e.message }, 'mDNS warning'));
    mdns.on('error', (e: Error) => this.opts.log.warn({ err: e.message }, 'mDNS socket problem'));
    await new Promise<void>((resolve) => mdns.once('ready', () => resolve()));
    this.ask();
  }

  current(): ServerAnnouncement[] {
    const fresh = this.opts.clock.now() - this.queryMs * 3;
    const out: ServerAnnouncement[] = [];
    for (const [name, p] of this.ptr) {
      const srv = this.srv.get(name);
      const txt = this.txt.get(name);
      if (p.at < fresh || !srv || srv.at < fresh || !txt) continue;
      const host = this.addr.get(srv.value.target)?.value;
      if (!host) continue;
      const parsed = parseAnnouncement(host, srv.value.port, txt.value);
      if (parsed.ok) out.push(parsed.announcement);
      else this.opts.log.debug({ name, err: parsed.error }, 'an instance that is not a doorplate server');
    }
    return out;
  }

  async stop(): Promise<void> {
    this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    const mdns = this.mdns;
    this.mdns = null;
    if (mdns) await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  private ask(): void {
    if (!this.mdns) return;
    this.mdns.query({ questions: [{ name: this.serviceName, type: 'PTR' }] });
    this.timer = this.opts.clock.setTimeout(() => this.ask(), this.queryMs);
  }

  private take(records: ReadonlyArray<{ type: string; name: string; ttl?: number; data?: unknown }>): void {
    const at = this.opts.clock.now();
    for (const r of records) {
      // TTL 0 is a goodbye: the record is gone now.
      const gone = r.ttl === 0;
      if (r.type === 'PTR' && r.name.toLowerCase() === this.serviceName && typeof r.data === 'string') {
        if (gone) this.ptr.delete(r.data);
        else this.ptr.set(r.data, { value: true, at });
      } else if (r.type === 'SRV') {
        const d = r.data as { target: string; port: number };
        if (gone) this.srv.delete(r.name);
        else this.srv.set(r.name, { value: { target: d.target, port: d.port }, at });
      } else if (r.type === 'TXT' && !gone) {
        this.txt.set(r.name, { value: txtRecord(r.data), at });
      } else if (r.type === 'A' && !gone && typeof r.data === 'string') {
        this.addr.set(r.name, { value: r.data, at });
      }
    }
  }
}

function txtRecord(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const items = Array.isArray(data) ? data : [data];
  for (const item of items) {
    const s = Buffer.isBuffer(item) ? item.toString('utf8') : String(item);
    const eq = s.indexOf('=');
    if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}
