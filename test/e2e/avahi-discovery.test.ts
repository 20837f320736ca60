import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { avahiUnavailable, makeTestLan, netnsUnavailable, withAvahi, type TestLan } from '../helpers/netns.js';
import { until } from '../helpers/wait.js';

const here = dirname(fileURLToPath(import.meta.url));
const lib = (p: string): string => JSON.stringify(resolve(here, '../../shared', p));
const unavailable = netnsUnavailable() ?? avahiUnavailable();

/**
 * The Avahi path on two separate hosts, each with its own avahi-daemon as on Raspberry Pi OS:
 * one announces through `avahi-publish`, the other browses through `avahi-browse`, and the
 * announcement goes away with the goodbye when it is withdrawn.
 */
test('avahi discovery: announced on one host, found on another, gone after the withdrawal', { skip: unavailable ? `cannot run avahi-daemon on test hosts here (${unavailable})` : false, timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-avahi-'));
  let lan: TestLan | null = null;
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    lan?.remove();
    rmSync(dir, { recursive: true, force: true });
  });
  lan = makeTestLan(2);
  const [h1, h2] = [lan.host(1), lan.host(2)];
  const log = `const { silentLogger } = await import(${lib('logger.js')});`;
  writeFileSync(
    join(dir, 'publish.mjs'),
    `${log}
const { AvahiPublisher } = await import(${lib('fleet/avahi-cli.js')});
const p = new AvahiPublisher({ log: silentLogger() });
await p.publish({ site: 'hq', epoch: 2, nodeId: 'a', host: ${JSON.stringify(h1.address)}, port: 1883, tls: true, fingerprint: ${JSON.stringify('ab'.repeat(32))} });
console.log('published');
process.stdin.once('data', async () => { await p.unpublish(); console.log('withdrawn'); });
setInterval(() => undefined, 1000);
`,
  );
  writeFileSync(
    join(dir, 'browse.mjs'),
    `${log}
const { AvahiBrowser } = await import(${lib('fleet/avahi-cli.js')});
const b = new AvahiBrowser({ log: silentLogger() });
await b.start();
setInterval(() => console.log(JSON.stringify(b.current())), 300);
`,
  );
  const run = (prefix: string[], script: string): { child: ChildProcess; out: () => string } => {
    const [cmd, ...args] = [...prefix, process.execPath, join(dir, script)];
    const child = spawn(cmd as string, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    return { child, out: () => out };
  };
  const pub = run(withAvahi(h1.ns, dir), 'publish.mjs');
  const browse = run(withAvahi(h2.ns, dir), 'browse.mjs');
  const last = (): unknown => JSON.parse(browse.out().trim().split('\n').at(-1) || '[]');
  t.after(() => { if (process.env.DOORPLATE_DEBUG_AVAHI) console.log('pub:', pub.out(), 'browse:', browse.out().slice(-500)); });
  await until(() => pub.out().includes('published'), 'the announcement through avahi-daemon', 20_000);
  await until(() => JSON.stringify(last()).includes('"nodeId":"a"'), 'the other host to resolve it', 30_000);
  assert.deepEqual(last(), [{ site: 'hq', epoch: 2, nodeId: 'a', host: h1.address, port: 1883, tls: true, fingerprint: 'ab'.repeat(32) }]);
  pub.child.stdin?.write('withdraw\n');
  await until(() => pub.out().includes('withdrawn'), 'the withdrawal', 10_000);
  await until(() => JSON.stringify(last()) === '[]', 'the goodbye to reach the other host', 20_000);
});
