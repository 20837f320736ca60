import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENROLL_TOKEN, startTestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { unitSettings } from '../../bench/process-settings.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../../cli/main.js');
/** What the systemd units and npm start run: the same CLI bundled by `npm run build`. */
const BUNDLED_CLI = resolve(here, '../../bundle/main.js');
const BUNDLE_META = resolve(here, '../../bundle.meta.json');
const HOOK = resolve(here, '../helpers/module-log/register.js');

/** Packages only the server may load: an edge on a Pi Zero must not pay for them. */
const SERVER_PACKAGES = ['fastify', 'aedes', 'better-sqlite3', '@googleapis', 'google-auth-library', '@azure/msal-node', '@microsoft/microsoft-graph-client'];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  modules: () => string[];
}

/** The built CLI as a real process, with every module it loads recorded. */
function runCli(args: string[], dir: string, settings: { nodeArgs: string[]; env: Record<string, string> } = { nodeArgs: [], env: {} }, cli = CLI): Run {
  const moduleLog = join(dir, `modules-${args[0]}.log`);
  const child = spawn(process.execPath, [...settings.nodeArgs, '--import', HOOK, cli, ...args], {
    env: { ...process.env, ...settings.env, DOORPLATE_LOG_LEVEL: 'info', DOORPLATE_MODULE_LOG: moduleLog },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited, modules: () => (existsSync(moduleLog) ? readFileSync(moduleLog, 'utf8').split('\n').filter(Boolean) : []) };
}

/**
 * The sources inside the bundle's files a process loaded (as `/dist/...` and `/node_modules/...`
 * paths, so serverPieces reads them as it reads a module log), and its packages left outside.
 */
function bundledSources(modules: string[]): string[] {
  const outputs = (JSON.parse(readFileSync(BUNDLE_META, 'utf8')) as { outputs: Record<string, string[]> }).outputs;
  const root = resolve(here, '../../..');
  return modules.flatMap((m) => {
    const file = m.replace(/^esm file:\/\/|^cjs /, '');
    const inputs = outputs[file.startsWith(root) ? file.slice(root.length + 1) : ''];
    return inputs ? inputs.map((i) => `/${i}`) : [m];
  });
}

function serverPieces(modules: string[]): string[] {
  return modules.filter((m) => m.includes('/dist/server/') || SERVER_PACKAGES.some((p) => m.includes(`/node_modules/${p}/`)));
}

/** A test server and the config of one edge enrolling with it, its panel a PNG file; removed after the test. */
async function edgeRole(t: TestContext, deviceId: string, tmp: string): Promise<{ server: Awaited<ReturnType<typeof startTestServer>>['server']; dir: string; config: string }> {
  const { server, cleanup } = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), tmp));
  t.after(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const config = writeConfig(dir, {
    role: 'edge',
    site: { timeZone: 'Europe/Berlin' },
    edge: { deviceId, server: { host: '127.0.0.1', port: server.mqttPort }, credentialsFile: join(dir, 'credentials.json'), enrollmentToken: ENROLL_TOKEN, panel: { model: 'png', path: join(dir, 'panel.png') } },
  });
  return { server, dir, config };
}

function writeConfig(dir: string, doc: unknown): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

test('doorplate edge, with the edge unit\'s node flags (no JIT): enrolls, draws, stops on SIGTERM, and loads no server module', async (t) => {
  const { server, dir, config } = await edgeRole(t, 'lean-edge', 'doorplate-edge-role-');
  const edge = runCli(['edge', '--config', config], dir, unitSettings('edge'));
  await until(() => server.store.devices.get('lean-edge') !== null, 'the edge to enroll over MQTT', 30_000);
  // Drawing goes through sharp, the agent's only native work besides MQTT.
  await until(() => existsSync(join(dir, 'panel.png')), 'the edge to draw its waiting screen', 30_000);
  edge.child.kill('SIGTERM');
  assert.equal(await edge.exited, 0, edge.output());

  const modules = edge.modules();
  assert.ok(modules.some((m) => m.includes('/dist/edge/main.js')), 'the module log saw the edge');
  assert.deepEqual(serverPieces(modules), [], 'no server module and no server-only package');
});

