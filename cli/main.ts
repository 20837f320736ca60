#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ConfigError } from '../shared/config/load.js';
import { UsageError } from './args.js';

const USAGE = `doorplate: meeting-room door displays

  doorplate demo [--http-port N] [--mqtt-port N] [--data DIR] [--rooms N] [--host ADDR]
  doorplate server --config FILE       the elected server: broker, calendar sync, HTTP
  doorplate edge --config FILE         the agent on a display Pi
  doorplate node --config FILE         server and display on one Pi
  doorplate preview --panel MODEL --state STATE.json --out X.png [--agenda A.json] [--room NAME] [--locale L] [--tz ZONE]
  doorplate panel trace --model MODEL --scenario full|partial|clear|fast --image A.png [--image2 B.png] [--red R.png]
  doorplate image build --base raspios.img --out site.img --config site.yml
  doorplate image verify site.img
  doorplate config check FILE | config schema
  doorplate hash-password              reads a password on stdin, prints its scrypt hash
  doorplate rooms [ROOM] | devices [list|approve ID|assign ID ROOM|revoke ID|delete ID] | book ROOM [--duration M]
  doorplate resources | subscriptions [list|stop ID|stop-all|renew [--all]]   the provider's rooms and push channels
  doorplate mail [list [--status S] | show ID | retry ID | delete ID | delete --status dead]   the mail outbox
  doorplate report usage --from YYYY-MM-DD --to YYYY-MM-DD [--csv]   booked against used, per room and day
            (admin commands: --url, --token or DOORPLATE_URL, DOORPLATE_TOKEN, DATA/admin-token;
             they print aligned tables, --json prints the API's JSON for scripts)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = process.stdout;
  switch (command) {
    case 'demo':
      return (await import('./commands/demo.js')).demoCommand(rest);
    case 'server':
    case 'edge':
    case 'node':
      return (await import('./commands/run.js')).runCommand(command, rest);
    case 'preview':
      return (await import('./commands/preview.js')).previewCommand(rest, out);
    case 'panel': {
      if (rest[0] !== 'trace') throw new UsageError('panel trace --model MODEL --scenario SCENARIO --image A.png');
      return (await import('./commands/panel-trace.js')).panelTraceCommand(rest.slice(1), out);
    }
    case 'image':
      return (await import('../sd-image/cli.js')).runImageCommand(rest);
    case 'config':
      return (await import('./commands/config.js')).configCommand(rest, out, process.stderr);
    case 'hash-password': {
      const { hashPassword } = await import('../server/security/secrets.js');
      const pw = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
      if (!pw) throw new UsageError('hash-password: give the password on standard input');
      out.write(`${await hashPassword(pw)}\n`);
      return 0;
    }
    case 'rooms':
    case 'devices':
    case 'book':
    case 'resources':
    case 'subscriptions':
    case 'mail':
    case 'report':
      return (await import('./commands/admin.js')).adminCommand(command, rest, out);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Long-running commands resolve only when stopped; let open handles close on their own.
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`doorplate: ${e.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`doorplate: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
