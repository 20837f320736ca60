import type { Clock } from '../../../shared/clock.js';
import type { MicrosoftProviderConfig } from '../../../shared/config/schema.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';
import { OutboxWorker } from '../../sync/outbox-worker.js';
import { LocalMirror } from '../../sync/local-mirror.js';
import { RequestBudget } from '../../sync/request-budget.js';
import { RequestRunner } from '../../sync/request-runner.js';
import { SyncScheduler } from '../../sync/sync-scheduler.js';
import type { WebhookAnswer, WebhookRequest } from '../../webhooks/webhook-server.js';
import { bookingEventId } from '../local/booking-id.js';
import type { BookingRequest, CalendarProvider, ProviderResource } from '../provider.js';
import { BookingIds } from './booking-ids.js';
import { GraphSubscriptions, notificationsOf } from './graph-subscriptions.js';
import { GraphSync, MICROSOFT } from './graph-sync.js';
import type { GraphApi, GraphEvent } from './graph-types.js';
import { sendGraphWrite, SYNC_KIND, WRITE_KIND, type GraphWrite } from './graph-writes.js';
import { MailboxLimit } from './mailbox-limit.js';

export interface MicrosoftProviderDeps {
  api: GraphApi;
  store: Store;
  clock: Clock;
  config: MicrosoftProviderConfig;
  log: Logger;
  random?: () => number;
}

/** Graph's limit of concurrent requests per mailbox. */
const PER_MAILBOX = 4;

/**
 * Microsoft 365 room mailboxes. Reads: each room mailbox's calendar view is copied into the
 * store through delta queries, triggered by change notifications or, without a public webhook,
 * by polling. Writes: recorded locally with an outbox row in one transaction, then sent to the
 * room mailbox's own calendar; a create carries a transactionId derived from the booking key,
 * so a repeat after a crash returns the event the first try made. Check-in stays local.
 */
export class MicrosoftProvider implements CalendarProvider {
  readonly kind = MICROSOFT;
  readonly readOnly = false;
  readonly budget: RequestBudget;
  readonly runner: RequestRunner;
  readonly limit = new MailboxLimit(PER_MAILBOX);
  readonly subscriptions: GraphSubscriptions | null;
  readonly ids: BookingIds;
  private readonly syncer: GraphSync;
  private readonly worker: OutboxWorker;
  private readonly scheduler: SyncScheduler;
  private readonly mirror: LocalMirror;
  private started: Promise<void> | null = null;

  constructor(private readonly deps: MicrosoftProviderDeps) {
    this.mirror = new LocalMirror({ store: deps.store, log: deps.log, worker: () => this.worker, providerName: 'Microsoft Graph' });
    const { config, clock, log, store, api } = deps;
    this.ids = new BookingIds(store.settings);
    const limit = <T>(mailbox: string, fn: () => Promise<T>): Promise<T> => this.limit.run(mailbox, fn);
    this.budget = new RequestBudget(clock, config.budget.requests, config.budget.windowSecs * 1000);
    this.runner = new RequestRunner({ clock, budget: this.budget, log, random: deps.random, provider: MICROSOFT });
    this.syncer = new GraphSync({ api, runner: this.runner, store, clock, log, ids: this.ids, limit, pendingIds: (roomId) => this.pendingCreates(roomId) });
    this.worker = new OutboxWorker({
      clock,
      outbox: store.outbox,
      log,
      random: deps.random,
      kinds: {
        [WRITE_KIND]: {
          send: (item) => sendGraphWrite(item, { api, runner: this.runner, ids: this.ids, limit }),
          gaveUp: (item) => this.undo(item.roomId, item.payload as GraphWrite),
        },
        [SYNC_KIND]: { send: async (item) => void (await this.sync(item.roomId ?? '')) },
      },
    });
    this.scheduler = new SyncScheduler({
      clock,
      log,
      rooms: () => this.rooms().map((r) => r.id),
      sync: (roomId) => this.sync(roomId),
      pollMs: config.webhook ? null : config.pollSecs * 1000,
      onStale: (roomId, stale) => {
        this.mirror.emitStale(roomId, stale);
      },
    });
    const base = config.webhook?.publicUrl.replace(/\/$/, '');
    this.subscriptions = base
      ? new GraphSubscriptions({ api, runner: this.runner, store, clock, log, notificationUrl: `${base}/webhooks/microsoft`, lifecycleUrl: `${base}/webhooks/microsoft/lifecycle`, rooms: () => this.rooms() })
      : null;
  }

