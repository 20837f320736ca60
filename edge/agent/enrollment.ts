import type { Clock, TimerHandle } from '../../shared/clock.js';
import { decodePayload, encodePayload, enrollmentKeyHash, loginKeyOf, newEnrollmentKey, openSealedSecret, sealKeyOf, topicOf, withKey, type Hello } from '../../shared/api/index.js';
import type { EnrollmentKeyStore } from './credentials.js';
import type { Logger } from '../../shared/logger.js';
import type { MqttTransport } from './transport.js';

/** While pending, the hello is sent again this often, so a restarted server sees the device. */
export const HELLO_RESEND_MS = 3 * 60 * 1000;

export type EnrollmentOutcome = { status: 'approved'; secret: string } | { status: 'refused'; message: string } | { status: 'stopped' };

export interface EnrollmentDeps {
  clock: Clock;
  log: Logger;
  transport: MqttTransport;
  prefix: string;
  deviceId: string;
  url: string;
  token: string;
  hello: () => Hello;
  resendMs?: number;
  /**
   * Where the one-time enrollment key survives a restart while the device waits for approval;
   * without it the key lives as long as the process (a restart then needs an administrator to
   * remove the pending entry).
   */
  keys?: EnrollmentKeyStore;
}

/**
 * A device without a secret asks for one: it connects as `enroll:<id>` with the site's
 * enrollment token, listens on its enrollment reply topic, announces itself with a hello marked
 * `enrolling`, and waits for `approved` (with its secret) or `refused`; `pending` means wait on.
 *
 * It makes a one-time key first. Its hello carries the public key made from it (`sealKey`): the
 * server seals the secret to it (shared/api/sealed-secret.ts), so a copy of the reply, read by
 * someone else who holds the token, is of no use, and the secret is an ordinary password that
 * any broker checking passwords accepts. The enrolling login carries a login key made from it
 * (shared/api/enrollment-key.ts), and the token alone after a refusal, for Mosquitto.
 */
export class Enrollment {
  private resendTimer: TimerHandle | null = null;
  private finish: ((outcome: EnrollmentOutcome) => void) | null = null;
  private done = false;
  private key: string | null = null;

  constructor(private readonly deps: EnrollmentDeps) {}

  async run(): Promise<EnrollmentOutcome> {
    const key = await this.oneTimeKey();
    if (this.done) return { status: 'stopped' };
    this.key = key;
    const { transport, log, prefix, deviceId } = this.deps;
    const replyTopic = topicOf(prefix, 'deviceEnrollment', { device: deviceId });
    const outcome = new Promise<EnrollmentOutcome>((resolve) => (this.finish = resolve));

    // The transport tries the token alone at once after the first refusal, then both in turn.
    let authRefusals = 0;
    transport.on('connect', () => {
      transport
        .subscribe([replyTopic])
        .then(() => this.sendHello())
        .catch((e: unknown) => log.error({ err: (e as Error).message }, 'enrollment: could not subscribe to the reply topic'));
      this.armResend();
    });
    transport.on('message', (topic, payload) => {
      if (topic !== replyTopic) return;
      const reply = decodePayload('deviceEnrollment', payload);
      if (!reply.ok) return log.warn({ topic, reason: reply.error }, 'enrollment: ignored a malformed reply');
      const { status, secret, sealedSecret, message } = reply.value;
      if (status === 'approved') {
        // A plain secret would have been readable by every holder of the token: not taken.
        if (!sealedSecret) return log.error({ topic, plain: secret !== undefined }, 'enrollment: approved without a sealed secret (is the server older than this display?); still waiting');
        let opened: string;
        try {
          opened = openSealedSecret(sealedSecret, key, deviceId);
        } catch (e) {
          return log.error({ topic, err: (e as Error).message }, 'enrollment: could not open the sealed secret; still waiting');
        }
        log.info({ deviceId }, 'enrollment approved');
        return this.settle({ status: 'approved', secret: opened });
      }
      if (status === 'refused') {
        log.error({ deviceId, message }, 'enrollment refused by the server; not retrying');
        return this.settle({ status: 'refused', message: message ?? 'refused' });
      }
      log.info({ deviceId, message }, 'enrollment pending: waiting for an administrator to approve this device');
    });
    transport.on('error', (e) => {
      if (e.kind === 'auth' && ++authRefusals === 1) log.info({ code: e.code }, 'the broker refused the enrollment login with the key; next the token alone (a broker that compares plain passwords)');
      else if (e.kind === 'auth') log.error({ code: e.code }, 'the broker refused the enrollment login (check edge.enrollmentToken; or this id is bound to another key: ask an administrator to reset the device); retrying with backoff');
      else if (e.kind === 'tls') log.error({ err: e.message }, 'refused the broker: its TLS certificate is not the pinned one; the token was not sent; retrying with backoff');
      else log.warn({ kind: e.kind, code: e.code, err: e.message }, 'enrollment: connection problem');
    });

    log.info({ deviceId, url: this.deps.url }, 'no device secret: enrolling');
    transport.connect({ url: this.deps.url, clientId: deviceId, username: `enroll:${deviceId}`, password: withKey(this.deps.token, loginKeyOf(key)), altPassword: this.deps.token });
    return outcome;
  }

  /** The stored key while one is kept, else a new one (stored when a store is given). */
  private async oneTimeKey(): Promise<string> {
    const { keys, log } = this.deps;
    try {
      const stored = await keys?.loadEnrollmentKey();
      if (stored) return stored;
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'enrollment: the stored enrollment key is unusable; making a new one');
    }
    const key = newEnrollmentKey();
    try {
      await keys?.saveEnrollmentKey(key);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'enrollment: could not store the enrollment key; a restart before approval needs an administrator');
    }
    return key;
  }

  async stop(): Promise<void> {
    this.settle({ status: 'stopped' });
    await this.deps.transport.end(true);
  }

  private settle(outcome: EnrollmentOutcome): void {
    if (this.done) return;
    this.done = true;
    this.deps.clock.clearTimeout(this.resendTimer);
    this.resendTimer = null;
    this.finish?.(outcome);
  }

  private sendHello(): void {
    if (this.done || !this.deps.transport.connected) return;
    const topic = topicOf(this.deps.prefix, 'deviceHello', { device: this.deps.deviceId });
    this.deps.transport
      .publish(topic, encodePayload('deviceHello', { ...this.deps.hello(), enrolling: true, ...(this.key ? { sealKey: sealKeyOf(this.key), enrollmentKey: enrollmentKeyHash(loginKeyOf(this.key)) } : {}) }), { qos: 1 })
      .catch((e: unknown) => this.deps.log.warn({ err: (e as Error).message }, 'enrollment: hello not sent'));
  }

  private armResend(): void {
    if (this.done) return;
    this.deps.clock.clearTimeout(this.resendTimer);
    this.resendTimer = this.deps.clock.setTimeout(() => {
      this.resendTimer = null;
      this.sendHello();
      this.armResend();
    }, this.deps.resendMs ?? HELLO_RESEND_MS);
  }
}
