import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { MicrosoftProviderConfig } from '../../../shared/config/schema.js';
import { DoorplateError } from '../../../shared/errors.js';

/** Application permissions come from the app registration; `.default` asks for all of them. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * Access tokens for the app itself (client credentials, no user), with the secret or the
 * certificate from the config. MSAL caches the token and renews it before it expires. The
 * client is built on first use, so building the provider reads no files.
 */
export function clientCredentialsToken(cfg: Pick<MicrosoftProviderConfig, 'tenant' | 'clientId' | 'clientSecret' | 'certificate'>): () => Promise<string> {
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
        authority: `https://login.microsoftonline.com/${encodeURIComponent(cfg.tenant)}`,
        ...(cfg.clientSecret ? { clientSecret: cfg.clientSecret } : {}),
        ...(cfg.certificate && privateKey ? { clientCertificate: { thumbprint: cfg.certificate.thumbprint, privateKey } } : {}),
      },
    });
  };
  return async () => {
    app ??= build();
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    if (!result?.accessToken) throw new DoorplateError('PROVIDER_UNAVAILABLE', `no access token from Microsoft Entra ID for app ${cfg.clientId}`);
    return result.accessToken;
  };
}
