import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runImageCommand } from '../../sd-image/cli.js';
import { BarProgress, LineProgress } from '../../sd-image/progress.js';

function io(): { out: string[]; err: string[]; io: Parameters<typeof runImageCommand>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: { write: (t: string) => void out.push(t) }, err: { write: (t: string) => void err.push(t) } } };
}

test('missing build flags print the usage and exit 2', async () => {
  const s = io();
  assert.equal(await runImageCommand(['build', '--base', 'a.img'], s.io), 2);
  assert.match(s.err.join(''), /error: missing --out, --config\nusage:/);
});

test('an unknown sub-command or flag exits 2', async () => {
  const s = io();
  assert.equal(await runImageCommand(['flash'], s.io), 2);
  assert.equal(await runImageCommand(['build', '--bogus'], s.io), 2);
  assert.match(s.err.join(''), /unknown image command flash/);
});

test('verify on a missing image exits 1 with the path', async () => {
  const s = io();
  assert.equal(await runImageCommand(['verify', '/nonexistent/site.img'], s.io), 1);
  assert.equal(s.err.join(''), 'error: /nonexistent/site.img: image not found\n');
});

test('a terminal gets one redrawn bar a step, a pipe gets plain lines', () => {
  const bar: string[] = [];
  const p = new BarProgress({ write: (t) => void bar.push(t) });
  p.step('copying', 200);
  p.update(100);
  p.update(101);
  p.step('writing');
  p.finish();
  assert.deepEqual(bar, [
    `\r\x1b[2K[${'.'.repeat(30)}]   0% copying`,
    `\r\x1b[2K[${'#'.repeat(15)}${'.'.repeat(15)}]  50% copying`,
    `\r\x1b[2K[${'#'.repeat(30)}] 100% copying`,
    '\n',
    `\r\x1b[2K[${'#'.repeat(30)}] 100% writing`,
    '\n',
  ]);
  const lines: string[] = [];
  const l = new LineProgress({ write: (t) => void lines.push(t) });
  l.step('copying', 100);
  for (let i = 1; i <= 100; i++) l.update(i);
  l.note('done');
  assert.deepEqual(lines, ['copying\n', 'copying: 25%\n', 'copying: 50%\n', 'copying: 75%\n', 'done\n']);
});
