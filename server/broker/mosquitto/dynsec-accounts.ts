import type { Logger } from '../../../shared/logger.js';
import type { Device } from '../../store/repos/devices.js';
import { brokerGrants, type Grant } from '../acl-grants.js';
import type { Identity } from '../acl.js';
import { ENROLL_PREFIX } from '../authenticator.js';
import type { BrokerAccounts } from '../broker-accounts.js';
import type { DynsecClient, DynsecCommand } from './dynsec-client.js';

/**
 * The fleet's accounts on Mosquitto with the dynamic security plugin.
 *
 * - a device: client `<id>` (bound to client id `<id>`, its secret as password) with role
 *   `doorplate-device-<id>`: exactly what acl.ts grants it, its room included; a move rewrites
 *   the role (deliveries are checked against it, so the old room stops at once); revoke deletes
 *   the client, which the plugin also disconnects.
 * - enrolling: client `enroll:<id>` (client id `<id>`, the enrollment token as password) with
 *   role `doorplate-enroll-<id>`: its hello and availability, its own enrollment reply. The plugin
 *   has no per-client-id patterns, so these accounts exist only for ids the site lists.
 * - `doorplate-server` (added to the server's own login), `doorplate-inspector` and
 *   `doorplate-homeassistant`: the roles an operator gives to inspector accounts made in
 *   Mosquitto (their passwords are only known there).
 *
 * Every role also denies, at the lowest priority, receiving anything under the prefix: the
 * plugin's default lets every client receive, and a site's Mosquitto may serve other clients
 * whose defaults must not change.
 */
export interface DynsecAccountsOptions {
  dynsec: DynsecClient;
  prefix: string;
  /** The server's own login: it gets the server role. */
  serverUsername: string;
  discoveryPrefix: string;
  /** The enrollment token when known; null = no enrollment accounts (closed or hash only). */
  enrollmentToken: () => string | null;
  /** Device ids that may enroll (listed by the site). */
  enrollableIds: () => readonly string[];
  device: (id: string) => Device | null;
  log: Logger;
}

export const ROLES = {
  server: 'doorplate-server',
  inspector: 'doorplate-inspector',
  homeAssistant: 'doorplate-homeassistant',
  device: (id: string) => `doorplate-device-${id}`,
  enrolling: (id: string) => `doorplate-enroll-${id}`,
};

const NOT_FOUND = ['not found'];
const EXISTS = ['already exists'];

export class DynsecAccounts implements BrokerAccounts {
  /** Changes go to the broker one after another, in the order they happened. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The token each enrolling account was given by this process: setting a password disconnects. */
  private readonly enrollPasswords = new Map<string, string>();
  /** Devices whose enrolling account this process has removed (a device changes often). */
  private readonly enrollRemoved = new Set<string>();

  constructor(private readonly opts: DynsecAccountsOptions) {}

  sync(devices: readonly Device[]): Promise<void> {
    return this.serial(async () => {
      const { prefix, discoveryPrefix } = this.opts;
      await this.ensureRole(ROLES.server, brokerGrants({ kind: 'server' }, prefix), false);
      await this.ensureOwnRole();
      await this.ensureRole(ROLES.inspector, brokerGrants({ kind: 'inspector', username: 'inspector' }, prefix));
      await this.ensureRole(ROLES.homeAssistant, brokerGrants({ kind: 'inspector', username: 'homeassistant', homeAssistant: { discoveryPrefix } }, prefix));
      const known = new Set(devices.map((d) => d.id));
      for (const d of devices) await this.applyDevice(d);
      for (const id of this.opts.enrollableIds()) if (!known.has(id)) await this.ensureEnrolling(id);
      this.opts.log.info({ devices: devices.length }, 'broker accounts in step with the fleet');
    });
  }

  deviceChanged(device: Device): Promise<void> {
    return this.serial(() => this.applyDevice(device));
  }

  beforeConfig(deviceId: string): Promise<void> {
    return this.serial(async () => {
      const d = this.opts.device(deviceId);
      if (d) await this.applyDevice(d);
    });
  }

  secretIssued(deviceId: string, secret: string): Promise<void> {
    return this.serial(async () => {
      const d = this.opts.device(deviceId);
      const role = ROLES.device(deviceId);
      await this.ensureRole(role, this.deviceGrants(deviceId, d?.roomId ?? null));
      const [created] = await this.opts.dynsec.run(
        [{ command: 'createClient', username: deviceId, password: secret, clientid: deviceId, roles: [{ rolename: role }] }],
        EXISTS,
      );
      if (created?.error !== undefined) {
        await this.opts.dynsec.run(
          [
            { command: 'setClientPassword', username: deviceId, password: secret },
            { command: 'addClientRole', username: deviceId, rolename: role },
          ],
          ['already'],
        );
      }
      this.opts.log.info({ device: deviceId }, 'device account ready on the broker');
    });
  }

