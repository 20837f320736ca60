import { languageOf, type Language } from './room-strings.js';

/**
 * Every string of the page a phone opens from a panel's QR code, per language (the room's
 * locale, as on its panel). `{m}` minutes, `{t}` a time, `{reason}` the server's reason.
 */
export interface PhoneStrings {
  bookFor: string;
  checkIn: string;
  end: string;
  status: { free: string; 'awaiting-checkin': string; busy: string };
  expired: string;
  invalid: string;
  notHere: string;
  booked: string;
  checkedIn: string;
  ended: string;
  notDone: string;
}

const PHONE_STRINGS: Readonly<Record<Language, PhoneStrings>> = {
  en: {
    bookFor: 'Book now for {m} minutes',
    checkIn: 'Check in',
    end: 'End the meeting now',
    status: { free: 'Free now', 'awaiting-checkin': 'Waiting for check-in', busy: 'In use' },
    expired: 'This link has expired. Scan the code on the door again.',
    invalid: 'This link is not valid.',
    notHere: 'This link is not for a room on this server.',
    booked: 'Booked until {t}.',
    checkedIn: 'Checked in. The room stays yours.',
    ended: 'The meeting has ended; the room is free.',
    notDone: 'Not done: {reason}.',
  },
  de: {
    bookFor: 'Jetzt für {m} Minuten buchen',
    checkIn: 'Einchecken',
    end: 'Termin jetzt beenden',
    status: { free: 'Jetzt frei', 'awaiting-checkin': 'Wartet auf Check-in', busy: 'Belegt' },
    expired: 'Dieser Link ist abgelaufen. Bitte den Code an der Tür erneut scannen.',
    invalid: 'Dieser Link ist ungültig.',
    notHere: 'Dieser Link gehört zu keinem Raum auf diesem Server.',
    booked: 'Gebucht bis {t}.',
    checkedIn: 'Eingecheckt. Der Raum bleibt Ihrer.',
    ended: 'Der Termin ist beendet; der Raum ist frei.',
    notDone: 'Nicht ausgeführt: {reason}.',
  },
  fr: {
    bookFor: 'Réserver maintenant pour {m} minutes',
    checkIn: 'Confirmer ma présence',
    end: 'Terminer la réunion maintenant',
    status: { free: 'Libre maintenant', 'awaiting-checkin': 'En attente de confirmation', busy: 'Occupée' },
    expired: 'Ce lien a expiré. Scannez à nouveau le code sur la porte.',
    invalid: "Ce lien n'est pas valide.",
    notHere: 'Ce lien ne correspond à aucune salle de ce serveur.',
    booked: "Réservée jusqu'à {t}.",
    checkedIn: 'Présence confirmée. La salle reste à vous.',
    ended: 'La réunion est terminée ; la salle est libre.',
    notDone: 'Non effectué : {reason}.',
  },
  es: {
    bookFor: 'Reservar ahora {m} minutos',
    checkIn: 'Confirmar asistencia',
    end: 'Terminar la reunión ahora',
    status: { free: 'Libre ahora', 'awaiting-checkin': 'Esperando confirmación', busy: 'Ocupada' },
    expired: 'Este enlace ha caducado. Vuelva a escanear el código de la puerta.',
    invalid: 'Este enlace no es válido.',
    notHere: 'Este enlace no corresponde a ninguna sala de este servidor.',
    booked: 'Reservada hasta las {t}.',
    checkedIn: 'Asistencia confirmada. La sala sigue siendo suya.',
    ended: 'La reunión ha terminado; la sala está libre.',
    notDone: 'No se ha hecho: {reason}.',
  },
};

/** The phone page's strings for a room's locale, and its language for `<html lang>`. */
export function phoneStringsFor(locale: string): { lang: Language; s: PhoneStrings } {
  const lang = languageOf(locale);
  return { lang, s: PHONE_STRINGS[lang] };
}
