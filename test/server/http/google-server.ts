import type { Clock } from '../../../shared/clock.js';
import type { GoogleProvider } from '../../../server/providers/google/google-provider.js';
import { startTestServer } from '../../helpers/server.js';
import { FakeGoogle } from '../providers/google/fake-google.js';
import { injectedAuth } from '../providers/google/harness.js';
import { selfSignedCert } from '../providers/google/tls.js';

export const ADA = 'ada@resource.example.com';
export const GRACE = 'grace@resource.example.com';

export const GOOGLE_ROOMS = [
  { id: 'ada', name: 'Ada Lovelace', calendar: ADA },
  { id: 'grace', name: 'Grace Hopper', calendar: GRACE },
];

export interface GoogleWorld {
  fake: FakeGoogle;
  root: string;
  tls: ReturnType<typeof selfSignedCert>;
  /** A server with the Google provider pointed at the fake; its first syncs and channels are done. */
  start(opts?: { rooms?: typeof GOOGLE_ROOMS; dataDir?: string }): ReturnType<typeof startTestServer>;
  close(): Promise<void>;
}

/** The fake Google with two room calendars and three directory resources, and a way to start servers on it. */
export async function googleWorld(clock?: Clock): Promise<GoogleWorld> {
  const fake = new FakeGoogle(() => clock?.now() ?? Date.now());
  const root = await fake.start();
  for (const r of GOOGLE_ROOMS) fake.calendars.set(r.calendar, new Map());
  fake.resources.push(
    { resourceId: 'r-ada', resourceName: 'Ada Lovelace', resourceEmail: ADA, capacity: 8 },
    { resourceId: 'r-grace', resourceName: 'Grace Hopper', resourceEmail: GRACE, capacity: 4 },
    { resourceId: 'r-lab', resourceName: 'Lab', resourceEmail: 'lab@resource.example.com' },
  );
  const tls = selfSignedCert();
  return {
    fake,
    root,
    tls,
    start: async (opts = {}) => {
      const started = await startTestServer({
        ...(clock ? { clock } : {}),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        providerDeps: { googleAuth: injectedAuth(fake.token) },
        config: {
          rooms: opts.rooms ?? GOOGLE_ROOMS,
          provider: {
            kind: 'google',
            apiRoot: root,
            subject: 'admin@example.com',
            credentials: { client_email: 'sa@example.iam.gserviceaccount.com', private_key: 'unused' },
            // Google is never asked to call this address here: the tests look at channels, not notifications.
            webhook: { host: '127.0.0.1', port: 0, key: tls.keyPath, cert: tls.certPath, publicUrl: 'https://127.0.0.1:9' },
          },
        },
      });
      await (started.server.provider as GoogleProvider).ready();
      return started;
    },
    close: async () => {
      await fake.stop();
      tls.cleanup();
    },
  };
}
