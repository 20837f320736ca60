import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SDKs a server on the local calendar has no use for. */
const SDKS = ['@googleapis/', 'google-auth-library', '@azure/msal-node', '@microsoft/microsoft-graph-client', 'googleapis-common'];

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.MODULE_LOG, r.url + '\\n');
  return r;
}
`;

/**
 * Starts a server in a child process (or, with `buildOnly`, only builds its provider from the
 * config), with a resolve hook that writes down every module it loads.
 */
async function modulesLoadedBy(provider: Record<string, unknown>, buildOnly = false): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-lazy-'));
  try {
    const dist = fileURLToPath(new URL('../../../', import.meta.url));
    writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${join(dir, 'hooks.mjs')}`).href)});\n`);
    writeFileSync(
      join(dir, 'child.mjs'),
      `import { parseConfig } from ${JSON.stringify(`file://${join(dist, 'shared/config/load.js')}`)};
import { silentLogger } from ${JSON.stringify(`file://${join(dist, 'shared/logger.js')}`)};
import { DoorplateServer } from ${JSON.stringify(`file://${join(dist, 'server/server.js')}`)};
const rooms = Array.from({ length: 10 }, (_, i) => ({ id: 'room' + i, name: 'Room ' + i, calendar: 'room' + i + '@resource.example.com' }));
const config = parseConfig({ site: { timeZone: 'UTC' }, rooms, provider: ${JSON.stringify(provider)}, broker: { host: '127.0.0.1', port: 0 }, server: { dataDir: ${JSON.stringify(join(dir, 'data'))}, http: { host: '127.0.0.1', port: 0 } } });
${
        buildOnly
          ? `const { createProvider } = await import(${JSON.stringify(`file://${join(dist, 'server/providers/create-provider.js')}`)});
const { Store } = await import(${JSON.stringify(`file://${join(dist, 'server/store/store.js')}`)});
const { FakeClock } = await import(${JSON.stringify(`file://${join(dist, 'shared/clock.js')}`)});
const clock = new FakeClock('2026-03-02T08:00:00Z');
const store = Store.open({ path: ':memory:', clock });
await createProvider(config, { store, clock, log: silentLogger(), defaultTimeZone: 'UTC' });
store.close();
void DoorplateServer;`
          : `const server = new DoorplateServer({ config, logger: silentLogger() });
await server.start();
await server.stop();`
      }
`,
    );
    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['--import', join(dir, 'register.mjs'), join(dir, 'child.mjs')], { env: { ...process.env, MODULE_LOG: log, DOORPLATE_LOG_LEVEL: 'silent' }, timeout: 120_000 }, (err, _out, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(),
      ),
    );
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a server on the local calendar never loads the Google or Microsoft SDKs', async () => {
  const loaded = await modulesLoadedBy({ kind: 'local' });
  assert.ok(loaded.some((u) => u.includes('/server/server.js')), 'the hook saw the server load');
  assert.deepEqual(
    loaded.filter((u) => SDKS.some((s) => u.includes(`/node_modules/${s}`))),
    [],
  );
});

test('a server on Google loads the Google SDK (the check above can fail)', async () => {
  const loaded = await modulesLoadedBy({ kind: 'google', subject: 'admin@example.com', credentials: { client_email: 'sa@example.iam.gserviceaccount.com', private_key: 'unused' }, apiRoot: 'http://127.0.0.1:9/' }, true);
  assert.ok(loaded.some((u) => u.includes('/node_modules/@googleapis/calendar')));
  assert.ok(!loaded.some((u) => u.includes('/node_modules/@azure/msal-node')), 'and not Microsoft');
});
