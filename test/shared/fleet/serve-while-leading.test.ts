import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Part } from '../../../shared/lifecycle.js';
import { silentLogger } from '../../../shared/logger.js';
import type { ServerAnnouncement, ServicePublisher } from '../../../shared/fleet/discovery.js';
import type { ElectionStatus } from '../../../shared/fleet/election.js';
import { ServeWhileLeading } from '../../../shared/fleet/serve-while-leading.js';

function rig(opts: { failStart?: string; standby?: boolean } = {}) {
  const journal: string[] = [];
  let generation = 0;
  const part = (name: string, gen: number): Part => ({
    name,
    start() {
      journal.push(`start ${name}#${gen}`);
      if (opts.failStart === `${name}#${gen}`) throw new Error('port in use');
    },
    stop() {
      journal.push(`stop ${name}#${gen}`);
    },
  });
  const publisher: ServicePublisher = {
    async publish(a) {
      journal.push(`announce epoch ${a.epoch}`);
    },
    async unpublish() {
      journal.push('withdraw');
    },
    async close() {},
  };
  const serving: Array<number | null> = [];
  const sw = new ServeWhileLeading({
    serverParts: () => {
      generation++;
      return [part('store', generation), part('broker', generation)];
    },
    publisher,
    announcement: (epoch): ServerAnnouncement => ({ site: 'hq', epoch, nodeId: 'a', host: '10.77.0.2', port: 1883, tls: false }),
    log: silentLogger(),
    onServing: (e) => serving.push(e),
    ...(opts.standby ? { standbyParts: () => [part('standby', ++generation)] } : {}),
  });
  return { sw, journal, serving };
}

const status = (role: ElectionStatus['role'], epoch: number): ElectionStatus => ({ role, epoch, leaderId: role === 'leader' ? 'a' : 'b', peers: [] });

test('serve while leading: start in order then announce; withdraw first then stop in reverse', async () => {
  const { sw, journal, serving } = rig();
  await sw.update(status('leader', 1));
  assert.equal(sw.servingEpoch, 1);
  await sw.update(status('leader', 1));
  await sw.update(status('follower', 2));
  assert.equal(sw.servingEpoch, null);
  assert.deepEqual(journal, ['start store#1', 'start broker#1', 'announce epoch 1', 'withdraw', 'stop broker#1', 'stop store#1']);
  assert.deepEqual(serving, [1, null]);
});

test('serve while leading: a flap while starting ends in the last wanted state, with fresh parts per lead', async () => {
  const { sw, journal } = rig();
  // Changes that come before the first transition ran collapse into the last one.
  void sw.update(status('leader', 1));
  void sw.update(status('follower', 1));
  await sw.update(status('leader', 3));
  assert.equal(sw.servingEpoch, 3);
  assert.deepEqual(journal.splice(0), ['start store#1', 'start broker#1', 'announce epoch 3']);
  // A lead lost and taken again under a higher epoch: the old server is stopped, a new one started.
  void sw.update(status('follower', 4));
  await sw.update(status('leader', 5));
  assert.equal(sw.servingEpoch, 5);
  assert.deepEqual(journal.splice(0), ['withdraw', 'stop broker#1', 'stop store#1', 'start store#2', 'start broker#2', 'announce epoch 5']);
  await sw.stop();
  assert.equal(sw.servingEpoch, null);
});

test('serve while leading: a failed start rolls back and announces nothing', async () => {
  const { sw, journal, serving } = rig({ failStart: 'broker#1' });
  await sw.update(status('leader', 1));
  assert.equal(sw.servingEpoch, null);
  assert.deepEqual(journal, ['start store#1', 'start broker#1', 'stop broker#1', 'stop store#1']);
  assert.deepEqual(serving, []);
  await sw.update(status('leader', 2));
  assert.equal(sw.servingEpoch, 2);
});

test('serve while leading: the standby runs while not leading, and stops before the server starts', async () => {
  const { sw, journal } = rig({ standby: true });
  await sw.update(status('follower', 1));
  await sw.update(status('starting', 1));
  assert.deepEqual(journal.splice(0), ['start standby#1'], 'one standby for as long as the node follows');
  await sw.update(status('leader', 2));
  assert.deepEqual(journal.splice(0), ['stop standby#1', 'start store#2', 'start broker#2', 'announce epoch 2']);
  await sw.update(status('follower', 3));
  assert.deepEqual(journal.splice(0), ['withdraw', 'stop broker#2', 'stop store#2', 'start standby#3']);
  await sw.stop();
  assert.deepEqual(journal.splice(0), ['stop standby#3'], 'a stopping node stops following and starts nothing');
});
