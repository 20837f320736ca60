// Preloaded with `node --import` by tests that check which modules a process loads: every
// URL the ESM loader resolves, and at exit every CommonJS file in the require cache, are
// appended to the file named by DOORPLATE_MODULE_LOG.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.DOORPLATE_MODULE_LOG;
if (file) {
  register('./loader.js', import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(file, Object.keys(cache).map((p) => `cjs ${p}\n`).join('')));
}
