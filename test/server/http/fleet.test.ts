import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { LeaderFeed } from '../../../server/replication/leader-feed.js';
import { injectableApp } from '../../helpers/http-context.js';
import { ADMIN_TOKEN } from '../../helpers/server.js';
import { openStore } from '../replication/helpers.js';

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

test('GET /api/v1/fleet: this node, its epoch and its standbys with their lag, behind the admin guard', async () => {
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const h = await injectableApp({ clock });
  try {
    const off = await h.app.inject({ method: 'GET', url: '/api/v1/fleet', headers: bearer });
    assert.equal(off.statusCode, 200);
    assert.deepEqual(off.json(), { node: null, replication: { on: false, head: null, waits: null, standbys: [] } });

    const leader = openStore(clock);
    const feed = new LeaderFeed({ log: leader.replication, clock, logger: silentLogger(), send: () => undefined });
    leader.settings.set('a', 'b');
    feed.receive('n2', 'hello', JSON.stringify({ storeId: leader.replication.storeId(), seq: 0 }));
    clock.advance(1500);
    h.ctx.fleet.fleet = () => ({ nodeId: 'n1', isLeader: true, epoch: 4, leaderChanges: 1 });
    h.ctx.fleet.replication = () => ({ head: feed.head(), waits: { acked: 2, timeout: 0, no_standby: 1, no_quorum: 0 }, standbys: feed.standbys() });
    const on = await h.app.inject({ method: 'GET', url: '/api/v1/fleet', headers: bearer });
    assert.deepEqual(on.json(), {
      node: { id: 'n1', leader: true, epoch: 4, leaderChanges: 1 },
      replication: {
        on: true,
        head: 1,
        waits: { acked: 2, timeout: 0, no_standby: 1, no_quorum: 0 },
        standbys: [{ id: 'n2', connected: true, syncing: false, ackedSeq: 0, lagEntries: 1, lagSeconds: 0, lastSeenAt: '2026-03-02T09:07:00.000Z' }],
      },
    });
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/v1/fleet' })).statusCode, 401);
  } finally {
    await h.close();
  }
});
