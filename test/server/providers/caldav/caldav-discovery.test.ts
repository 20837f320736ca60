import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../shared/clock.js';
import { putObject, startDavServer } from './dav-servers.js';
import { vcalendar, vevent } from './calendar-data.js';
import { agendaTable, newProvider, newStore } from './harness.js';

test('xandikos: a room named by its calendar is found from the server address (.well-known, principal, calendar home)', async (t) => {
  const server = await startDavServer('xandikos');
  t.after(() => server.stop());
  const collection = await server.makeCalendar('board-room');
  await server.makeCalendar('lobby');
  await putObject(`${collection}one.ics`, vcalendar(vevent('one', ['DTSTART:20260323T090000Z', 'DTEND:20260323T100000Z', 'SUMMARY:Board'])));
  const clock = new FakeClock('2026-03-23T06:00:00Z');
  const store = newStore(clock, [{ id: 'board', calendar: 'board-room' }]);
  t.after(() => store.close());
  const provider = newProvider(store, clock, { config: { server: server.root } });
  const names = (await provider.listResources()).map((r) => r.name).sort();
  assert.ok(names.includes('board-room') && names.includes('lobby'), names.join(', '));
  await provider.sync('board');
  assert.deepEqual(agendaTable(store.events.listForRoom('board')), ['2026-03-23T09:00:00.000Z 2026-03-23T10:00:00.000Z Board']);
});
