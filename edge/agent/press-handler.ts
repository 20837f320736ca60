import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { DeviceConfig, DeviceResponse, Verb } from '../../shared/api/index.js';
import { refusalText, stringsFor } from '../../shared/i18n/room-strings.js';
import type { Logger } from '../../shared/logger.js';
import type { Action, ButtonAction } from '../hal/types.js';
import type { LedFeedback } from './led-feedback.js';
import { RequestTracker, type TrackedRequest } from './request-tracker.js';

/** How long a refused request's reason stays on the panel. */
export const ERROR_SHOW_MS = 10_000;

export interface PressDeps {
  clock: Clock;
  log: Logger;
  led: LedFeedback;
  /** The server's config for this display, null until it arrives. */
  config: () => DeviceConfig | null;
  /** Used until the server's device config arrives. */
  defaults: { requestTtlSecs: number; defaultDurationMins: number };
  canSend: () => boolean;
  send: (verb: Verb, payload: TrackedRequest['payload']) => Promise<void>;
  /** The panel should show what changed; `urgent` answers a person at the door. */
  redraw: (urgent: boolean) => void;
}

/**
 * Turns button presses into requests, follows their answers, and keeps the panel's error line:
 * a refusal's reason (or "no answer") stays shown for ERROR_SHOW_MS.
 */
export class PressHandler {
  private readonly requests: RequestTracker;
  private errorText: string | null = null;
  private errorTimer: TimerHandle | null = null;

  constructor(private readonly deps: PressDeps) {
    this.requests = new RequestTracker({
      clock: deps.clock,
      log: deps.log,
      canSend: deps.canSend,
      send: deps.send,
      onExpired: (request) => this.showError(request.sent ? 'no answer from the server' : 'server unreachable'),
      onChange: () => {
        deps.led.setPending(this.requests.size > 0);
        deps.redraw(true);
      },
    });
  }

  /** The verb waiting for an answer, shown on the panel. */
  get pending(): Action | null {
    return this.requests.pendingVerb();
  }

  get error(): string | null {
    return this.errorText;
  }

  press(action: ButtonAction, source: string): void {
    const ttl = this.deps.config()?.requestTtlSecs ?? this.deps.defaults.requestTtlSecs;
    const verb: Verb = action === 'book-until-next' ? 'book' : action;
    const request = this.requests.press(verb, ttl, this.askFor(action));
    if (!request) return;
    const { transaction, untilNext } = request.payload;
    this.deps.log.info({ verb, source, transaction, queued: !request.sent, ...(untilNext ? { untilNext: true } : {}) }, 'button pressed');
  }

  /** Sends what waited for the server. */
  flush(): void {
    this.requests.flush();
  }

  response(verb: string, response: DeviceResponse): void {
    const { log } = this.deps;
    const request = this.requests.resolve(response);
    if (!request) return log.debug({ transaction: response.transaction }, 'ignored a response to an unknown or finished request');
    if (request.verb !== verb) log.warn({ expected: request.verb, got: verb }, 'response arrived on another verb than its request');
    if (response.status === 'ok') {
      log.info({ verb: request.verb, transaction: response.transaction }, 'request accepted');
      this.clearError();
      this.deps.led.ok();
      this.deps.redraw(true);
      return;
    }
    log.info({ verb: request.verb, transaction: response.transaction, code: response.error?.code }, 'request refused');
    this.showError(this.refusal(response.error));
  }

  stop(): void {
    this.requests.stop();
    this.clearError();
  }

  /** How long a press asks for: the default booking, the first extend step, or up to the next meeting. */
  private askFor(action: ButtonAction): { durationMins?: number; untilNext?: true } {
    const config = this.deps.config();
    switch (action) {
      case 'book':
        return { durationMins: config?.defaultDurationMins ?? this.deps.defaults.defaultDurationMins };
      case 'book-until-next':
        return { untilNext: true };
      case 'extend': {
        // Without a config yet the server takes the display's first step itself.
        const step = config?.extendStepsMins[0];
        return step === undefined ? {} : { durationMins: step };
      }
      default:
        return {};
    }
  }

  /** The error line for a refusal: the room's wording for the codes a person should understand, else the server's message. */
  private refusal(error: DeviceResponse['error']): string {
    if (!error) return 'refused';
    const strings = stringsFor(this.deps.config()?.locale ?? 'en');
    return refusalText(strings, error.code, error.retryAfterSecs) ?? error.message;
  }

  private showError(reason: string): void {
    this.deps.clock.clearTimeout(this.errorTimer);
    this.errorText = reason;
    this.errorTimer = this.deps.clock.setTimeout(() => {
      this.errorTimer = null;
      this.errorText = null;
      this.deps.redraw(false);
    }, ERROR_SHOW_MS);
    this.deps.led.error();
    this.deps.redraw(true);
  }

  private clearError(): void {
    this.deps.clock.clearTimeout(this.errorTimer);
    this.errorTimer = null;
    this.errorText = null;
  }
}
