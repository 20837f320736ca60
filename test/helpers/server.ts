import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../shared/config/load.js';
import type { Clock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { DoorplateServer, type ServerOptions } from '../../server/server.js';

/** A config document to merge over the test defaults (validated by parseConfig). */
export type TestConfig = { broker?: Record<string, unknown>; server?: Record<string, unknown> } & Record<string, unknown>;

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const ENROLL_TOKEN = 'test-enrollment-token-0123456789';

/** A server on loopback with ephemeral ports and its own data folder. */
export async function startTestServer(opts: { config?: TestConfig; clock?: Clock; dataDir?: string } & Partial<Omit<ServerOptions, 'config'>> = {}): Promise<{ server: DoorplateServer; base: string; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'doorplate-test-'));
  const config = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    rooms: [
      { id: 'ada', name: 'Ada Lovelace' },
      { id: 'grace', name: 'Grace Hopper' },
    ],
    ...opts.config,
    broker: { host: '127.0.0.1', port: 0, anonymousLoopbackInspect: true, ...(opts.config?.broker ?? {}) },
    server: { dataDir, http: { host: '127.0.0.1', port: 0 }, ...(opts.config?.server ?? {}) },
  });
  const server = new DoorplateServer({ ...opts, config, logger: opts.logger ?? silentLogger(), adminToken: ADMIN_TOKEN, enrollmentToken: ENROLL_TOKEN });
  await server.start();
  const base = `http://127.0.0.1:${server.httpPort}`;
  return {
    server,
    base,
    dataDir,
    cleanup: async () => {
      await server.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}
