import type { OAuth2Client } from 'google-auth-library';
import type { Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { Store } from '../store/store.js';
import { WebhookServer } from '../webhooks/webhook-server.js';
import { createGoogleApi, serviceAccountAuth } from './google/google-api.js';
import { GoogleProvider } from './google/google-provider.js';
import { CaldavProvider } from './caldav/caldav-provider.js';
import { IcsProvider } from './ics/ics-provider.js';
import { LocalProvider } from './local/local-provider.js';
import { createGraphApi } from './microsoft/graph-api.js';
import { clientCredentialsToken } from './microsoft/graph-auth.js';
import { MicrosoftProvider } from './microsoft/microsoft-provider.js';
import type { CalendarProvider } from './provider.js';

export interface ProviderParts {
  provider: CalendarProvider;
  /** The HTTPS listener for push notifications, when the config names one; start it after the provider. */
  webhook: WebhookServer | null;
  /** Tells when a room's data turns stale (provider unreachable) or fresh again. */
  onStale: (listener: (roomId: string, stale: boolean) => void) => () => void;
}

export interface ProviderDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  defaultTimeZone: string;
  /** Credentials injected instead of the configured ones (tests, tokens from elsewhere). */
  googleAuth?: OAuth2Client;
  /** A Graph access-token source instead of MSAL client credentials (tests). */
  graphToken?: () => Promise<string>;
  /** One more certificate authority to trust for the Graph API root (a test fake's self-signed one). */
  graphCa?: string;
}

/** Builds the calendar provider the config asks for, with its webhook listener. */
export function createProvider(config: Config, deps: ProviderDeps): ProviderParts {
  const p = config.provider;
  switch (p.kind) {
    case 'local':
      return {
        provider: new LocalProvider({ store: deps.store, clock: deps.clock, defaultTimeZone: deps.defaultTimeZone, logger: createLogger('server:provider:local', deps.log) }),
        webhook: null,
        onStale: () => () => undefined,
      };
    case 'google': {
      const log = createLogger('server:sync:google', deps.log);
      const api = createGoogleApi({ auth: deps.googleAuth ?? serviceAccountAuth(p), apiRoot: p.apiRoot, now: () => deps.clock.now() });
      const provider = new GoogleProvider({ api, store: deps.store, clock: deps.clock, config: p, log });
      const webhook = p.webhook
        ? new WebhookServer({
            host: p.webhook.host,
            port: p.webhook.port,
            keyPath: p.webhook.key,
            certPath: p.webhook.cert,
            routes: { '/webhooks/google': (req) => provider.notification(req) },
            log: createLogger('server:webhooks', deps.log),
          })
        : null;
      return { provider, webhook, onStale: (l) => provider.onStaleChanged(l) };
    }
    case 'microsoft': {
      const log = createLogger('server:sync:microsoft', deps.log);
      const api = createGraphApi({ getToken: deps.graphToken ?? clientCredentialsToken(p), apiRoot: p.apiRoot, ca: deps.graphCa, now: () => deps.clock.now() });
      const provider = new MicrosoftProvider({ api, store: deps.store, clock: deps.clock, config: p, log });
      const webhook = p.webhook
        ? new WebhookServer({
            host: p.webhook.host,
            port: p.webhook.port,
            keyPath: p.webhook.key,
            certPath: p.webhook.cert,
            routes: { '/webhooks/microsoft': (req) => provider.notification(req), '/webhooks/microsoft/lifecycle': (req) => provider.lifecycle(req) },
            log: createLogger('server:webhooks', deps.log),
          })
        : null;
      return { provider, webhook, onStale: (l) => provider.onStaleChanged(l) };
    }
    case 'ics': {
      const provider = new IcsProvider({ store: deps.store, clock: deps.clock, config: p, log: createLogger('server:sync:ics', deps.log), defaultTimeZone: deps.defaultTimeZone });
      return { provider, webhook: null, onStale: (l) => provider.onStaleChanged(l) };
    }
    case 'caldav': {
      const provider = new CaldavProvider({ store: deps.store, clock: deps.clock, config: p, log: createLogger('server:sync:caldav', deps.log), defaultTimeZone: deps.defaultTimeZone });
      return { provider, webhook: null, onStale: (l) => provider.onStaleChanged(l) };
    }
  }
}
