import { table, when } from '../table.js';

/**
 * How the admin commands show the API's answers to a person: one aligned table per listing.
 * Fields are read defensively (the answer is JSON from a server of any version); `--json`
 * prints the answer itself.
 */
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const list = (v: unknown, key: string): Obj[] => {
  const items = Array.isArray(v) ? v : obj(v)[key];
  return Array.isArray(items) ? items.map(obj) : [obj(v)];
};

/** `rooms`: room, status, until, the current meeting. */
export function roomsTable(answer: unknown, now: number): string {
  return table(list(answer, 'rooms'), [
    { header: 'room', cell: (r) => str(r.id) },
    { header: 'name', cell: (r) => str(r.name) },
    { header: 'status', cell: (r) => str(obj(r.state).status) ?? 'unknown' },
    {
      header: 'until',
      cell: (r) => {
        const s = obj(r.state);
        const at = str(s.status) === 'free' ? str(s.freeUntil) : str(s.busyUntil);
        return at === null ? (str(s.status) === 'free' ? 'all day' : '-') : when(at, now, str(r.timeZone) ?? undefined);
      },
    },
    { header: 'current meeting', cell: (r) => meetingTitle(obj(r.state).current) },
  ]);
}

function meetingTitle(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const m = obj(v);
  return str(m.title) ?? (m.private === true ? '(private)' : '(untitled)');
}

/** `devices`: device, status, online, room, panel, last seen. */
export function devicesTable(answer: unknown, now: number): string {
  return table(list(answer, 'devices'), [
    { header: 'device', cell: (d) => str(d.id) },
    { header: 'status', cell: (d) => str(d.status) },
    { header: 'online', cell: (d) => (d.online === true ? 'yes' : 'no') },
    { header: 'room', cell: (d) => str(d.roomId) },
    { header: 'panel', cell: (d) => str(obj(obj(d.hello).panel).model) ?? str(obj(d.hello).model) },
    { header: 'last seen', cell: (d) => when(typeof d.lastSeenAt === 'number' ? d.lastSeenAt : null, now) },
  ]);
}

/** `book`: the meeting made. */
export function meetingTable(answer: unknown, now: number): string {
  const m = obj(obj(answer).event ?? answer);
  return table([m], [
    { header: 'meeting', cell: (e) => str(e.id) },
    { header: 'title', cell: (e) => meetingTitle(e) },
    { header: 'start', cell: (e) => when(str(e.start), now) },
    { header: 'end', cell: (e) => when(str(e.end), now) },
  ]);
}

export function resourcesTable(answer: unknown): string {
  return table(list(answer, 'resources'), [
    { header: 'resource', cell: (r) => str(r.id) },
    { header: 'name', cell: (r) => str(r.name) },
    { header: 'email', cell: (r) => str(r.email) },
    { header: 'capacity', cell: (r) => str(r.capacity), align: 'right' },
  ]);
}

export function subscriptionsTable(answer: unknown, now: number): string {
  return table(list(answer, 'subscriptions'), [
    { header: 'subscription', cell: (s) => str(s.id) },
    { header: 'room', cell: (s) => str(s.room) },
    { header: 'provider', cell: (s) => str(s.provider) },
    { header: 'expires', cell: (s) => when(str(s.expiresAt), now) },
  ]);
}

/** `report usage`: one line per room and day. */
export function usageTable(answer: unknown): string {
  return table(list(answer, 'rows'), [
    { header: 'room', cell: (r) => str(r.room) },
    { header: 'day', cell: (r) => str(r.day) },
    { header: 'booked h', cell: (r) => str(r.bookedHours), align: 'right' },
    { header: 'checked-in h', cell: (r) => str(r.checkedInHours), align: 'right' },
    { header: 'no-shows', cell: (r) => str(r.releasedNoShows), align: 'right' },
    { header: 'nobody present', cell: (r) => str(r.releasedNoPresence), align: 'right' },
    { header: 'at door', cell: (r) => str(r.adHocBookings), align: 'right' },
    // No sensor in the room: a dash, not 0.
    { header: 'present min', cell: (r) => (r.presenceMinutes === null || r.presenceMinutes === undefined ? '-' : str(r.presenceMinutes)), align: 'right' },
  ]);
}

/** `mail list` (and the mail a retry re-queued): id, status, kind, room, recipient, subject, tries, when; then the counts by status. */
export function mailTable(answer: unknown, now: number): string {
  // A list answers `{mail: [...]}`, a retry `{mail: {...}}`.
  const one = obj(answer).mail;
  const mails = one !== null && typeof one === 'object' && !Array.isArray(one) ? [obj(one)] : list(answer, 'mail');
  const rows = table(mails, [
    { header: 'mail', cell: (m) => str(m.id), align: 'right' },
    { header: 'status', cell: (m) => str(m.status) },
    { header: 'kind', cell: (m) => str(m.kind) },
    { header: 'room', cell: (m) => str(m.room) },
    { header: 'to', cell: (m) => str(m.to) },
    { header: 'subject', cell: (m) => str(m.subject) },
    { header: 'tries', cell: (m) => str(m.attempts), align: 'right' },
    // Sent mail: when it went; waiting mail: when it is tried next.
    { header: 'sent / next', cell: (m) => when(str(m.sentAt) ?? str(m.nextAttemptAt), now) },
    { header: 'last error', cell: (m) => str(m.lastError) },
  ]);
  const counts = Object.entries(obj(obj(answer).counts)).filter(([, n]) => typeof n === 'number' && n > 0);
  return counts.length ? `${rows}${counts.map(([k, n]) => `${k} ${String(n)}`).join(', ')}
` : rows;
}