  /** Rooms with a mailbox (room email) configured. */
  private rooms(): Array<{ id: string; mailbox: string }> {
    return this.deps.store.rooms.list().flatMap((r) => (r.calendar ? [{ id: r.id, mailbox: r.calendar }] : []));
  }

  private mailboxOf(roomId: string): string {
    const room = this.deps.store.rooms.get(roomId);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    if (!room.calendar) throw new DoorplateError('BAD_REQUEST', `room ${roomId} has no calendar: set rooms[].calendar to its room mailbox address`);
    return room.calendar;
  }

  async start(): Promise<void> {
    this.worker.start();
    // The first syncs run in the background: a slow or absent Graph must not hold up the server.
    this.started = (async () => {
      await this.scheduler.start();
      await this.subscriptions?.start();
    })();
  }

  async stop(): Promise<void> {
    this.subscriptions?.stop();
    await this.scheduler.stop();
    await this.started?.catch(() => undefined);
    await this.worker.stop();
    this.deps.api.close();
  }

  /** Resolves once the first sync of every room has been tried (tests, the benchmark). */
  async ready(): Promise<void> {
    await this.started;
  }

  async sync(roomId: string): Promise<{ changed: boolean }> {
    const { changed } = await this.syncer.sync(roomId, this.mailboxOf(roomId));
    if (changed) this.mirror.emit(roomId);
    return { changed };
  }

  requestSync(roomId: string): Promise<void> {
    return this.scheduler.request(roomId);
  }

  async book(req: BookingRequest): Promise<CalendarEvent> {
    const mailbox = this.mailboxOf(req.roomId);
    const id = bookingEventId(req.key);
    return this.mirror.book(req, id, new Date(this.deps.clock.now()).toISOString(), WRITE_KIND, (): GraphWrite => {
      const body: GraphEvent = {
        subject: req.title,
        start: { dateTime: utc(req.start), timeZone: 'UTC' },
        end: { dateTime: utc(req.end), timeZone: 'UTC' },
        transactionId: id,
        showAs: 'busy',
        ...(req.organizer ? { attendees: [{ emailAddress: { address: req.organizer }, type: 'required' }] } : {}),
      };
      return { op: 'create', mailbox, localId: id, body };
    });
  }

  async setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent> {
    const mailbox = this.mailboxOf(roomId);
    return this.mirror.setEnd(roomId, eventId, end, WRITE_KIND, (): GraphWrite => ({ op: 'patch', mailbox, eventId, patch: { end: { dateTime: utc(end), timeZone: 'UTC' } } }));
  }

  async cancel(roomId: string, eventId: string): Promise<void> {
    const mailbox = this.mailboxOf(roomId);
    await this.mirror.cancel(roomId, eventId, WRITE_KIND, (current): GraphWrite => ({ op: 'release', mailbox, eventId, how: current.bookedVia !== 'provider' ? 'cancel' : 'decline' }));
  }

  async checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent> {
    this.mailboxOf(roomId);
    return this.mirror.checkIn(roomId, eventId, at);
  }

  onRoomChanged(listener: (roomId: string) => void): () => void {
    return this.mirror.onRoomChanged(listener);
  }

  onStaleChanged(listener: (roomId: string, stale: boolean) => void): () => void {
    return this.mirror.onStaleChanged(listener);
  }

  async listResources(): Promise<ProviderResource[]> {
    const rooms = await this.runner.run('places.rooms', () => this.deps.api.listRooms());
    return rooms.map((r) => ({ id: r.id, name: r.displayName, email: r.emailAddress, capacity: r.capacity }));
  }

