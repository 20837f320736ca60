import type { Clock } from '../../shared/clock.js';
import type { Notice } from '../store/repos/notices.js';
import type { RoomInfo } from '../rooms/room-directory.js';
import type { Change, ChangeFeed } from '../stream/change-feed.js';
import type { SseConnection, SseSink } from '../stream/sse-connection.js';
import type { StreamHub } from '../stream/stream-hub.js';
import { roomEntry, type SnapshotSources } from '../stream/snapshot.js';
import { noticeForRoom, noticeView, type NoticeView } from '../notify/notify-service.js';

export interface RoomStreamDeps {
  clock: Clock;
  feed: ChangeFeed;
  hub: StreamHub;
  published: SnapshotSources['published'];
  notices: { active(now?: number): Notice[] };
  /** The rooms' presence (their displays' sensors); absent: the page never offers booking on presence. */
  presence?: { of(roomId: string): { state: 'present' | 'absent' | 'unknown' }; onChange(l: (roomId: string, view: { state: 'present' | 'absent' | 'unknown' }) => void): () => void };
}

/** The room's notices still in force, newest first. */
export function activeNoticesFor(roomId: string, deps: Pick<RoomStreamDeps, 'clock' | 'notices'>): NoticeView[] {
  return deps.notices
    .active(deps.clock.now())
    .filter((n) => noticeForRoom(n.targets, roomId))
    .map(noticeView);
}

/**
 * The public stream of one room for its kiosk page: the room's state and agenda exactly as MQTT
 * carries them (privacy applied by the publisher) and the notices meant for the room; nothing
 * about other rooms or devices. Every connect starts with a snapshot, so it needs no resume.
 * Each event carries the server's time, for the page's clock.
 *
 * The room's presence lets the page offer booking to someone in a free room, as the panel does.
 * The page is public, so it tells presence only while the room is free (what the panel at the
 * door shows anyway); otherwise `unknown`: it never shows whether a meeting's people are there.
 *
 * Events: `snapshot` {now, room, state, agenda, notices, presence}, `room` {now, state?,
 * agenda?}, `notice` {now, notice}, `presence` {now, presence}.
 */
export function openRoomStream(deps: RoomStreamDeps, sink: SseSink, room: RoomInfo): SseConnection {
  const conn = deps.hub.connect(sink, { kind: 'kiosk' });
  if (!conn.isOpen) return conn;
  const now = (): string => new Date(deps.clock.now()).toISOString();

  const presence = deps.presence;
  let told: string | null = null;
  const shownPresence = (): 'present' | 'absent' | 'unknown' => {
    const status = deps.feed.room(room.id).state?.status;
    return presence && status === 'free' ? presence.of(room.id).state : 'unknown';
  };
  const tellPresence = (): void => {
    const p = shownPresence();
    if (told !== null && p !== told) conn.send({ event: 'presence', data: { now: now(), presence: p } });
    told = p;
  };

  const onChange = (c: Change): void => {
    if (c.kind === 'room' && c.roomId === room.id) {
      const what = c.payload as { state?: unknown; agenda?: unknown };
      conn.send({ event: 'room', data: { now: now(), ...(what.state ? { state: what.state } : {}), ...(what.agenda ? { agenda: what.agenda } : {}) } });
      tellPresence();
    } else if (c.kind === 'notify') {
      const notice = c.payload as NoticeView;
      if (noticeForRoom(notice.targets, room.id)) conn.send({ event: 'notice', data: { now: now(), notice: publicNotice(notice) } });
    }
  };
  conn.onClose(deps.feed.subscribe(onChange));
  if (presence) conn.onClose(presence.onChange((roomId) => roomId === room.id && tellPresence()));

  const entry = roomEntry(room, { roomView: (id) => deps.feed.room(id), published: deps.published });
  conn.send({
    event: 'snapshot',
    data: {
      now: now(),
      room: { id: entry.id, name: entry.name, timeZone: entry.timeZone, locale: entry.locale },
      state: entry.state,
      agenda: entry.agenda,
      notices: activeNoticesFor(room.id, deps).map(publicNotice),
      presence: (told = shownPresence()),
    },
  });
  return conn;
}

/** A public page learns a notice's text and lifetime, not which other rooms or devices got it. */
function publicNotice(n: NoticeView): Omit<NoticeView, 'targets'> {
  const { targets: _private, ...rest } = n;
  return rest;
}
