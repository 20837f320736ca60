#!/usr/bin/env node
// Bundles the compiled CLI (and the memory benches' children, which must run what the units run)
// into dist/bundle/: one file per entry plus shared chunks, each dynamic import (a role, a
// provider, the mail engine) its own chunk still loaded only when used. Fewer, smaller module
// sources in the V8 heap: the README's Process settings section has the figures.
import { readFile } from 'node:fs/promises';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const outdir = resolve(root, 'dist/bundle');

// Native modules and what loads them stay in node_modules. mqtt-packet too: the lean packet
// writer (shared/mqtt-packet-numbers.ts) loads parts of it by path, which must be the copy
// aedes and mqtt.js use.
const external = ['better-sqlite3', 'sharp', 'spi-device', 'onoff', 'epoll', 'bufferutil', 'utf-8-validate', 'mqtt-packet'];

/**
 * A bundled module's import.meta.url, __filename and __dirname name the file it was bundled
 * from, not the chunk it ends up in: files found next to the code (mail templates, the app's
 * package.json) are found as before. The paths are relative, so the installed tree may move.
 */
const whereItWas = {
  name: 'where-it-was',
  setup(b) {
    b.onLoad({ filter: /\.(m?js|cjs)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const usesUrl = text.includes('import.meta.url');
      const usesDir = /\b__(dirname|filename)\b/.test(text);
      if (!usesUrl && !usesDir) return undefined;
      const rel = JSON.stringify(relative(outdir, args.path).split('\\').join('/'));
      // Through the banner's helpers, not import.meta: esbuild would take a CommonJS file that
      // names import.meta for an ES module and leave its `module` undefined.
      let contents = usesUrl ? text.replaceAll('import.meta.url', `__bundleUrl(${rel})`) : text;
      if (usesDir) contents = `var __filename = __bundleFileURLToPath(__bundleUrl(${rel})), __dirname = __bundleDirname(__filename);\n${contents}`;
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/cli/main.js', 'server-rss-child': 'dist/bench/server-rss-child.js', 'edge-rss-child': 'dist/bench/edge-rss-child.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: names stay, so stack traces and logs read as in the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  external,
  plugins: [whereItWas],
  // CommonJS packages inside an ES module bundle still call require() for Node's own modules.
  banner: {
    js: [
      "import { createRequire as __bundleCreateRequire } from 'node:module';",
      "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
      "import { dirname as __bundleDirname } from 'node:path';",
      'const require = __bundleCreateRequire(import.meta.url);',
      'const __bundleUrl = (rel) => new URL(rel, import.meta.url).href;',
    ].join(''),
  },
  logLevel: 'warning',
  metafile: true,
});
// Which sources each output file holds: a test checks that the edge loads no server code.
writeFileSync(resolve(root, 'dist/bundle.meta.json'), JSON.stringify({ outputs: Object.fromEntries(Object.entries(result.metafile.outputs).map(([out, o]) => [out, Object.keys(o.inputs)])) }));
