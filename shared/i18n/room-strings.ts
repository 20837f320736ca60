/**
 * Every string a room's display prints (the e-paper panel and the kiosk page), per language;
 * `{t}` and `{name}` are filled in by `fill`. One table, so the two say the same.
 */
export interface RoomStrings {
  free: string;
  busy: string;
  checkIn: string;
  privateMeeting: string;
  freeUntil: string;
  busyUntil: string;
  freeAllDay: string;
  checkInBy: string;
  pressToCheckIn: string;
  next: string;
  nothingNext: string;
  allDay: string;
  tomorrow: string;
  organizedBy: string;
  offline: string;
  stale: string;
  pending: Record<'book' | 'extend' | 'end' | 'checkin', string>;
  /** The kiosk page while its stream reconnects. */
  reconnecting: string;
  /** Who sent a notice, on the kiosk page. */
  noticeFrom: string;
}

const en: RoomStrings = {
  free: 'FREE',
  busy: 'BUSY',
  checkIn: 'CHECK IN',
  privateMeeting: 'Private meeting',
  freeUntil: 'Free until {t}',
  busyUntil: 'Busy until {t}',
  freeAllDay: 'Free all day',
  checkInBy: 'Check in by {t}',
  pressToCheckIn: 'Press the check-in button',
  next: 'Next',
  nothingNext: 'Nothing else booked',
  allDay: 'All day',
  tomorrow: 'Tomorrow',
  organizedBy: '{name}',
  offline: 'Offline',
  stale: 'Calendar not reachable',
  pending: { book: 'Booking…', extend: 'Extending…', end: 'Ending…', checkin: 'Checking in…' },
  reconnecting: 'Reconnecting…',
  noticeFrom: 'from {name}',
};

const de: RoomStrings = {
  free: 'FREI',
  busy: 'BELEGT',
  checkIn: 'EINCHECKEN',
  privateMeeting: 'Privater Termin',
  freeUntil: 'Frei bis {t}',
  busyUntil: 'Belegt bis {t}',
  freeAllDay: 'Den ganzen Tag frei',
  checkInBy: 'Einchecken bis {t}',
  pressToCheckIn: 'Zum Einchecken Taste drücken',
  next: 'Als Nächstes',
  nothingNext: 'Nichts weiter gebucht',
  allDay: 'Ganztägig',
  tomorrow: 'Morgen',
  organizedBy: '{name}',
  offline: 'Offline',
  stale: 'Kalender nicht erreichbar',
  pending: { book: 'Buche…', extend: 'Verlängere…', end: 'Beende…', checkin: 'Checke ein…' },
  reconnecting: 'Verbinde neu…',
  noticeFrom: 'von {name}',
};

const fr: RoomStrings = {
  free: 'LIBRE',
  busy: 'OCCUPÉE',
  checkIn: 'CONFIRMER',
  privateMeeting: 'Réunion privée',
  freeUntil: "Libre jusqu'à {t}",
  busyUntil: "Occupée jusqu'à {t}",
  freeAllDay: 'Libre toute la journée',
  checkInBy: 'Confirmez avant {t}',
  pressToCheckIn: 'Appuyez sur le bouton pour confirmer',
  next: 'Ensuite',
  nothingNext: 'Aucune autre réservation',
  allDay: 'Toute la journée',
  tomorrow: 'Demain',
  organizedBy: '{name}',
  offline: 'Hors ligne',
  stale: 'Calendrier injoignable',
  pending: { book: 'Réservation…', extend: 'Prolongation…', end: 'Libération…', checkin: 'Confirmation…' },
  reconnecting: 'Reconnexion…',
  noticeFrom: 'de {name}',
};

const es: RoomStrings = {
  free: 'LIBRE',
  busy: 'OCUPADA',
  checkIn: 'CONFIRMAR',
  privateMeeting: 'Reunión privada',
  freeUntil: 'Libre hasta las {t}',
  busyUntil: 'Ocupada hasta las {t}',
  freeAllDay: 'Libre todo el día',
  checkInBy: 'Confirme antes de las {t}',
  pressToCheckIn: 'Pulse el botón para confirmar',
  next: 'A continuación',
  nothingNext: 'Nada más reservado',
  allDay: 'Todo el día',
  tomorrow: 'Mañana',
  organizedBy: '{name}',
  offline: 'Sin conexión',
  stale: 'Calendario no disponible',
  pending: { book: 'Reservando…', extend: 'Ampliando…', end: 'Terminando…', checkin: 'Confirmando…' },
  reconnecting: 'Reconectando…',
  noticeFrom: 'de {name}',
};

/** By language subtag. */
export const ROOM_STRINGS: Readonly<Record<string, RoomStrings>> = { en, de, fr, es };

/** The strings for a BCP 47 tag by its language subtag (`de-CH` -> de); unknown languages get English. */
export function stringsFor(locale: string): RoomStrings {
  const lang = locale.toLowerCase().split(/[-_]/)[0] ?? 'en';
  return ROOM_STRINGS[lang] ?? en;
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}
