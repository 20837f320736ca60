import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../logger.js';
import { announcementTxt, DOORPLATE_SERVICE, instanceName, MQTT_SERVICE, parseAnnouncement, type ServerAnnouncement, type ServiceBrowser, type ServicePublisher } from './discovery.js';

/**
 * DNS-SD through the host's avahi-daemon (Raspberry Pi OS runs one, and it owns UDP 5353),
 * by its own command-line clients from avahi-utils: `avahi-publish` holds an announcement for
 * as long as it runs (ending it sends the goodbye), `avahi-browse -rpk` streams what it finds.
 * They speak D-Bus to the daemon for us, so no D-Bus library is needed in process.
 */
export class AvahiPublisher implements ServicePublisher {
  private children: ChildProcess[] = [];

  constructor(private readonly opts: { log: Logger; bin?: string }) {}

  async publish(a: ServerAnnouncement): Promise<void> {
    await this.unpublish();
    const txt = Object.entries(announcementTxt(a)).map(([k, v]) => `${k}=${v}`);
    const bin = this.opts.bin ?? 'avahi-publish';
    this.children = [DOORPLATE_SERVICE, MQTT_SERVICE].map((type) => {
      const name = instanceName(a, type === DOORPLATE_SERVICE ? 'doorplate' : 'broker');
      const child = spawn(bin, ['-s', name, type, String(a.port), ...txt], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d: Buffer) => this.opts.log.debug({ type, out: d.toString().trim() }, 'avahi-publish'));
      child.on('error', (e) => this.opts.log.error({ err: e.message }, 'could not run avahi-publish (avahi-utils installed?)'));
      child.on('exit', (code, signal) => {
        if (this.children.includes(child)) this.opts.log.warn({ type, code, signal }, 'avahi-publish ended: the announcement is gone');
      });
      return child;
    });
    this.opts.log.info({ epoch: a.epoch, port: a.port }, 'announced through avahi-daemon');
  }

  async unpublish(): Promise<void> {
    const children = this.children;
    this.children = [];
    await Promise.all(children.map((c) => endChild(c)));
  }

  close(): Promise<void> {
    return this.unpublish();
  }
}

function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One line of `avahi-browse -p`: `=` a resolved instance, `-` one that went away. */
export type AvahiLine =
  | { kind: 'resolved'; key: string; host: string; address: string; port: number; txt: Record<string, string> }
  | { kind: 'removed'; key: string }
  | { kind: 'other' };

/** Undoes avahi-browse's `\DDD` (decimal) escapes in names. */
function unescapeName(s: string): string {
  return s.replace(/\\(\d{3})/g, (_m, d: string) => String.fromCharCode(Number(d))).replace(/\\(.)/g, '$1');
}

function splitFields(line: string): string[] {
  // Fields are separated by ';' which names escape as \059, so a plain split is safe.
  return line.split(';');
}

function parseTxt(field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of field.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const s = (m[1] ?? '').replace(/\\(.)/g, '$1');
    const eq = s.indexOf('=');
    if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

export function parseAvahiBrowseLine(line: string): AvahiLine {
  const f = splitFields(line.trimEnd());
  const [mark, iface, proto, name, type, domain] = f;
  if (!mark || !iface || !proto || name === undefined || !type || !domain) return { kind: 'other' };
  const key = `${iface};${proto};${unescapeName(name)};${type};${domain}`;
  if (mark === '-') return { kind: 'removed', key };
  if (mark !== '=' || f.length < 10) return { kind: 'other' };
  const port = Number(f[8]);
  if (!Number.isInteger(port)) return { kind: 'other' };
  return { kind: 'resolved', key, host: f[6] ?? '', address: f[7] ?? '', port, txt: parseTxt(f.slice(9).join(';')) };
}

/** Streams `avahi-browse -rpkf _doorplate._tcp` (`-f`: waits for a daemon that is not up yet) and keeps the IPv4 instances resolved now. */
export class AvahiBrowser implements ServiceBrowser {
  private child: ChildProcess | null = null;
  private readonly found = new Map<string, ServerAnnouncement>();

  constructor(private readonly opts: { log: Logger; bin?: string }) {}

  async start(): Promise<void> {
    const child = spawn(this.opts.bin ?? 'avahi-browse', ['-r', '-p', '-k', '-f', DOORPLATE_SERVICE], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let rest = '';
    child.stdout?.on('data', (d: Buffer) => {
      const lines = (rest + d.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) this.take(parseAvahiBrowseLine(line));
    });
    child.stderr?.on('data', (d: Buffer) => this.opts.log.debug({ out: d.toString().trim() }, 'avahi-browse'));
    child.on('error', (e) => this.opts.log.error({ err: e.message }, 'could not run avahi-browse (avahi-utils installed?)'));
  }

  current(): ServerAnnouncement[] {
    return [...this.found.values()];
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) await endChild(child);
  }

  /** Public for the parser's test: what one line does to the list. */
  take(line: AvahiLine): void {
    if (line.kind === 'removed') this.found.delete(line.key);
    if (line.kind !== 'resolved' || !line.key.split(';')[1]?.startsWith('IPv4')) return;
    const parsed = parseAnnouncement(line.address, line.port, line.txt);
    if (parsed.ok) this.found.set(line.key, parsed.announcement);
    else this.opts.log.debug({ key: line.key, err: parsed.error }, 'an instance that is not a doorplate server');
  }
}