test('doorplate node: the only serve-capable node leads, serves, its display connects to it; SIGTERM stops all in order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-node-role-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const site = `role-test-${process.pid}`;
  const config = writeConfig(dir, {
    role: 'node',
    site: { name: site, timeZone: 'Europe/Berlin' },
    rooms: [{ id: 'ada', name: 'Ada Lovelace' }],
    broker: { host: '127.0.0.1', port: 0 },
    server: { dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: 0 }, enrollment: { autoApprove: true } },
    // Heartbeats stay on the loopback interface, in a site of its own.
    node: { canServe: true, serveCapableNodes: 1, heartbeatMs: 200, missedBeats: 2, interfaceAddress: '127.0.0.1', advertiseAddress: '127.0.0.1', discovery: 'builtin', serverFrom: 'config', statusFile: join(dir, 'status.json') },
    edge: { deviceId: 'node-1', server: { host: '127.0.0.1', port: 1 }, credentialsFile: join(dir, 'credentials.json'), enrollmentToken: ENROLL_TOKEN, panel: { model: 'png', path: join(dir, 'panel.png') } },
  });
  const node = runCli(['node', '--config', config], dir);
  await until(() => node.output().includes('"msg":"server started"'), 'the node to lead and start the server', 30_000);
  await until(() => existsSync(join(dir, 'status.json')) && (JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { servingEpoch: number | null }).servingEpoch === 1, 'the status file to say it serves epoch 1', 10_000);
  assert.equal(JSON.parse(readFileSync(join(dir, 'data', 'fleet-epoch.json'), 'utf8')).epoch, 1, 'the epoch is persisted');
  node.child.kill('SIGTERM');
  const code = await node.exited;
  const out = node.output();
  assert.equal(code, 0, out);
  assert.ok(out.indexOf('no longer leading: stopping the server parts') > 0, out);
  assert.equal(existsSync(join(dir, 'data', 'doorplate.db-wal')), false, 'the store was closed cleanly');
  assert.ok(serverPieces(node.modules()).length > 0, 'a leading node loads the server');
});

test('doorplate node: a display-only node loads no server module', async (t) => {
  const { server, cleanup } = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-node-display-'));
  t.after(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const config = writeConfig(dir, {
    role: 'node',
    site: { timeZone: 'Europe/Berlin' },
    node: { serverFrom: 'config' },
    edge: { deviceId: 'lean-node', server: { host: '127.0.0.1', port: server.mqttPort }, credentialsFile: join(dir, 'credentials.json'), enrollmentToken: ENROLL_TOKEN, panel: { model: 'png', path: join(dir, 'panel.png') } },
  });
  const node = runCli(['node', '--config', config], dir);
  await until(() => server.store.devices.get('lean-node') !== null, 'the display to enroll at the configured server', 30_000);
  node.child.kill('SIGTERM');
  assert.equal(await node.exited, 0, node.output());
  assert.deepEqual(serverPieces(node.modules()), [], 'no server module and no server-only package');
});

test('doorplate server: starts, stops on SIGTERM with exit code 0, the store closed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-server-role-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = writeConfig(dir, {
    site: { timeZone: 'Europe/Berlin' },
    rooms: [{ id: 'ada', name: 'Ada Lovelace' }],
    broker: { host: '127.0.0.1', port: 0 },
    server: { dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: 0 } },
  });
  const run = runCli(['server', '--config', config], dir);
  await until(() => run.output().includes('"msg":"server started"'), 'the server to start', 30_000);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.output());
  assert.equal(existsSync(join(dir, 'data', 'doorplate.db-wal')), false, 'the store was closed cleanly');
  assert.ok(run.modules().some((m) => m.includes('/node_modules/fastify/')), 'the module log sees packages');
  const unused = run.modules().filter((m) => /\/node_modules\/(nodemailer|handlebars|sharp)\//.test(m));
  assert.deepEqual(unused, [], 'mail is off and nothing is drawn: no mail engine, no image library');
});

test('the bundled CLI, as the edge unit runs it: enrolls, draws, stops on SIGTERM, and loads no server code', async (t) => {
  const { server, dir, config } = await edgeRole(t, 'bundled-edge', 'doorplate-bundled-edge-');
  const edge = runCli(['edge', '--config', config], dir, unitSettings('edge'), BUNDLED_CLI);
  await until(() => server.store.devices.get('bundled-edge') !== null, 'the edge to enroll over MQTT', 30_000);
  await until(() => existsSync(join(dir, 'panel.png')), 'the edge to draw its waiting screen', 30_000);
  edge.child.kill('SIGTERM');
  assert.equal(await edge.exited, 0, edge.output());

  const sources = bundledSources(edge.modules());
  assert.ok(sources.includes('/dist/edge/main.js'), 'the bundle\'s map names the edge');
  assert.deepEqual(serverPieces(sources), [], 'no server module and no server-only package');
});

test('the bundled CLI, as the server unit runs it: starts, stops on SIGTERM, the store closed, no mail engine or image library', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-bundled-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = writeConfig(dir, {
    site: { timeZone: 'Europe/Berlin' },
    rooms: [{ id: 'ada', name: 'Ada Lovelace' }],
    broker: { host: '127.0.0.1', port: 0 },
    server: { dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: 0 } },
  });
  const run = runCli(['server', '--config', config], dir, unitSettings('server'), BUNDLED_CLI);
  await until(() => run.output().includes('"msg":"server started"'), 'the server to start', 30_000);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.output());
  assert.equal(existsSync(join(dir, 'data', 'doorplate.db-wal')), false, 'the store was closed cleanly');
  const sources = bundledSources(run.modules());
  assert.ok(sources.some((m) => m.includes('/node_modules/fastify/')), 'the bundle\'s map names the packages');
  const unused = sources.filter((m) => /\/node_modules\/(nodemailer|handlebars|sharp|@googleapis|@azure|@microsoft)\//.test(m));
  assert.deepEqual(unused, [], 'mail is off, local calendar, nothing is drawn');
});
