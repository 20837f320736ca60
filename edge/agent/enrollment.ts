import type { Clock, TimerHandle } from '../../shared/clock.js';
import { decodePayload, encodePayload, topicOf, type Hello } from '../../shared/api/index.js';
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
}

/**
 * A device without a secret asks for one: it connects as `enroll:<id>` with the site's
 * enrollment token, listens on its enrollment reply topic, announces itself with a hello marked
 * `enrolling`, and waits for `approved` (with its secret) or `refused`; `pending` means wait on.
 */
export class Enrollment {
  private resendTimer: TimerHandle | null = null;
  private finish: ((outcome: EnrollmentOutcome) => void) | null = null;
  private done = false;

  constructor(private readonly deps: EnrollmentDeps) {}

  run(): Promise<EnrollmentOutcome> {
    const { transport, log, prefix, deviceId } = this.deps;
    const replyTopic = topicOf(prefix, 'deviceEnrollment', { device: deviceId });
    const outcome = new Promise<EnrollmentOutcome>((resolve) => (this.finish = resolve));

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
      const { status, secret, message } = reply.value;
      if (status === 'approved') {
        if (!secret) return log.error({ topic }, 'enrollment: approved without a secret; still waiting');
        log.info({ deviceId }, 'enrollment approved');
        return this.settle({ status: 'approved', secret });
      }
      if (status === 'refused') {
        log.error({ deviceId, message }, 'enrollment refused by the server; not retrying');
        return this.settle({ status: 'refused', message: message ?? 'refused' });
      }
      log.info({ deviceId, message }, 'enrollment pending: waiting for an administrator to approve this device');
    });
    transport.on('error', (e) => {
      if (e.kind === 'auth') log.error({ code: e.code }, 'the broker refused the enrollment token (check edge.enrollmentToken); retrying with backoff');
      else if (e.kind === 'tls') log.error({ err: e.message }, 'refused the broker: its TLS certificate is not the pinned one; the token was not sent; retrying with backoff');
      else log.warn({ kind: e.kind, code: e.code, err: e.message }, 'enrollment: connection problem');
    });

    log.info({ deviceId, url: this.deps.url }, 'no device secret: enrolling');
    transport.connect({ url: this.deps.url, clientId: deviceId, username: `enroll:${deviceId}`, password: this.deps.token });
    return outcome;
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
      .publish(topic, encodePayload('deviceHello', { ...this.deps.hello(), enrolling: true }), { qos: 1 })
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
