import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { MicrosoftProviderConfig } from '../../../shared/config/schema.js';
import { DoorplateError } from '../../../shared/errors.js';
import { readSecret } from '../../../shared/config/secret.js';

/** Application permissions come from the app registration; `.default` asks for all of them. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * The token's audience follows the Graph root: a national cloud's Graph (graph.microsoft.us,
 * microsoftgraph.chinacloudapi.cn) takes only tokens issued for itself.
 */
export function graphScope(apiRoot: string | undefined): string {
  return apiRoot ? `${new URL(apiRoot).origin}/.default` : GRAPH_SCOPE;
}

/** The global cloud's login host; national clouds have their own (`provider.authority`). */
export const LOGIN_HOST = 'https://login.microsoftonline.com';

/**
 * Access tokens for the app itself (client credentials, no user), with the secret or the
 * certificate from the config (a SHA-256 thumbprint, or SHA-1 for older registrations), from
 * the configured authority. MSAL caches the token and renews it before it expires; callers
 * asking at the same moment (every room at start-up) share one request. The client is built on
 * first use, so building the provider reads no files.
 */
export function clientCredentialsToken(cfg: Pick<MicrosoftProviderConfig, 'tenant' | 'clientId' | 'clientSecret' | 'certificate' | 'authority' | 'apiRoot'>): () => Promise<string> {
  let app: ConfidentialClientApplication | null = null;
  const build = (): ConfidentialClientApplication => {
    let privateKey: string | undefined;
    if (cfg.certificate) {
      try {
        privateKey = readFileSync(cfg.certificate.keyFile, 'utf8');
      } catch (e) {
        throw new DoorplateError('VALIDATION', `provider.certificate.keyFile: cannot read ${cfg.certificate.keyFile}: ${(e as Error).message}`);
      }
    }
    return new ConfidentialClientApplication({
      auth: {
        clientId: cfg.clientId,
        authority: `${(cfg.authority ?? LOGIN_HOST).replace(/\/+$/, '')}/${encodeURIComponent(cfg.tenant)}`,
        ...(cfg.clientSecret ? { clientSecret: readSecret(cfg.clientSecret, 'provider.clientSecret') } : {}),
        ...(cfg.certificate && privateKey ? { clientCertificate: certificateOf(cfg.certificate.thumbprint, privateKey) } : {}),
      },
    });
  };
  return sharedInFlight(async () => {
    app ??= build();
    const result = await app.acquireTokenByClientCredential({ scopes: [graphScope(cfg.apiRoot)] });
    if (!result?.accessToken) throw new DoorplateError('PROVIDER_UNAVAILABLE', `no access token from Microsoft Entra ID for app ${cfg.clientId}`);
    return result.accessToken;
  });
}

/** MSAL takes a SHA-256 thumbprint as `thumbprintSha256`; a 40-digit one is SHA-1. */
function certificateOf(thumbprint: string, privateKey: string): { thumbprint?: string; thumbprintSha256?: string; privateKey: string } {
  return thumbprint.length === 64 ? { thumbprintSha256: thumbprint, privateKey } : { thumbprint, privateKey };
}

/** Calls made while one is under way get its answer instead of starting their own. */
export function sharedInFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => {
    running ??= fn().finally(() => {
      running = null;
    });
    return running;
  };
}
