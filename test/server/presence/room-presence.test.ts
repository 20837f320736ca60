import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ms } from '../bookings/world.js';
import { presenceWorld } from './presence-world.js';

test('a room with two displays is present when either says so, absent when both say nobody', () => {
  const w = presenceWorld({ start: '09:00' });
  try {
    w.display('east', 'ada');
    w.display('west', 'ada');
    assert.equal(w.presence.of('ada').state, 'unknown', 'nothing reported yet');
    w.report('east', false);
    assert.deepEqual(w.presence.of('ada'), { state: 'absent', since: ms('09:00'), sensors: 1 });
    w.clock.advance(60_000);
    w.report('west', true);
    assert.deepEqual(w.presence.of('ada'), { state: 'present', since: ms('09:01'), sensors: 2 });
    w.clock.advance(60_000);
    w.report('east', true);
    assert.equal(w.presence.of('ada').since, ms('09:01'), 'still present: no new change');
    w.report('west', false);
    assert.equal(w.presence.of('ada').state, 'present', 'east still sees someone');
    w.clock.advance(60_000);
    w.report('east', false);
    assert.deepEqual(w.presence.of('ada'), { state: 'absent', since: ms('09:03'), sensors: 2 });
    assert.equal(w.presence.absentSince('ada'), ms('09:03'));
    assert.equal(w.presence.of('grace').state, 'unknown', 'the other room has no sensor');
    assert.deepEqual(
      w.store.presence.list('ada', 0, ms('23:00')).map((c) => [c.state, c.at]),
      [
        ['absent', ms('09:00')],
        ['present', ms('09:01')],
        ['absent', ms('09:03')],
      ],
      'each change is kept',
    );
  } finally {
    w.close();
  }
});

test('a display that goes offline or moves no longer counts; with none left the room is unknown', () => {
  const w = presenceWorld({ start: '09:00' });
  try {
    w.display('east', 'ada');
    w.report('east', false);
    w.online('east', false);
    assert.equal(w.presence.of('ada').state, 'unknown', 'a stale retained "absent" from an offline display is not read');
    assert.equal(w.presence.absentSince('ada'), null);
    w.online('east', true);
    assert.equal(w.presence.of('ada').state, 'absent', 'back online: its report counts again');
    w.store.devices.assignRoom('east', 'grace');
    w.presence.deviceChanged(w.store.devices.get('east')!);
    assert.equal(w.presence.of('ada').state, 'unknown');
    assert.equal(w.presence.of('grace').state, 'absent');
    w.store.devices.revoke('east');
    w.presence.deviceChanged(w.store.devices.get('east')!);
    assert.equal(w.presence.of('grace').state, 'unknown');
  } finally {
    w.close();
  }
});

test('malformed reports and reports of unknown devices are refused with a reason; the tracker carries on', () => {
  const w = presenceWorld({ start: '09:00' });
  const warnings: string[] = [];
  const log = w.presence['deps'].log;
  const original = log.warn.bind(log);
  log.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof log.warn;
  try {
    w.display('east', 'ada');
    w.presence.report('east', Buffer.from('not json'));
    w.presence.report('east', Buffer.from(JSON.stringify({ present: 'yes', since: '2026-03-02T08:00:00.000Z' })));
    w.presence.report('east', Buffer.from(JSON.stringify({ present: true })));
    w.presence.report('stranger', Buffer.from(JSON.stringify({ present: true, since: '2026-03-02T08:00:00.000Z' })));
    assert.equal(w.presence.refusedCount(), 4);
    assert.match(warnings[0] ?? '', /refused a presence report from east: payload: not JSON/);
    assert.match(warnings[1] ?? '', /present: .*boolean/i);
    assert.match(warnings[2] ?? '', /since: /);
    assert.match(warnings[3] ?? '', /stranger: not an approved device/);
    assert.equal(w.presence.of('ada').state, 'unknown');
    w.report('east', true);
    assert.equal(w.presence.of('ada').state, 'present', 'a good report after bad ones is read');
  } finally {
    log.warn = original;
    w.close();
  }
});

test('a restart: rooms left present become unknown until their displays report again', () => {
  const w = presenceWorld({ start: '09:00' });
  try {
    w.display('east', 'ada');
    w.report('east', true);
    w.clock.advance(600_000);
    w.presence.stop();
    assert.deepEqual(w.store.presence.last('ada'), { roomId: 'ada', at: ms('09:10'), state: 'unknown' });
    w.presence.start();
    assert.equal(w.store.presence.list('ada', 0, ms('23:00')).length, 2, 'already unknown: nothing more recorded');
  } finally {
    w.close();
  }
});