  /**
   * `POST /webhooks/microsoft`: the validation handshake, or change notifications. Each verified
   * notification records its room as due for a sync (outbox) before the 202 goes out; the syncs
   * run after the answer. Forged ones (wrong clientState) are logged and not acted on.
   */
  notification(req: WebhookRequest): WebhookAnswer {
    const handshake = validation(req);
    if (handshake) return handshake;
    const subs = this.subscriptions;
    if (!subs) return { status: 404 };
    const items = notificationsOf(req.body);
    if (!items) return { status: 400, body: 'body: expected {"value": [...]}' };
    const rooms = new Set<string>();
    const strays = new Set<string>();
    let refused = 0;
    for (const item of items) {
      const c = subs.check(item);
      if (c.kind === 'ok') rooms.add(c.roomId);
      // Not ours any more (its room was removed, and the row with it): only our own app can delete it at Graph.
      else if (c.kind === 'unknown') strays.add(c.subscriptionId);
      else {
        refused++;
        this.deps.log.warn({ remote: req.remote, why: c.why }, 'refused a Graph notification');
      }
    }
    if (rooms.size === 0 && strays.size === 0 && refused > 0) return { status: 403 };
    for (const id of strays) this.deps.log.warn({ remote: req.remote, subscription: id }, 'notification for a subscription we do not hold; deleting it');
    const ids = [...rooms].map((roomId) => this.queueSync(roomId));
    return { status: 202, after: () => Promise.all([...ids.map((id) => this.worker.send(id)), ...[...strays].map((id) => subs.remove(id))]) };
  }

  /** `POST /webhooks/microsoft/lifecycle`: the validation handshake, or lifecycle events. */
  lifecycle(req: WebhookRequest): WebhookAnswer {
    const handshake = validation(req);
    if (handshake) return handshake;
    const subs = this.subscriptions;
    if (!subs) return { status: 404 };
    const items = notificationsOf(req.body);
    if (!items) return { status: 400, body: 'body: expected {"value": [...]}' };
    const work: Array<() => Promise<unknown>> = [];
    let accepted = 0;
    for (const item of items) {
      const c = subs.check(item);
      if (c.kind !== 'ok') {
        this.deps.log.warn({ remote: req.remote, ...(c.kind === 'refused' ? { why: c.why } : { subscription: c.subscriptionId }) }, 'refused a Graph lifecycle notification');
        continue;
      }
      accepted++;
      const { roomId, subscriptionId } = c;
      this.deps.log.info({ room: roomId, subscription: subscriptionId, event: item.lifecycleEvent }, 'Graph lifecycle event');
      switch (item.lifecycleEvent) {
        case 'reauthorizationRequired':
          work.push(() => subs.reauthorize(subscriptionId));
          break;
        case 'subscriptionRemoved': {
          const id = this.queueSync(roomId);
          work.push(async () => {
            await subs.replace(subscriptionId);
            await this.worker.send(id);
          });
          break;
        }
        case 'missed': {
          const id = this.queueSync(roomId);
          work.push(() => this.worker.send(id));
          break;
        }
        default:
          this.deps.log.warn({ event: item.lifecycleEvent }, 'unknown Graph lifecycle event; ignored');
      }
    }
    if (accepted === 0 && items.length > 0) return { status: 403 };
    return { status: 202, after: async () => Promise.all(work.map((w) => w())) };
  }

  private queueSync(roomId: string): number {
    const queued = this.deps.store.outbox.list({ kind: SYNC_KIND, state: 'pending' }).find((i) => i.roomId === roomId);
    return queued?.id ?? this.deps.store.outbox.enqueue({ kind: SYNC_KIND, roomId, payload: { reason: 'notification' } });
  }

  private pendingCreates(roomId: string): Set<string> {
    const ids = new Set<string>();
    for (const item of this.deps.store.outbox.list({ kind: WRITE_KIND, state: 'pending' })) {
      const w = item.payload as GraphWrite;
      if (item.roomId === roomId && w.op === 'create') ids.add(w.localId);
    }
    return ids;
  }

  /** Graph refused a write for good: take back the local create, and let Graph's copy win. */
  private undo(roomId: string | null, w: GraphWrite): void {
    if (!roomId) return;
    if (w.op === 'create') {
      this.deps.store.events.remove(roomId, w.localId);
      this.ids.forget(roomId, w.localId);
    }
    this.mirror.emit(roomId);
    void this.scheduler.request(roomId);
  }

}

/** An instant with any offset as Graph's UTC wall time (`2026-03-02T10:00:00`). */
function utc(instant: string): string {
  return new Date(instant).toISOString().slice(0, 19);
}

/** Graph proves an endpoint by POSTing `?validationToken=`: echo it, decoded, as plain text. */
function validation(req: WebhookRequest): WebhookAnswer | null {
  const token = req.query.get('validationToken');
  if (token === null) return null;
  return { status: 200, body: token, contentType: 'text/plain; charset=utf-8' };
}
