import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../shared/clock.js';
import { computeRoomState } from '../../../../shared/state/engine.js';
import { CALDAV } from '../../../../server/providers/caldav/caldav-sync.js';
import { EXPECTED_WEEK, roomWeek, vcalendar, vevent } from './calendar-data.js';
import { deleteObject, putObject, startDavServer, type DavServerKind } from './dav-servers.js';
import { agendaTable, freshRead, newProvider, newStore } from './harness.js';

const ok2xx = (status: number): boolean => status >= 200 && status < 300;
const policy = { room: 'room1', timeZone: 'Europe/Berlin', checkIn: { enabled: false, opensBeforeMins: 5, closesAfterMins: 10 }, privacy: 'full' as const };

for (const kind of ['radicale', 'xandikos'] as const satisfies readonly DavServerKind[]) {
  test(`${kind}: a week of real calendar objects gives the expected agenda and states; edits, deletes and a token reset converge`, async (t) => {
    const server = await startDavServer(kind);
    t.after(() => server.stop());
    const collection = await server.makeCalendar('room1');
    for (const [name, ics] of Object.entries(roomWeek())) assert.equal(await putObject(`${collection}${name}`, ics), 201, name);
    const clock = new FakeClock('2026-03-23T06:00:00Z');
    const rooms = [{ id: 'room1', calendar: collection }];
    const store = newStore(clock, rooms);
    t.after(() => store.close());
    const provider = newProvider(store, clock);
    const changes: string[] = [];
    provider.onRoomChanged((r) => changes.push(r));

    await provider.requestSync('room1');
    assert.equal(provider.lastSyncPath('room1'), 'full');
    assert.deepEqual(agendaTable(store.events.listForRoom('room1')), EXPECTED_WEEK);
    assert.deepEqual(changes, ['room1']);

    const stateAt = (iso: string) => computeRoomState(store.events.listForRoom('room1'), Date.parse(iso), policy);
    const weekly = stateAt('2026-03-23T09:15:00Z');
    assert.equal(weekly.status, 'busy');
    assert.equal(weekly.current?.title, 'Team weekly');
    assert.equal(weekly.busyUntil, '2026-03-23T10:00:00.000Z');
    const priv = stateAt('2026-03-24T10:10:00Z');
    assert.equal(priv.status, 'busy');
    assert.equal(priv.current?.title, null, 'a private event shows no title');
    assert.equal(stateAt('2026-03-26T10:00:00Z').current?.title, 'Workshop');
    const declined = stateAt('2026-03-28T14:30:00Z');
    assert.equal(declined.status, 'free', 'the room declined this one: it does not hold the room');
    assert.equal(stateAt('2026-03-29T01:00:00Z').current?.title, 'Night migration');
    assert.equal(stateAt('2026-03-30T12:30:00Z').current?.title, 'Team weekly (moved)');
    assert.equal(stateAt('2026-03-30T08:30:00Z').status, 'free', 'the moved instance left its old slot');

    // Unchanged: one request per poll.
    const before = provider.budget.counts();
    await provider.requestSync('room1');
    assert.equal(provider.lastSyncPath('room1'), 'unchanged');
    const after = provider.budget.counts();
    assert.equal(Object.values(after).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0), 1);

    // Edits and deletes by other clients.
    const week = roomWeek();
    assert.ok(ok2xx(await putObject(`${collection}private.ics`, (week['private.ics'] ?? '').replace('SUMMARY:Salary talk', 'SUMMARY:Budget talk'))));
    assert.ok(ok2xx(await deleteObject(`${collection}allday.ics`)));
    assert.ok(ok2xx(await putObject(`${collection}weekly.ics`, (week['weekly.ics'] ?? '').replace('EXDATE;TZID=Europe/Berlin:20260406T100000', 'EXDATE;TZID=Europe/Berlin:20260406T100000,20260413T100000'))));
    assert.ok(ok2xx(await putObject(`${collection}new.ics`, vcalendar(vevent('new-1', ['DTSTART:20260325T080000Z', 'DTEND:20260325T083000Z', 'SUMMARY:Quick sync'])))));
    await provider.requestSync('room1');
    assert.equal(provider.lastSyncPath('room1'), 'sync-collection');
    const edited = agendaTable(store.events.listForRoom('room1'));
    assert.ok(edited.includes('2026-03-24T10:00:00.000Z 2026-03-24T10:30:00.000Z Budget talk [private]'));
    assert.ok(edited.includes('2026-03-25T08:00:00.000Z 2026-03-25T08:30:00.000Z Quick sync'));
    assert.ok(!edited.some((l) => l.includes('Offsite day') || l.startsWith('2026-04-13')));
    assert.deepEqual(agendaTable(store.events.listForRoom('room1')), agendaTable(await freshRead(clock, rooms, 'room1')));

    // A token the server no longer knows: the room is read in full and still converges.
    const mark = JSON.parse(store.syncState.get('room1', CALDAV)?.token ?? '{}') as Record<string, unknown>;
    store.syncState.set('room1', CALDAV, JSON.stringify({ ...mark, syncToken: kind === 'radicale' ? 'http://radicale.org/ns/sync/0000' : '0000000000000000000000000000000000000000' }));
    assert.ok(ok2xx(await deleteObject(`${collection}dst.ics`)));
    await provider.requestSync('room1');
    assert.equal(provider.lastSyncPath('room1'), 'full');
    assert.equal(provider.isStale('room1'), false);
    assert.ok(!agendaTable(store.events.listForRoom('room1')).some((l) => l.includes('Night migration')));
    assert.deepEqual(agendaTable(store.events.listForRoom('room1')), agendaTable(await freshRead(clock, rooms, 'room1')));

    // A new day moves the window: read in full once, then unchanged again.
    clock.set('2026-03-31T06:00:00Z');
    await provider.requestSync('room1');
    assert.equal(provider.lastSyncPath('room1'), 'full');
    assert.ok(!agendaTable(store.events.listForRoom('room1')).some((l) => l.startsWith('2026-03-23')));
    await provider.requestSync('room1');
    assert.equal(provider.lastSyncPath('room1'), 'unchanged');
  });
}
