import type { Action } from '../hal/types.js';

/** Every string a panel prints, per language; `{t}` and `{name}` are filled in by `fill`. */
export interface PanelStrings {
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
  next: string;
  /** Heading of the other rooms free now, on a busy panel. */
  freeNow: string;
  /** Under a panel's QR code, by what the link does. */
  scan: { book: string; checkin: string; end: string };
  freeRoomUntil: string;
  freeRoomAllDay: string;
  nothingNext: string;
  allDay: string;
  tomorrow: string;
  organizedBy: string;
  offline: string;
  stale: string;
  pending: Record<Action, string>;
}

const en: PanelStrings = {
  free: 'FREE',
  busy: 'BUSY',
  checkIn: 'CHECK IN',
  privateMeeting: 'Private meeting',
  freeUntil: 'Free until {t}',
  busyUntil: 'Busy until {t}',
  freeAllDay: 'Free all day',
  checkInBy: 'Check in by {t}',
  checkInNextBy: 'Next ({start}): check in by {t}',
  pressToCheckIn: 'Press the check-in button',
  next: 'Next',
  freeNow: 'Free now',
  scan: { book: 'Scan to book from your phone', checkin: 'Scan to check in from your phone', end: 'Scan to end early from your phone' },
  freeRoomUntil: 'until {t}',
  freeRoomAllDay: 'all day',
  nothingNext: 'Nothing else booked',
  allDay: 'All day',
  tomorrow: 'Tomorrow',
  organizedBy: '{name}',
  offline: 'Offline',
  stale: 'Calendar not reachable',
  pending: { book: 'Booking…', extend: 'Extending…', end: 'Ending…', checkin: 'Checking in…' },
};

const de: PanelStrings = {
  free: 'FREI',
  busy: 'BELEGT',
  checkIn: 'EINCHECKEN',
  privateMeeting: 'Privater Termin',
  freeUntil: 'Frei bis {t}',
  busyUntil: 'Belegt bis {t}',
  freeAllDay: 'Den ganzen Tag frei',
  checkInBy: 'Einchecken bis {t}',
  checkInNextBy: 'Nächster Termin ({start}): einchecken bis {t}',
  pressToCheckIn: 'Zum Einchecken Taste drücken',
  next: 'Als Nächstes',
  freeNow: 'Jetzt frei',
  scan: { book: 'Scannen und per Handy buchen', checkin: 'Scannen und per Handy einchecken', end: 'Scannen und per Handy vorzeitig beenden' },
  freeRoomUntil: 'bis {t}',
  freeRoomAllDay: 'ganztägig',
  nothingNext: 'Nichts weiter gebucht',
  allDay: 'Ganztägig',
  tomorrow: 'Morgen',
  organizedBy: '{name}',
  offline: 'Offline',
  stale: 'Kalender nicht erreichbar',
  pending: { book: 'Buche…', extend: 'Verlängere…', end: 'Beende…', checkin: 'Checke ein…' },
};

const fr: PanelStrings = {
  free: 'LIBRE',
  busy: 'OCCUPÉE',
  checkIn: 'CONFIRMER',
  privateMeeting: 'Réunion privée',
  freeUntil: "Libre jusqu'à {t}",
  busyUntil: "Occupée jusqu'à {t}",
  freeAllDay: 'Libre toute la journée',
  checkInBy: 'Confirmez avant {t}',
  checkInNextBy: 'Suivante ({start}) : confirmez avant {t}',
  pressToCheckIn: 'Appuyez sur le bouton pour confirmer',
  next: 'Ensuite',
  freeNow: 'Libres maintenant',
  scan: { book: 'Scannez pour réserver', checkin: 'Scannez pour confirmer', end: 'Scannez pour libérer la salle' },
  freeRoomUntil: "jusqu'à {t}",
  freeRoomAllDay: 'toute la journée',
  nothingNext: 'Aucune autre réservation',
  allDay: 'Toute la journée',
  tomorrow: 'Demain',
  organizedBy: '{name}',
  offline: 'Hors ligne',
  stale: 'Calendrier injoignable',
  pending: { book: 'Réservation…', extend: 'Prolongation…', end: 'Libération…', checkin: 'Confirmation…' },
};

const es: PanelStrings = {
  free: 'LIBRE',
  busy: 'OCUPADA',
  checkIn: 'CONFIRMAR',
  privateMeeting: 'Reunión privada',
  freeUntil: 'Libre hasta las {t}',
  busyUntil: 'Ocupada hasta las {t}',
  freeAllDay: 'Libre todo el día',
  checkInBy: 'Confirme antes de las {t}',
  checkInNextBy: 'Siguiente ({start}): confirme antes de las {t}',
  pressToCheckIn: 'Pulse el botón para confirmar',
  next: 'A continuación',
  freeNow: 'Libres ahora',
  scan: { book: 'Escanee para reservar', checkin: 'Escanee para confirmar', end: 'Escanee para terminar antes' },
  freeRoomUntil: 'hasta las {t}',
  freeRoomAllDay: 'todo el día',
  nothingNext: 'Nada más reservado',
  allDay: 'Todo el día',
  tomorrow: 'Mañana',
  organizedBy: '{name}',
  offline: 'Sin conexión',
  stale: 'Calendario no disponible',
  pending: { book: 'Reservando…', extend: 'Ampliando…', end: 'Terminando…', checkin: 'Confirmando…' },
};

const TABLE: Record<string, PanelStrings> = { en, de, fr, es };

export const PANEL_LANGUAGES = Object.keys(TABLE);

/** The strings for a BCP 47 tag by its language subtag (`de-CH` -> de); unknown languages get English. */
export function stringsFor(locale: string): PanelStrings {
  const lang = locale.toLowerCase().split(/[-_]/)[0] ?? 'en';
  return TABLE[lang] ?? en;
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}
