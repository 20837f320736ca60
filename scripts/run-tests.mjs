#!/usr/bin/env node
// Runs every compiled test file with node's built-in runner. Files are listed explicitly
// because Node 20's `--test` does not expand glob patterns.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = 'dist/test';
const filter = process.argv.slice(2);
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.test.js') ? [path] : [];
  });
}
const files = walk(root)
  .filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${root} match ${filter.join(' ') || '*'}`);
  process.exit(1);
}
// A hung test fails after two minutes instead of holding CI until its deadline.
const args = ['--test', '--test-concurrency=2', '--test-timeout=120000', '--test-reporter=spec', ...files];
// And a test file that never lets its process end stops the whole run after 30 minutes.
const result = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  timeout: 30 * 60_000,
  killSignal: 'SIGKILL',
  env: { ...process.env, DOORPLATE_LOG_LEVEL: process.env.DOORPLATE_LOG_LEVEL ?? 'silent' },
});
if (result.error || result.signal) console.error(`test run stopped: ${result.error?.message ?? result.signal}`);
process.exit(result.status ?? 1);
