import { createInterface } from 'node:readline';
import { EmbeddedBroker } from '../server/broker/embedded-broker.js';
import { sha256Hex } from '../server/security/secrets.js';
import { silentLogger } from '../shared/logger.js';

/**
 * Run in its own process by broker-attack: the embedded broker alone, with one enrolled device
 * and an open enrollment, answering `rss` on stdin with its resident memory.
 */
const broker = new EmbeddedBroker({
  host: '127.0.0.1',
  port: 0,
  prefix: 'doorplate',
  logger: silentLogger(),
  directory: {
    serverPasswordHash: () => sha256Hex('bench-server-password-0123456789'),
    device: (id) => (id === 'd1' ? { status: 'approved', secretHash: sha256Hex('bench-device-secret-0123456789ab'), roomId: 'r1' } : null),
    enrollmentTokenHash: () => sha256Hex('bench-enrollment-token-0123456789'),
    inspectors: () => [],
    anonymousLoopbackInspect: () => false,
  },
});
await broker.start();
process.stdout.write(`${JSON.stringify({ port: broker.port })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'rss') process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`);
  if (line === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write('{}\n');
  }
  if (line === 'stop') void broker.stop().then(() => process.exit(0));
});
