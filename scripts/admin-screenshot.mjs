// Takes docs/admin-page.png from a running demo: `npm run build && node scripts/admin-screenshot.mjs [out.png]`.
// Needs Chromium at /usr/bin/chromium (Debian package chromium).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createDemo } from '../dist/cli/demo/demo.js';
import { Lifecycle } from '../dist/shared/lifecycle.js';
import { silentLogger } from '../dist/shared/logger.js';

const out = process.argv[2] ?? 'docs/admin-page.png';
const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-shot-'));
const demo = await createDemo({ httpPort: 0, mqttPort: 0, dataDir, rooms: 4, logger: silentLogger() });
const life = new Lifecycle(demo.parts, { log: silentLogger() });
await life.start();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${demo.url}/`);
  await page.fill('#token', demo.adminToken);
  await page.click('#signin button[type=submit]');
  await page.locator('#live.on').waitFor({ timeout: 15_000 });
  await page.locator('#devices tr[data-device] .pill.online').first().waitFor({ timeout: 15_000 });
  await page.fill('#n-message', 'Fire drill at 11:00, please use the stairs');
  await page.click('#notify button[type=submit]');
  await page.locator('#notices .notice-text').first().waitFor({ timeout: 15_000 });
  await page.fill('#n-message', '');
  // Runs in the page.
  await page.waitForFunction(() => [...globalThis.document.querySelectorAll('img.panelpic')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 15_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await life.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
