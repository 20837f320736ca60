import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../shared/clock.js';
import { putObject, startDavServer } from './dav-servers.js';
import { vcalendar, vevent } from './calendar-data.js';
import { agendaTable, newProvider, newStore } from './harness.js';

async function room(kind: 'radicale' | 'xandikos', t: { after: (fn: () => Promise<void> | void) => void }) {
  const server = await startDavServer(kind);
  t.after(() => server.stop());
  const collection = await server.makeCalendar('room1');
  await putObject(`${collection}a.ics`, vcalendar(vevent('a', ['DTSTART:20260323T090000Z', 'DTEND:20260323T100000Z', 'SUMMARY:Planning'])));
  await putObject(
    `${collection}declined.ics`,
    vcalendar(vevent('d', ['DTSTART:20260323T120000Z', 'DTEND:20260323T130000Z', 'SUMMARY:Declined', 'ATTENDEE;CUTYPE=ROOM;PARTSTAT=DECLINED:mailto:room1@example.com'])),
  );
  const clock = new FakeClock('2026-03-23T06:00:00Z');
  const store = newStore(clock, [{ id: 'room1', calendar: collection }]);
  t.after(() => store.close());
  const provider = newProvider(store, clock);
  await provider.requestSync('room1');
  return { store, provider };
}

test('xandikos: the free-busy net finds a room whose stored events lost a change the sync token did not show, and reads it in full', async (t) => {
  const { store, provider } = await room('xandikos', t);
  assert.deepEqual(await provider.safetyNet(), [], 'in agreement, declined meeting included');
  const before = agendaTable(store.events.listForRoom('room1'));
  store.events.remove('room1', 'a.ics');
  await provider.requestSync('room1');
  assert.equal(provider.lastSyncPath('room1'), 'unchanged', 'the token alone cannot see it');
  assert.deepEqual(await provider.safetyNet(), ['room1']);
  assert.equal(provider.lastSyncPath('room1'), 'full');
  assert.deepEqual(agendaTable(store.events.listForRoom('room1')), before);
});

test('radicale: a server without free-busy answers is left to the sync-token check', async (t) => {
  const { store, provider } = await room('radicale', t);
  store.events.remove('room1', 'a.ics');
  assert.deepEqual(await provider.safetyNet(), []);
});
