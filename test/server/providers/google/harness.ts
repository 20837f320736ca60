import { OAuth2Client } from 'google-auth-library';
import { FakeClock } from '../../../../shared/clock.js';
import { silentLogger } from '../../../../shared/logger.js';
import { Store } from '../../../../server/store/store.js';
import { RequestBudget } from '../../../../server/sync/request-budget.js';
import { RequestRunner } from '../../../../server/sync/request-runner.js';
import { createGoogleApi } from '../../../../server/providers/google/google-api.js';
import type { GoogleApi } from '../../../../server/providers/google/google-types.js';
import { FakeGoogle } from './fake-google.js';

export const ROOMS = [
  { id: 'ada', name: 'Ada', calendar: 'ada@resource.example.com' },
  { id: 'grace', name: 'Grace', calendar: 'grace@resource.example.com' },
];

/** An access token the official client sends as is, standing in for the service account's. */
export function injectedAuth(token: string): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token, expiry_date: Date.parse('2100-01-01T00:00:00Z') });
  return auth;
}

export interface Harness {
  clock: FakeClock;
  fake: FakeGoogle;
  store: Store;
  api: GoogleApi;
  runner: RequestRunner;
  budget: RequestBudget;
  root: string;
  close(): Promise<void>;
}

export async function googleHarness(opts: { tlsCa?: string; budget?: number } = {}): Promise<Harness> {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const fake = new FakeGoogle(() => clock.now(), opts.tlsCa);
  const root = await fake.start();
  for (const r of ROOMS) fake.calendars.set(r.calendar, new Map());
  // The impersonated admin's own calendar, where attendee-mode bookings live.
  fake.calendars.set('primary', new Map());
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(ROOMS);
  const api = createGoogleApi({ auth: injectedAuth(fake.token), apiRoot: root, now: () => clock.now() });
  const budget = new RequestBudget(clock, opts.budget ?? 10_000, 600_000);
  const runner = new RequestRunner({ clock, budget, log: silentLogger(), provider: 'google', random: () => 0.5 });
  return {
    clock,
    fake,
    store,
    api,
    runner,
    budget,
    root,
    close: async () => {
      store.close();
      await fake.stop();
    },
  };
}


/** Waits for `p` while moving the fake clock, so backoff sleeps end; real time only lets sockets answer. */
export async function settle<T>(p: Promise<T>, clock: FakeClock, stepMs = 1000): Promise<T> {
  let done = false;
  const watched = p.finally(() => {
    done = true;
  });
  watched.catch(() => undefined);
  while (!done) {
    await clock.advanceAsync(stepMs);
    await new Promise((r) => setTimeout(r, 2));
  }
  return watched;
}

export function at(hhmm: string, day = '2026-03-02'): string {
  return `${day}T${hhmm}:00Z`;
}

/** Moves the fake clock (letting sockets answer in between) until `cond` holds; fails after `maxSteps`. */
export async function until(cond: () => boolean, clock: FakeClock, what: string, stepMs = 1000, maxSteps = 2000): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (cond()) return;
    await clock.advanceAsync(stepMs);
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}
