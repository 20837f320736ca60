#!/usr/bin/env node
// Renders the English invitation's HTML body with sample data and takes a picture of it with
// headless Chromium, for the README: `npm run build && node scripts/mail-screenshot.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTemplates } from '../dist/server/mail/templates.js';

const out = resolve(process.argv[2] ?? 'docs/mail-invitation.png');
const html = loadTemplates({}).render('en', {
  kind: 'invite',
  party: { name: 'Ann', email: 'ann@example.com' },
  meeting: { name: 'Quarterly planning', sequence: 0 },
  organizer: { name: 'Grace Hopper', email: 'grace@example.com' },
  sender: { name: 'Rooms', email: 'rooms@example.org' },
  room: { id: 'ada', name: 'Ada Lovelace (3rd floor)', timeZone: 'Europe/Berlin' },
  start: new Date('2026-03-09T09:00:00Z'),
  end: new Date('2026-03-09T10:30:00Z'),
  url: 'https://rooms.example.org/display/ada',
  language: 'en',
}).html;
const dir = mkdtempSync(join(tmpdir(), 'doorplate-mail-shot-'));
try {
  const file = join(dir, 'invite.html');
  writeFileSync(file, html);
  const r = spawnSync(process.env.CHROMIUM ?? 'chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${out}`, '--window-size=640,430', pathToFileURL(file).href], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
