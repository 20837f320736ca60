import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLogger } from '../../shared/logger.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      cb();
    },
  });
  return { lines, stream };
}

test('logger: a namespaced child of a namespaced logger writes one ns, its own, and keeps the other bindings', () => {
  const { lines, stream } = capture();
  const root = pino({ base: undefined }, stream);
  const edge = createLogger('edge', root).child({ deviceId: 'door-1' });
  createLogger('edge:agent:mqtt', edge).info({ attempt: 2 }, 'reconnecting');
  createLogger('server:sync', createLogger('server', root)).warn('x');
  assert.equal(lines.length, 2);
  for (const line of lines) assert.equal(line.match(/"ns":/g)?.length, 1, line);
  assert.deepEqual(JSON.parse(lines[0]!), { level: 30, time: (JSON.parse(lines[0]!) as { time: number }).time, ns: 'edge:agent:mqtt', deviceId: 'door-1', attempt: 2, msg: 'reconnecting' });
  assert.equal((JSON.parse(lines[1]!) as { ns: string }).ns, 'server:sync');
});
