import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../../shared/config/load.js';
import { RoomDirectory } from '../../../server/rooms/room-directory.js';

test('rule settings: defaults, and device > room > site', () => {
  const config = parseConfig({
    site: { timeZone: 'Europe/Berlin', booking: { granularityMins: 30 }, checkIn: { opensBeforeMins: 2 }, autoRelease: { flagSeriesAfter: 5 } },
    rooms: [
      { id: 'ada', name: 'Ada', booking: { defaultDurationMins: 45 }, checkIn: { closesAfterMins: 7 }, autoRelease: { exemptBookedWithinMins: 0 } },
      { id: 'grace', name: 'Grace' },
    ],
    devices: [{ id: 'lobby', booking: { extendStepsMins: [60] }, checkIn: { enabled: false } }],
  });
  const rooms = new RoomDirectory(config);
  const grace = rooms.get('grace');
  assert.deepEqual(grace?.booking, { durationsMins: [15, 30, 60], defaultDurationMins: 30, minMins: 5, granularityMins: 30, extendStepsMins: [15, 30], holdBooksFreeRoom: false });
  assert.deepEqual(grace?.checkIn, { enabled: true, opensBeforeMins: 2, closesAfterMins: 10 });
  assert.deepEqual(grace?.autoRelease, { enabled: true, exemptBookedWithinMins: 10, exemptLongerThanMins: 480, flagSeriesAfter: 5 });
  const ada = rooms.get('ada');
  assert.equal(ada?.booking.defaultDurationMins, 45);
  assert.equal(ada?.booking.granularityMins, 30);
  assert.deepEqual(ada?.checkIn, { enabled: true, opensBeforeMins: 2, closesAfterMins: 7 });
  assert.equal(ada?.autoRelease.exemptBookedWithinMins, 0);
  const lobby = rooms.forDevice('ada', 'lobby');
  assert.deepEqual(lobby?.booking.extendStepsMins, [60]);
  assert.equal(lobby?.booking.defaultDurationMins, 45);
  assert.deepEqual(lobby?.checkIn, { enabled: false, opensBeforeMins: 2, closesAfterMins: 7 });
  assert.equal(lobby?.autoRelease, ada?.autoRelease, 'auto-release is the room\'s');
  assert.equal(rooms.forDevice('ada', 'unknown'), ada);
  assert.equal(rooms.forDevice('nope', 'lobby'), undefined);
  assert.equal(rooms.deviceConfig('ada', 'lobby').checkIn.enabled, false);
});

test('rule settings: bad values are refused with their path', () => {
  const problems = (raw: unknown): string[] => {
    try {
      parseConfig(raw);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };
  assert.deepEqual(problems({ devices: [{ id: 'a' }, { id: 'a' }] }), ['devices.1.id: device "a" is listed twice']);
  assert.match(problems({ site: { autoRelease: { flagSeriesAfter: 0 } } }).join('\n'), /^site\.autoRelease\.flagSeriesAfter: /);
  assert.match(problems({ site: { autoRelease: { exemptLongerThanMins: 600 } } }).join('\n'), /^site\.autoRelease\.exemptLongerThanMins: /);
  assert.match(problems({ rooms: [{ id: 'a', name: 'A', booking: { extendStepsMins: [] } }] }).join('\n'), /^rooms\.0\.booking\.extendStepsMins: /);
  assert.match(problems({ devices: [{ id: 'a', checkIn: { closesAfterMins: 0 } }] }).join('\n'), /^devices\.0\.checkIn\.closesAfterMins: /);
});