  stop(): Promise<void> {
    return this.queue.then(() => undefined, () => undefined);
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The server's login gets the server role once (the change disconnects it). */
  private async ensureOwnRole(): Promise<void> {
    const username = this.opts.serverUsername;
    const [got] = await this.opts.dynsec.run([{ command: 'getClient', username }]);
    const roles = (got?.data?.client as { roles?: Array<{ rolename: string }> } | undefined)?.roles ?? [];
    if (roles.some((r) => r.rolename === ROLES.server)) return;
    await this.opts.dynsec.changeOwnAccount({ command: 'addClientRole', username, rolename: ROLES.server, priority: 10 });
  }

  private deviceGrants(deviceId: string, roomId: string | null): Grant[] {
    return brokerGrants({ kind: 'device', deviceId, roomId }, this.opts.prefix);
  }

  private async applyDevice(d: Device): Promise<void> {
    if (d.status === 'revoked') {
      // Deleting a client disconnects it at once.
      await this.opts.dynsec.run(
        [
          { command: 'deleteClient', username: d.id },
          { command: 'deleteClient', username: `${ENROLL_PREFIX}${d.id}` },
          { command: 'deleteRole', rolename: ROLES.device(d.id) },
          { command: 'deleteRole', rolename: ROLES.enrolling(d.id) },
        ],
        NOT_FOUND,
      );
      this.enrollPasswords.delete(d.id);
      return;
    }
    if (d.status === 'approved') await this.ensureRole(ROLES.device(d.id), this.deviceGrants(d.id, d.roomId));
    // Until the device used its secret it may ask again for it (it lost the reply); after that
    // the enrolling account would only let a holder of the token take the device's client id.
    if (!d.secretConfirmed) await this.ensureEnrolling(d.id);
    else await this.removeEnrolling(d.id);
  }

  private async removeEnrolling(id: string): Promise<void> {
    if (this.enrollRemoved.has(id)) return;
    await this.opts.dynsec.run(
      [
        { command: 'deleteClient', username: `${ENROLL_PREFIX}${id}` },
        { command: 'deleteRole', rolename: ROLES.enrolling(id) },
      ],
      NOT_FOUND,
    );
    this.enrollPasswords.delete(id);
    this.enrollRemoved.add(id);
  }

  private async ensureEnrolling(id: string): Promise<void> {
    const token = this.opts.enrollmentToken();
    if (token === null) return;
    this.enrollRemoved.delete(id);
    const role = ROLES.enrolling(id);
    const identity: Identity = { kind: 'enrolling', deviceId: id };
    await this.ensureRole(role, brokerGrants(identity, this.opts.prefix));
    const username = `${ENROLL_PREFIX}${id}`;
    if (this.enrollPasswords.get(id) === token) return;
    const [created] = await this.opts.dynsec.run([{ command: 'createClient', username, password: token, clientid: id, roles: [{ rolename: role }] }], EXISTS);
    if (created?.error !== undefined) await this.opts.dynsec.run([{ command: 'setClientPassword', username, password: token }]);
    this.enrollPasswords.set(id, token);
  }

  /** Creates the role, or brings its ACLs to exactly `grants` (what is right stays untouched). */
  private async ensureRole(rolename: string, grants: readonly Grant[], denyRest = true): Promise<void> {
    const wanted = grants.map((g) => ({ ...g, allow: true, priority: 1 }));
    if (denyRest) wanted.push({ acltype: 'publishClientReceive', topic: `${this.opts.prefix}/#`, allow: false, priority: 0 });
    const [got] = await this.opts.dynsec.run([{ command: 'getRole', rolename }], NOT_FOUND);
    if (got?.error !== undefined) {
      await this.opts.dynsec.run([{ command: 'createRole', rolename, acls: wanted }]);
      return;
    }
    const role = got?.data?.role as { acls?: Array<{ acltype: string; topic: string; allow: boolean; priority?: number }> } | undefined;
    const have = role?.acls ?? [];
    const key = (a: { acltype: string; topic: string; allow: boolean; priority?: number }) => `${a.acltype} ${a.topic} ${a.allow} ${a.priority ?? 0}`;
    const wantedKeys = new Set(wanted.map(key));
    const haveKeys = new Set(have.map(key));
    const commands: DynsecCommand[] = [
      ...have.filter((a) => !wantedKeys.has(key(a))).map((a) => ({ command: 'removeRoleACL', rolename, acltype: a.acltype, topic: a.topic })),
      ...wanted.filter((a) => !haveKeys.has(key(a))).map((a) => ({ command: 'addRoleACL', rolename, ...a })),
    ];
    await this.opts.dynsec.run(commands);
  }
}
