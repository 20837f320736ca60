import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RoomState } from '../../shared/model/room-state.js';

export type LinkAction = 'book' | 'checkin' | 'end';

/** Short action names keep the URL (and so the QR code) small. */
const CODE: Record<LinkAction, string> = { book: 'b', checkin: 'c', end: 'e' };
const BY_CODE: Record<string, LinkAction> = { b: 'book', c: 'checkin', e: 'end' };

/** 128 bits of the HMAC: plenty against guessing, short enough for a small code. */
const SIG_CHARS = 22;

export interface RoomLink {
  url: string;
  action: LinkAction;
  expiresAt: string;
}

export type LinkCheck = { ok: true; room: string; action: LinkAction; expiresAt: number } | { ok: false; reason: 'bad' | 'expired' };

/**
 * Signed links for phones: `/m/<room>/<action>/<expiry>/<signature>`, the signature an
 * HMAC-SHA256 of room, action and expiry under a server secret kept in the store. A link works
 * for its room and action only, until it expires; nothing about it is stored.
 */
export class RoomLinks {
  constructor(
    private readonly opts: {
      secret: Buffer;
      /** This server's address as phones reach it. */
      publicUrl: string;
      graceMs: number;
    },
  ) {
    if (opts.secret.length < 32) throw new RangeError('qr link secret: at least 32 bytes');
  }

  /** What a room's panel offers a phone in its state: book when free, else check in or end. */
  static actionFor(state: Pick<RoomState, 'status'>): LinkAction {
    return state.status === 'free' ? 'book' : state.status === 'awaiting-checkin' ? 'checkin' : 'end';
  }

  /** The link for a room's state: valid until its next change and a grace after. */
  linkFor(state: Pick<RoomState, 'room' | 'status' | 'nextChangeAt'>, now: number): RoomLink {
    const action = RoomLinks.actionFor(state);
    const change = state.nextChangeAt === null ? now : Date.parse(state.nextChangeAt);
    // Whole minutes: the same state gives the same link, so republishing changes nothing.
    const exp = Math.ceil((Math.max(change, now) + this.opts.graceMs) / 60_000);
    const path = `/m/${encodeURIComponent(state.room)}/${CODE[action]}/${exp.toString(36)}/${this.sign(state.room, action, exp)}`;
    return { url: `${this.opts.publicUrl.replace(/\/+$/, '')}${path}`, action, expiresAt: new Date(exp * 60_000).toISOString() };
  }

  /** Checks a link's parts (as routed): the signature first, then the expiry. */
  check(parts: { room: string; action: string; exp: string; sig: string }, now: number): LinkCheck {
    const action = BY_CODE[parts.action];
    if (!action || !/^[0-9a-z]{1,10}$/.test(parts.exp) || parts.sig.length !== SIG_CHARS) return { ok: false, reason: 'bad' };
    const exp = parseInt(parts.exp, 36);
    const want = Buffer.from(this.sign(parts.room, action, exp));
    const got = Buffer.from(parts.sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad' };
    if (now >= exp * 60_000) return { ok: false, reason: 'expired' };
    return { ok: true, room: parts.room, action, expiresAt: exp * 60_000 };
  }

  private sign(room: string, action: LinkAction, exp: number): string {
    return createHmac('sha256', this.opts.secret).update(`doorplate-link\n${room}\n${action}\n${exp}`).digest('base64url').slice(0, SIG_CHARS);
  }
}
