import { createInterface } from 'node:readline';
import { EmbeddedBroker } from '../server/broker/embedded-broker.js';
import { sha256Hex } from '../server/security/secrets.js';
import { silentLogger } from '../shared/logger.js';

/**
 * Run in its own process by broker-reconnect: the embedded broker with `devices` displays over
 * `rooms` rooms (display dN in room r(N mod rooms), secret `secret-dN`), answering `cpu` on stdin
 * with its CPU time so far. `plain` turns the exact-topic retained index off, for comparison.
 */
const devices = Number(process.argv[2] ?? '2000');
const rooms = Number(process.argv[3] ?? '1000');
const plain = process.argv[4] === 'plain';
const hashes = new Map<string, string>();
for (let i = 0; i < devices; i++) hashes.set(`d${i}`, sha256Hex(`secret-d${i}`));
const broker = new EmbeddedBroker({
  host: '127.0.0.1',
  port: 0,
  prefix: 'doorplate',
  logger: silentLogger(),
  retainedIndex: !plain,
  directory: {
    serverPasswordHash: () => sha256Hex('bench-server-password-0123456789'),
    device: (id) => {
      const hash = hashes.get(id);
      return hash === undefined ? null : { status: 'approved', secretHash: hash, roomId: `r${Number(id.slice(1)) % rooms}` };
    },
    enrollmentTokenHash: () => null,
    inspectors: () => [],
    anonymousLoopbackInspect: () => false,
  },
});
await broker.start();
process.stdout.write(`${JSON.stringify({ port: broker.port })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'cpu') {
    const u = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (u.user + u.system) / 1000, rss: process.memoryUsage().rss })}\n`);
  }
  if (line === 'stop') void broker.stop().then(() => process.exit(0));
});
