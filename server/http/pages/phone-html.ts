import { fill } from '../../../shared/i18n/room-strings.js';
import { phoneStringsFor } from '../../../shared/i18n/phone-strings.js';
import { escapeHtml } from './kiosk-html.js';

/**
 * The small page a phone opens from a panel's QR code: plain HTML forms (no script, no
 * external assets), every value escaped, in the room's language.
 */
const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:0;padding:6vw;background:#f5f7fa;color:#1b2230;max-width:34rem}
h1{font-size:1.6rem;margin:0 0 .3rem}
p{font-size:1.1rem;margin:.4rem 0 1.2rem;color:#3a4150}
form{margin:0 0 .8rem}
button{width:100%;font-size:1.25rem;padding:1rem;border:0;border-radius:.7rem;background:#1f7a45;color:#fff;font-weight:600}
button.end{background:#b3261e}
.msg{padding:1rem;border-radius:.7rem;background:#fff;border:2px solid #d8dde6;font-size:1.15rem}
.msg.bad{border-color:#b3261e}
`;

function page(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

export const BOOK_MINUTES = [15, 30, 60] as const;

/** The choices a link offers: book for 15/30/60 minutes, check in, or end early. */
export function phoneActionPage(locale: string, room: string, action: 'book' | 'checkin' | 'end', status: string, postTo: string): string {
  const { lang, s } = phoneStringsFor(locale);
  const to = escapeHtml(postTo);
  let forms: string;
  if (action === 'book') {
    forms = BOOK_MINUTES.map((m) => `<form method="post" action="${to}"><input type="hidden" name="mins" value="${m}"><button>${escapeHtml(fill(s.bookFor, { m: String(m) }))}</button></form>`).join('');
  } else if (action === 'checkin') {
    forms = `<form method="post" action="${to}"><button>${escapeHtml(s.checkIn)}</button></form>`;
  } else {
    forms = `<form method="post" action="${to}"><button class="end">${escapeHtml(s.end)}</button></form>`;
  }
  const now = status === 'free' || status === 'awaiting-checkin' || status === 'busy' ? s.status[status] : '';
  return page(lang, room, `<h1>${escapeHtml(room)}</h1><p>${escapeHtml(now)}</p>${forms}`);
}

export function phoneResultPage(locale: string, room: string, message: string, ok: boolean): string {
  return page(phoneStringsFor(locale).lang, room, `<h1>${escapeHtml(room)}</h1><div class="msg${ok ? '' : ' bad'}">${escapeHtml(message)}</div>`);
}
