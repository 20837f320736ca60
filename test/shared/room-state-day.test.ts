import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/clock.js';
import { buildAgenda, computeRoomState } from '../../shared/state/engine.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { ev, ms, policyOf } from './calendar-fixtures.js';

const B = (hhmm: string, day = '02'): string => `2026-03-${day}T${hhmm}:00+01:00`;

/** A busy Monday in Berlin with every kind of boundary in it. */
const day = [
  ev('A', B('08:00'), B('09:00'), { checkInRequired: true }),
  ev('B', B('09:00'), B('09:30'), { checkInRequired: true, checkedInAt: B('08:58') }),
  ev('C', B('09:15'), B('10:00')),
  ev('D', B('11:00'), B('11:30'), { status: 'cancelled' }),
  ev('E', B('13:00'), B('14:00'), { roomResponse: 'declined' }),
  ev('F', B('14:00'), B('15:00'), { status: 'tentative', checkInRequired: true }),
  ev('G', B('23:30'), B('00:30', '03')),
];

const local = (t: number): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);

/** Everything but nextChangeAt: what a panel shows. */
function shown(s: RoomState): Omit<RoomState, 'nextChangeAt'> {
  const { nextChangeAt: _ignored, ...rest } = s;
  return rest;
}

test('simulated day: one timer at each nextChangeAt walks the day through every status', () => {
  const policy = policyOf();
  const clock = new FakeClock(B('00:00'));
  const end = ms(B('00:00', '03'));
  const steps: Array<{ at: number; state: RoomState }> = [];

  // What a state publisher does: compute, then arm one timer for the next boundary.
  const tick = (): void => {
    const state = computeRoomState(day, clock.now(), policy);
    steps.push({ at: clock.now(), state });
    const at = Date.parse(state.nextChangeAt ?? '');
    assert.ok(at > clock.now(), 'nextChangeAt is in the future');
    if (at <= end) clock.setTimeout(tick, at - clock.now());
  };
  tick();
  clock.set(end);

  assert.equal(clock.pending(), 0, 'the walk stopped after the end of the day');
  assert.ok(steps.length <= 20, `a day of 7 events takes a bounded number of steps (took ${steps.length})`);
  assert.deepEqual(
    steps.map(({ at, state }) => [local(at), state.status, state.current?.id ?? '-', state.checkIn?.eventId ?? '-']),
    [
      ['00:00', 'free', '-', '-'],
      ['07:55', 'free', '-', 'A'],
      ['08:00', 'awaiting-checkin', 'A', 'A'],
      ['08:10', 'busy', 'A', '-'],
      ['09:00', 'busy', 'B', '-'],
      ['09:15', 'busy', 'C', '-'],
      ['09:30', 'busy', 'C', '-'],
      ['10:00', 'free', '-', '-'],
      ['13:55', 'free', '-', 'F'],
      ['14:00', 'awaiting-checkin', 'F', 'F'],
      ['14:10', 'busy', 'F', '-'],
      ['15:00', 'free', '-', '-'],
      ['23:30', 'busy', 'G', '-'],
      ['00:00', 'busy', 'G', '-'],
    ],
  );
});

test('simulated day: nothing a panel shows changes between two boundaries', () => {
  const policy = policyOf();
  let now = ms(B('00:00'));
  const end = ms(B('00:00', '03'));
  let steps = 0;
  while (now < end) {
    const state = computeRoomState(day, now, policy);
    const next = Date.parse(state.nextChangeAt ?? '');
    for (const probe of [now + 1, Math.floor((now + next) / 2), next - 1]) {
      assert.deepEqual(shown(computeRoomState(day, probe, policy)), shown(state), `unchanged at ${new Date(probe).toISOString()}`);
    }
    now = next;
    steps++;
    assert.ok(steps < 50, 'the walk ends');
  }
});

test('simulated day: a device computing from the agenda agrees with the server', () => {
  // The device only has the privacy-applied agenda; at every boundary it must show what the
  // server shows, so an offline panel keeps turning over correctly.
  for (const mode of ['full', 'organizer', 'private'] as const) {
    const policy = policyOf('Europe/Berlin', {}, mode);
    const agenda = buildAgenda(day, ms(B('00:00')), policy);
    let now = ms(B('00:00'));
    while (now < ms(B('23:59'))) {
      const server = computeRoomState(day, now, policy);
      assert.deepEqual(computeRoomState(agenda.events, now, policy), server, `${mode} at ${new Date(now).toISOString()}`);
      now = Date.parse(server.nextChangeAt ?? '');
    }
  }
});

test('simulated day: the DST day in New York walks across the gap in order', () => {
  const policy = policyOf('America/New_York');
  const events = [
    ev('early', '2026-03-08T01:00:00-05:00', '2026-03-08T01:45:00-05:00'),
    ev('gap', '2026-03-08T01:45:00-05:00', '2026-03-08T03:30:00-04:00'),
    ev('day', '2026-03-08', '2026-03-09'),
  ];
  let now = ms('2026-03-07T23:00:00-05:00');
  const seen: string[] = [];
  for (let i = 0; i < 10 && now < ms('2026-03-09T00:00:00-04:00'); i++) {
    const s = computeRoomState(events, now, policy);
    seen.push(`${new Date(now).toISOString()} ${s.status} ${s.current?.id ?? '-'} ${s.busyUntil ?? '-'}`);
    now = Date.parse(s.nextChangeAt ?? '');
  }
  assert.deepEqual(seen, [
    '2026-03-08T04:00:00.000Z free - -',
    '2026-03-08T05:00:00.000Z busy day 2026-03-09T04:00:00.000Z',
    '2026-03-08T06:00:00.000Z busy early 2026-03-09T04:00:00.000Z',
    '2026-03-08T06:45:00.000Z busy gap 2026-03-09T04:00:00.000Z',
    '2026-03-08T07:30:00.000Z busy day 2026-03-09T04:00:00.000Z',
  ]);
});
