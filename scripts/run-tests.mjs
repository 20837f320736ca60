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
const args = ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, DOORPLATE_LOG_LEVEL: process.env.DOORPLATE_LOG_LEVEL ?? 'silent' } });
process.exit(result.status ?? 1);
