import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { DeviceRequest, DeviceResponse, Verb } from '../../shared/api/index.js';
import type { Logger } from '../../shared/logger.js';
import { newTransaction } from './transaction.js';

export interface TrackedRequest {
  verb: Verb;
  payload: DeviceRequest;
  expiresAtMs: number;
  sent: boolean;
}

export interface RequestTrackerDeps {
  clock: Clock;
  log: Logger;
  /** Whether the server can be reached now; unsent requests wait for it until they expire. */
  canSend: () => boolean;
  /** Publishes the request; rejects when it could not be handed to the broker. */
  send: (verb: Verb, payload: DeviceRequest) => Promise<void>;
  /** A request ended without an answer: expired unsent (`sent` false) or unanswered. */
  onExpired: (request: TrackedRequest) => void;
  /** The set of waiting requests changed. */
  onChange: () => void;
  newTransaction?: () => string;
}

/**
 * Button requests between the press and the server's answer.
 *
 * Decision: a press while the server is unreachable is kept (the LED blinks) and sent as soon as
 * the server is back, but only until its `expiresAt`; at that instant it is dropped and shown as
 * an error, never replayed later. Waiting a little covers the common blip (a broker restart, a
 * Wi-Fi roam) without the risk the contract forbids: booking a room long after the press.
 * A second press of the same verb while one is waiting is ignored, so an impatient double press
 * does not book twice.
 */
export class RequestTracker {
  private readonly waiting = new Map<string, { request: TrackedRequest; timer: TimerHandle }>();
  private readonly makeTransaction: () => string;

  constructor(private readonly deps: RequestTrackerDeps) {
    this.makeTransaction = deps.newTransaction ?? newTransaction;
  }

  get size(): number {
    return this.waiting.size;
  }

  /** The oldest waiting request's verb, for the panel's "pending" mark. */
  pendingVerb(): Verb | null {
    for (const { request } of this.waiting.values()) return request.verb;
    return null;
  }

  /** Starts a request; null when one of the same verb is already waiting. */
  press(verb: Verb, ttlSecs: number, ask: Pick<DeviceRequest, 'durationMins' | 'untilNext'> = {}): TrackedRequest | null {
    for (const { request } of this.waiting.values()) {
      if (request.verb === verb) {
        this.deps.log.info({ verb, transaction: request.payload.transaction }, 'ignored a repeated press while the first request waits');
        return null;
      }
    }
    const now = this.deps.clock.now();
    const expiresAtMs = now + ttlSecs * 1000;
    const payload: DeviceRequest = {
      transaction: this.makeTransaction(),
      pressedAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAtMs).toISOString(),
      ...(ask.untilNext ? { untilNext: true as const } : ask.durationMins !== undefined ? { durationMins: ask.durationMins } : {}),
    };
    const request: TrackedRequest = { verb, payload, expiresAtMs, sent: false };
    const timer = this.deps.clock.setTimeout(() => this.expire(payload.transaction), ttlSecs * 1000);
    this.waiting.set(payload.transaction, { request, timer });
    this.deps.onChange();
    this.trySend(request);
    return request;
  }

  /** Sends what waits unsent; call when the server becomes reachable. */
  flush(): void {
    for (const { request } of [...this.waiting.values()]) {
      if (!request.sent) this.trySend(request);
    }
  }

  /** Matches a response to its request; null when the transaction is unknown (late or foreign). */
  resolve(response: DeviceResponse): TrackedRequest | null {
    const entry = this.waiting.get(response.transaction);
    if (!entry) return null;
    this.deps.clock.clearTimeout(entry.timer);
    this.waiting.delete(response.transaction);
    this.deps.onChange();
    return entry.request;
  }

  stop(): void {
    for (const { timer } of this.waiting.values()) this.deps.clock.clearTimeout(timer);
    this.waiting.clear();
  }

  private trySend(request: TrackedRequest): void {
    if (request.sent || !this.deps.canSend()) return;
    // Never hand the broker a request that is already past its expiry.
    if (this.deps.clock.now() >= request.expiresAtMs) return;
    request.sent = true;
    this.deps.send(request.verb, request.payload).then(
      () => this.deps.log.info({ verb: request.verb, transaction: request.payload.transaction }, 'request sent'),
      (e: unknown) => {
        request.sent = false;
        this.deps.log.warn({ verb: request.verb, transaction: request.payload.transaction, err: (e as Error).message }, 'request not sent; it waits until it expires');
      },
    );
  }

  private expire(transaction: string): void {
    const entry = this.waiting.get(transaction);
    if (!entry) return;
    this.waiting.delete(transaction);
    const { request } = entry;
    this.deps.log.warn(
      { verb: request.verb, transaction, sent: request.sent },
      request.sent ? 'request expired without an answer' : 'request expired before the server could be reached; dropped unsent',
    );
    this.deps.onExpired(request);
    this.deps.onChange();
  }
}
