#!/usr/bin/env node
// Copies the files tsc does not emit (mail templates) next to the compiled code in dist/.
import { cpSync, rmSync } from 'node:fs';

const assets = [['server/mail/templates', 'dist/server/mail/templates']];
for (const [from, to] of assets) {
  // Removed first, so a template deleted from the source does not live on in dist/.
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}
