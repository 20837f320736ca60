import { ProviderSchema, type GoogleProviderConfig } from '../../../../shared/config/schema.js';
import { silentLogger } from '../../../../shared/logger.js';
import { GoogleProvider } from '../../../../server/providers/google/google-provider.js';
import type { Harness } from './harness.js';

export function googleConfig(extra: Record<string, unknown> = {}): GoogleProviderConfig {
  const parsed = ProviderSchema.parse({ kind: 'google', subject: 'admin@example.com', credentials: { client_email: 'sa@example.iam.gserviceaccount.com', private_key: 'unused' }, ...extra });
  if (parsed.kind !== 'google') throw new Error('expected a google config');
  return parsed;
}

export function googleProvider(h: Harness, extra: Record<string, unknown> = {}): GoogleProvider {
  return new GoogleProvider({ api: h.api, store: h.store, clock: h.clock, config: googleConfig(extra), log: silentLogger(), random: () => 0.5 });
}
