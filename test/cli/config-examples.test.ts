import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every Markdown file and example site file the repository tracks. */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md', '*.yml', '*.yaml'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '');
}

/**
 * The config documents the repository shows: YAML blocks in the docs (a block for another
 * program names its file after the language, as in "```yaml prometheus.yml", and is not one),
 * and the example site files (checked whole: `config check` knows a site file).
 */
function examples(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const file of trackedFiles()) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.md')) {
      const blocks = [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)];
      blocks.forEach((m, i) => out.push({ name: `${file}#${i + 1}`, text: m[1] ?? '' }));
    } else {
      out.push({ name: file, text });
    }
  }
  return out;
}

function check(path: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['dist/cli/main.js', 'config', 'check', path], { encoding: 'utf8', env: { ...process.env, DOORPLATE_CONFIG: '' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('config check: every example config in the repository passes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-examples-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const all = examples();
  assert.ok(all.some((e) => e.name.startsWith('README.md#')), 'the README example is among them');
  assert.ok(all.some((e) => e.name === 'sd-image/example-site.yml'), 'the SD-image example is among them');
  all.forEach((example, i) => {
    const path = join(dir, `example-${i}.yml`);
    writeFileSync(path, example.text);
    const r = check(path);
    assert.equal(r.status, 0, `${example.name}: ${r.out}`);
  });
});

test('config check: a typo in a nested key is refused as path: message', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-typo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'typo.yml');
  writeFileSync(path, 'server:\n  http:\n    prot: 8080\n');
  const r = check(path);
  assert.equal(r.status, 1);
  assert.match(r.out, /server\.http: Unrecognized key: "prot"/);
});
