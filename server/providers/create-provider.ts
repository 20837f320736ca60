import { readFileSync } from 'node:fs';
import type { OAuth2Client } from 'google-auth-library';
import type { Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import { DoorplateError } from '../../shared/errors.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { Store } from '../store/store.js';
import { WebhookServer, type WebhookHandler } from '../webhooks/webhook-server.js';
import { LocalProvider } from './local/local-provider.js';
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
  /** One more certificate authority to trust for the Graph API root (a test fake's self-signed one); `provider.caFile` in the config does the same. */
  graphCa?: string;
}

function readCa(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DoorplateError('VALIDATION', `provider.caFile: cannot read ${file}: ${(e as Error).message}`);
  }
}

function webhookOf(p: { webhook?: { host: string; port: number; key: string; cert: string } }, routes: Record<string, WebhookHandler>, log: Logger): WebhookServer | null {
  return p.webhook ? new WebhookServer({ host: p.webhook.host, port: p.webhook.port, keyPath: p.webhook.key, certPath: p.webhook.cert, routes, log: createLogger('server:webhooks', log) }) : null;
}

/**
 * Builds the calendar provider the config asks for, with its webhook listener. Each remote
 * provider's modules (and their SDKs and parsers, megabytes of them) are imported only when the
 * config names it: a server on the local calendar never loads them.
 */
export async function createProvider(config: Config, deps: ProviderDeps): Promise<ProviderParts> {
  const p = config.provider;
  switch (p.kind) {
    case 'local':
      return {
        provider: new LocalProvider({ store: deps.store, clock: deps.clock, defaultTimeZone: deps.defaultTimeZone, logger: createLogger('server:provider:local', deps.log) }),
        webhook: null,
        onStale: () => () => undefined,
      };
    case 'google': {
      const [{ createGoogleApi, serviceAccountAuth }, { GoogleProvider }] = await Promise.all([import('./google/google-api.js'), import('./google/google-provider.js')]);
      const log = createLogger('server:sync:google', deps.log);
      const ca = readCa(p.caFile);
      const api = createGoogleApi({ auth: deps.googleAuth ?? serviceAccountAuth(p, { ca }), apiRoot: p.apiRoot, ca, now: () => deps.clock.now() });
      const provider = new GoogleProvider({ api, store: deps.store, clock: deps.clock, config: p, log, defaultTimeZone: deps.defaultTimeZone });
      const webhook = webhookOf(p, { '/webhooks/google': (req) => provider.notification(req) }, deps.log);
      return { provider, webhook, onStale: (l) => provider.onStaleChanged(l) };
    }
    case 'microsoft': {
      const [{ createGraphApi }, { clientCredentialsToken }, { MicrosoftProvider }] = await Promise.all([
        import('./microsoft/graph-api.js'),
        import('./microsoft/graph-auth.js'),
        import('./microsoft/microsoft-provider.js'),
      ]);
      const log = createLogger('server:sync:microsoft', deps.log);
      const ca = deps.graphCa ?? readCa(p.caFile);
      const api = createGraphApi({ getToken: deps.graphToken ?? clientCredentialsToken(p), apiRoot: p.apiRoot, ca, now: () => deps.clock.now() });
      const provider = new MicrosoftProvider({ api, store: deps.store, clock: deps.clock, config: p, log, defaultTimeZone: deps.defaultTimeZone });
      const webhook = webhookOf(
        p,
        { '/webhooks/microsoft': (req) => provider.notification(req), '/webhooks/microsoft/lifecycle': (req) => provider.lifecycle(req) },
        deps.log,
      );
      return { provider, webhook, onStale: (l) => provider.onStaleChanged(l) };
    }
    case 'ics': {
      const { IcsProvider } = await import('./ics/ics-provider.js');
      const provider = new IcsProvider({ store: deps.store, clock: deps.clock, config: p, log: createLogger('server:sync:ics', deps.log), defaultTimeZone: deps.defaultTimeZone });
      return { provider, webhook: null, onStale: (l) => provider.onStaleChanged(l) };
    }
    case 'caldav': {
      const { CaldavProvider } = await import('./caldav/caldav-provider.js');
      const provider = new CaldavProvider({ store: deps.store, clock: deps.clock, config: p, log: createLogger('server:sync:caldav', deps.log), defaultTimeZone: deps.defaultTimeZone });
      return { provider, webhook: null, onStale: (l) => provider.onStaleChanged(l) };
    }
  }
}
