import type { Clock } from '../../shared/clock.js';
import { openDatabase, schemaVersion, synchronousLevel, type Database, type OpenDatabaseOptions } from './database.js';
import { ChangesRepo } from './repos/changes.js';
import { DevicesRepo } from './repos/devices.js';
import { EventsRepo } from './repos/events.js';
import { IdempotencyRepo } from './repos/idempotency.js';
import { NoticesRepo } from './repos/notices.js';
import { OutboxRepo } from './repos/outbox.js';
import { PushChannelsRepo } from './repos/push-channels.js';
import { RoomsRepo } from './repos/rooms.js';
import { SeriesFlagsRepo } from './repos/series-flags.js';
import { SettingsRepo } from './repos/settings.js';
import { SyncStateRepo } from './repos/sync-state.js';
import { BookingAttendeesRepo } from './repos/booking-attendees.js';
import { MailOutboxRepo } from './repos/mail-outbox.js';
import { RemindersRepo } from './repos/reminders.js';
import { UsageReleasesRepo } from './repos/usage-releases.js';
import { dropCapture, installCapture, ReplicationLog } from '../replication/capture.js';
import { ReplicaApplier } from '../replication/apply.js';
import { PresenceChangesRepo } from './repos/presence-changes.js';

export interface StoreOptions extends OpenDatabaseOptions {
  /** A file path, or `:memory:` for tests and throwaway demos. */
  path: string;
  clock: Clock;
}

/**
 * The server's state in one SQLite database, one repository per table. Repositories share the
 * connection, so `transaction(fn)` spans any of them (nested calls become savepoints).
 */
export class Store {
  readonly rooms: RoomsRepo;
  readonly devices: DevicesRepo;
  readonly events: EventsRepo;
  readonly syncState: SyncStateRepo;
  readonly pushChannels: PushChannelsRepo;
  readonly idempotency: IdempotencyRepo;
  readonly outbox: OutboxRepo;
  readonly changes: ChangesRepo;
  readonly settings: SettingsRepo;
  readonly notices: NoticesRepo;
  readonly seriesFlags: SeriesFlagsRepo;
  readonly attendees: BookingAttendeesRepo;
  readonly mail: MailOutboxRepo;
  readonly reminders: RemindersRepo;
  readonly usageReleases: UsageReleasesRepo;
  /** What the triggers captured, for the standbys (see server/replication). */
  readonly replication: ReplicationLog;
  private applier: ReplicaApplier | null = null;
  readonly presence: PresenceChangesRepo;
  private closed = false;

  /** Takes an open database; use `Store.open` to open one. */
  constructor(
    private readonly db: Database,
    clock: Clock,
  ) {
    this.rooms = new RoomsRepo(db, clock);
    this.devices = new DevicesRepo(db, clock);
    this.events = new EventsRepo(db, clock);
    this.syncState = new SyncStateRepo(db, clock);
    this.pushChannels = new PushChannelsRepo(db, clock);
    this.idempotency = new IdempotencyRepo(db, clock);
    this.outbox = new OutboxRepo(db, clock);
    this.changes = new ChangesRepo(db, clock);
    this.settings = new SettingsRepo(db, clock);
    this.notices = new NoticesRepo(db, clock);
    this.seriesFlags = new SeriesFlagsRepo(db, clock);
    this.attendees = new BookingAttendeesRepo(db, clock);
    this.mail = new MailOutboxRepo(db, clock);
    this.reminders = new RemindersRepo(db, clock);
    this.usageReleases = new UsageReleasesRepo(db);
    this.replication = new ReplicationLog(db);
    this.presence = new PresenceChangesRepo(db);
  }

  /** Applies a leader's history to this store (a standby's side of replication). */
  get replica(): ReplicaApplier {
    this.applier ??= new ReplicaApplier(this.db);
    return this.applier;
  }

  /** Opens (creating and migrating as needed) the database at `opts.path`. */
  static open(opts: StoreOptions): Store {
    const db = openDatabase(opts.path, { ...opts, beforeMigrate: dropCapture });
    try {
      installCapture(db);
    } catch (e) {
      db.close();
      throw e;
    }
    return new Store(db, opts.clock);
  }

  /** Runs `fn` in one transaction: all its writes commit together or, if it throws, none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** How commits reach the disk on this connection (FULL unless opened for the durability bench). */
  synchronous(): ReturnType<typeof synchronousLevel> {
    return synchronousLevel(this.db);
  }

  /** A cheap query for health checks: throws when the database cannot be read. */
  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  get isOpen(): boolean {
    return !this.closed && this.db.open;
  }

  /** Closes the connection (checkpointing the WAL); later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
