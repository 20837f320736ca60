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
  /** The check-in window of the next meeting, open while another still holds the room. */
  checkInNextBy: string;
  pressToCheckIn: string;
  /** Someone is in a free room (its presence sensor): the offer to book it, two lines. */
  presenceOffer: { line: string; prompt: string };
  /** Heading of the other rooms free now, on a busy panel. */
  freeNow: string;
  /** Under a panel's QR code, by what the link does. */
  scan: { book: string; checkin: string; end: string };
  freeRoomUntil: string;
  freeRoomAllDay: string;
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
  /** A refused press's error line, by the server's error code (`{s}`: seconds to wait). */
  refused: {
    providerRefused: string;
    readOnly: string;
    rateLimited: string;
    rateLimitedFor: string;
    clockSkew: string;
    roomDayFull: string;
  };
}

const en: RoomStrings = {
  checkInNextBy: 'Next ({start}): check in by {t}',
  freeNow: 'Free now',
  scan: { book: 'Scan to book from your phone', checkin: 'Scan to check in from your phone', end: 'Scan to end early from your phone' },
  freeRoomUntil: 'until {t}',
  freeRoomAllDay: 'all day',
  free: 'FREE',
  busy: 'BUSY',
  checkIn: 'CHECK IN',
  privateMeeting: 'Private meeting',
  freeUntil: 'Free until {t}',
  busyUntil: 'Busy until {t}',
  freeAllDay: 'Free all day',
  checkInBy: 'Check in by {t}',
  pressToCheckIn: 'Press the check-in button',
  presenceOffer: { line: "Someone's here", prompt: 'Press Book to hold this room' },
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
  refused: {
    providerRefused: "Can't be changed from the door",
    readOnly: 'Calendar is read-only',
    rateLimited: 'Too many presses; try later',
    rateLimitedFor: 'Too many presses; wait {s} s',
    clockSkew: 'Display clock wrong; tell IT',
    roomDayFull: 'No more door bookings today',
  },
};

const de: RoomStrings = {
  checkInNextBy: 'Nächster Termin ({start}): einchecken bis {t}',
  freeNow: 'Jetzt frei',
  scan: { book: 'Scannen und per Handy buchen', checkin: 'Scannen und per Handy einchecken', end: 'Scannen und per Handy vorzeitig beenden' },
  freeRoomUntil: 'bis {t}',
  freeRoomAllDay: 'ganztägig',
  free: 'FREI',
  busy: 'BELEGT',
  checkIn: 'EINCHECKEN',
  privateMeeting: 'Privater Termin',
  freeUntil: 'Frei bis {t}',
  busyUntil: 'Belegt bis {t}',
  freeAllDay: 'Den ganzen Tag frei',
  checkInBy: 'Einchecken bis {t}',
  pressToCheckIn: 'Zum Einchecken Taste drücken',
  presenceOffer: { line: 'Jemand ist hier', prompt: 'Buchen drücken, um den Raum zu halten' },
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
  refused: {
    providerRefused: 'An der Tür nicht änderbar',
    readOnly: 'Kalender ist schreibgeschützt',
    rateLimited: 'Zu viele Anfragen; kurz warten',
    rateLimitedFor: 'Zu viele Anfragen; {s} s warten',
    clockSkew: 'Uhr falsch; bitte IT melden',
    roomDayFull: 'Heute keine Türbuchung mehr',
  },
};

const fr: RoomStrings = {
  checkInNextBy: 'Suivante ({start}) : confirmez avant {t}',
  freeNow: 'Libres maintenant',
  scan: { book: 'Scannez pour réserver', checkin: 'Scannez pour confirmer', end: 'Scannez pour libérer la salle' },
  freeRoomUntil: "jusqu'à {t}",
  freeRoomAllDay: 'toute la journée',
  free: 'LIBRE',
  busy: 'OCCUPÉE',
  checkIn: 'CONFIRMER',
  privateMeeting: 'Réunion privée',
  freeUntil: "Libre jusqu'à {t}",
  busyUntil: "Occupée jusqu'à {t}",
  freeAllDay: 'Libre toute la journée',
  checkInBy: 'Confirmez avant {t}',
  pressToCheckIn: 'Appuyez sur le bouton pour confirmer',
  presenceOffer: { line: "Quelqu'un est là", prompt: 'Appuyez sur Réserver pour garder la salle' },
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
  refused: {
    providerRefused: 'Non modifiable depuis la porte',
    readOnly: 'Calendrier en lecture seule',
    rateLimited: "Trop d'appuis ; patientez",
    rateLimitedFor: "Trop d'appuis ; attendez {s} s",
    clockSkew: "Horloge fausse ; prévenez l'IT",
    roomDayFull: "Plus de réservations aujourd'hui",
  },
};

const es: RoomStrings = {
  checkInNextBy: 'Siguiente ({start}): confirme antes de las {t}',
  freeNow: 'Libres ahora',
  scan: { book: 'Escanee para reservar', checkin: 'Escanee para confirmar', end: 'Escanee para terminar antes' },
  freeRoomUntil: 'hasta las {t}',
  freeRoomAllDay: 'todo el día',
  free: 'LIBRE',
  busy: 'OCUPADA',
  checkIn: 'CONFIRMAR',
  privateMeeting: 'Reunión privada',
  freeUntil: 'Libre hasta las {t}',
  busyUntil: 'Ocupada hasta las {t}',
  freeAllDay: 'Libre todo el día',
  checkInBy: 'Confirme antes de las {t}',
  pressToCheckIn: 'Pulse el botón para confirmar',
  presenceOffer: { line: 'Hay alguien aquí', prompt: 'Pulse Reservar para quedarse la sala' },
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
  refused: {
    providerRefused: 'No modificable desde la puerta',
    readOnly: 'Calendario de solo lectura',
    rateLimited: 'Demasiados intentos; espere',
    rateLimitedFor: 'Demasiados intentos; espere {s} s',
    clockSkew: 'Reloj incorrecto; avise a soporte',
    roomDayFull: 'No más reservas hoy',
  },
};

/** By language subtag. */
export const ROOM_STRINGS: Readonly<Record<string, RoomStrings>> = { en, de, fr, es };

/** The languages the room's texts (panel, kiosk, phone page) are written in. */
export const LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The language of a BCP 47 tag by its subtag (`de-CH` -> de); languages without texts get English. */
export function languageOf(locale: string): Language {
  const lang = locale.toLowerCase().split(/[-_]/)[0] ?? 'en';
  return (LANGUAGES as readonly string[]).includes(lang) ? (lang as Language) : 'en';
}

/** The strings for a BCP 47 tag by its language subtag (`de-CH` -> de); unknown languages get English. */
export function stringsFor(locale: string): RoomStrings {
  return ROOM_STRINGS[languageOf(locale)] ?? en;
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}

/**
 * What a refused press shows on the panel for the error codes a person can act on or should
 * understand; null for the others, whose server message is shown as it is.
 */
export function refusalText(strings: RoomStrings, code: string, retryAfterSecs?: number): string | null {
  const r = strings.refused;
  switch (code) {
    case 'PROVIDER_REFUSED':
      return r.providerRefused;
    case 'READ_ONLY':
      return r.readOnly;
    case 'RATE_LIMITED':
      return retryAfterSecs !== undefined && retryAfterSecs > 0 ? fill(r.rateLimitedFor, { s: String(Math.ceil(retryAfterSecs)) }) : r.rateLimited;
    case 'CLOCK_SKEW':
      return r.clockSkew;
    case 'ROOM_DAY_FULL':
      return r.roomDayFull;
    default:
      return null;
  }
}
