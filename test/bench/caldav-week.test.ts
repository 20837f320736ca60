import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCaldavWeek, runCaldavWeek } from '../../bench/caldav-week.js';

test('a short CalDAV run on Radicale: an unchanged room costs one request per poll, every edit is seen by the next poll, every room converges', async () => {
  const r = await runCaldavWeek({ rooms: 3, days: 1, editsPerRoomDay: 4, pollSecs: 1800 });
  assert.equal(r.edits, 12);
  assert.equal(r.polls, 3 * 48);
  assert.ok(r.unchangedPolls > 0);
  assert.equal(r.unchangedRequests, r.unchangedPolls);
  assert.equal(r.missedEdits, 0);
  assert.deepEqual(r.mismatched, []);
  assert.match(formatCaldavWeek(r), /\| 3\/3 /);
});
