import { readFileSync } from 'node:fs';
import type { Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { buildHttpApp } from '../http/http-app.js';
import type { HttpContext } from '../http/context.js';
import { StreamHub } from '../stream/stream-hub.js';
import type { PartDeps } from './part-deps.js';

/** The pages a panel's QR code opens, where the server signs such links. */
function phoneLinks(slots: PartDeps['slots'], clock: PartDeps['clock']): Pick<HttpContext, 'phoneLinks'> {
  const links = slots.get('links');
  if (!links) return {};
  const publisher = slots.get('publisher');
  return { phoneLinks: { clock, rooms: slots.get('rooms'), bookings: slots.get('bookings'), links, status: (id) => publisher.snapshot(id)?.state.status } };
}

/** The HTTP API, the event streams and the pages; a rotated admin token ends the streams opened with the old one. */
export function httpPart(deps: PartDeps): Part {
  const { opts, config, clock, log, slots, events } = deps;
  const owner = 'http';
  return {
    name: owner,
    async start() {
      const store = slots.get('store');
      const tokens = slots.get('tokens');
      const streams = slots.set('streams', new StreamHub({ clock, heartbeatMs: config.server.stream.heartbeatSecs * 1000 }));
      events.on(owner, 'token.rotated', () => streams.recheckAll());
      const ctx: HttpContext = {
        clock,
        rooms: slots.get('rooms'),
        events: store.events,
        publisher: slots.get('publisher'),
        bookings: slots.get('bookings'),
        devices: slots.get('devices'),
        deviceStore: store.devices,
        tokens: { verify: (token) => tokens.admin.verify(token) },
        health: deps.health,
        metrics: deps.metrics,
        provider: slots.get('provider'),
        notify: slots.get('notify'),
        feed: slots.get('feed'),
        streams,
        notices: store.notices,
        presence: slots.get('presence'),
        seriesFlags: store.seriesFlags,
        rotateAdminToken: () => (tokens.adminPlain = tokens.admin.rotate()),
        fleet: {
          fleet: () => opts.fleet?.() ?? null,
          replication: () => {
            const r = slots.get('replication');
            return r ? { head: r.feed.head(), waits: r.waits, standbys: r.feed.standbys() } : null;
          },
        },
        reports: { rooms: slots.get('rooms'), events: store.events, changes: store.changes, ledger: store.usageReleases, presence: store.presence, now: () => clock.now() },
        ...phoneLinks(slots, clock),
        attendees: slots.get('mail'),
        mail: slots.get('mail').routeDeps(),
      };
      const tls = config.server.http.tls;
      const app = buildHttpApp(createLogger('server:http', log), ctx, { tls: tls && { key: readFileSync(tls.key), cert: readFileSync(tls.cert) }, extra: opts.extraRoutes });
      slots.set('http', app);
      await app.listen({ host: config.server.http.host, port: config.server.http.port });
    },
    async stop() {
      events.off(owner);
      // Open event streams would keep the HTTP server from closing: end them first.
      if (slots.has('streams')) slots.get('streams').stop();
      if (slots.has('http')) await slots.get('http').close();
    },
  };
}
