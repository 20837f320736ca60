import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestSchema } from '../../../shared/api/index.js';
import { deviceConfig, makeAgent, meeting, readPicture, SECRET, serverView, startBroker, startServerClient, waitFor, type Rig, type TestServer } from './harness.js';

const EVENTS = [meeting('m2', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z')];

async function online(t: { after(fn: () => Promise<void>): void }, locale: string): Promise<{ rig: Rig; server: TestServer }> {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  const { state, agenda } = serverView('room-a', EVENTS, rig.clock.now());
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a', { locale }));
  await server.publish('roomAgenda', { room: 'room-a' }, agenda);
  await server.publish('roomState', { room: 'room-a' }, state);
  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'free' && rig.agent.lastView?.locale === locale, 'free, in the room language');
  return { rig, server };
}

/** Presses book, answers it with `error`, and checks the panel's error line reads `line`. */
async function refuse(rig: Rig, server: TestServer, error: { code: string; message: string; retryAfterSecs?: number }, line: string): Promise<void> {
  const before = server.on('doorplate/devices/dev-1/request/book').length;
  rig.actions.press('book');
  const msg = await waitFor(() => server.on('doorplate/devices/dev-1/request/book')[before], 'the book request');
  const { transaction } = RequestSchema.parse(JSON.parse(msg.text));
  await server.client.publishAsync('doorplate/devices/dev-1/response/book', JSON.stringify({ transaction, status: 'error', error }));
  try {
    await waitFor(() => readPicture(rig.agent.lastPicture)?.error === line, `the error line for ${error.code}`, 3000);
  } catch {
    assert.equal(readPicture(rig.agent.lastPicture)?.error, line, `the error line for ${error.code}`);
  }
  assert.equal(rig.agent.lastView?.error, line, 'the view holds what the picture shows');
}

const SERVER_MESSAGES: Record<string, string> = {
  PROVIDER_REFUSED: 'the calendar refused the change; it cannot be made from here',
  READ_ONLY: 'this calendar is read-only',
  RATE_LIMITED: 'too many requests from this display; try again in 12 s',
  CLOCK_SKEW: 'the request was pressed in the future; check the device clock',
  ROOM_DAY_FULL: 'the room has all the bookings it takes for that day',
};

test('each refusal a person should understand reaches the panel in the room language', async (t) => {
  const expected: Record<string, Record<string, string>> = {
    en: {
      PROVIDER_REFUSED: 'This meeting cannot be changed from the door',
      READ_ONLY: 'This calendar is read-only',
      RATE_LIMITED: 'Too many presses; try again in 12 s',
      CLOCK_SKEW: "This display's clock is wrong; please tell IT",
      ROOM_DAY_FULL: 'No more bookings from the door that day',
    },
    de: {
      PROVIDER_REFUSED: 'Dieser Termin kann nicht an der Tür geändert werden',
      READ_ONLY: 'Dieser Kalender ist schreibgeschützt',
      RATE_LIMITED: 'Zu viele Anfragen; noch einmal in 12 s',
      CLOCK_SKEW: 'Die Uhr dieser Anzeige geht falsch; bitte die IT informieren',
      ROOM_DAY_FULL: 'An diesem Tag keine weiteren Buchungen an der Tür',
    },
    fr: {
      PROVIDER_REFUSED: 'Cette réunion ne peut pas être modifiée depuis la porte',
      READ_ONLY: 'Ce calendrier est en lecture seule',
      RATE_LIMITED: 'Trop de demandes ; réessayez dans 12 s',
      CLOCK_SKEW: "L'horloge de cet écran est fausse ; prévenez l'informatique",
      ROOM_DAY_FULL: 'Plus de réservation possible depuis la porte ce jour-là',
    },
    es: {
      PROVIDER_REFUSED: 'Esta reunión no se puede cambiar desde la puerta',
      READ_ONLY: 'Este calendario es de solo lectura',
      RATE_LIMITED: 'Demasiadas solicitudes; inténtelo de nuevo en 12 s',
      CLOCK_SKEW: 'El reloj de esta pantalla no es correcto; avise a informática',
      ROOM_DAY_FULL: 'No se admiten más reservas desde la puerta ese día',
    },
  };
  for (const [locale, lines] of Object.entries(expected)) {
    await t.test(locale, async (t) => {
      const { rig, server } = await online(t, locale);
      for (const [code, line] of Object.entries(lines)) {
        const error = { code, message: SERVER_MESSAGES[code] ?? code, ...(code === 'RATE_LIMITED' ? { retryAfterSecs: 12 } : {}) };
        await refuse(rig, server, error, line);
      }
    });
  }
});

test('a rate limit without its seconds asks to try again shortly; other codes show the server message', async (t) => {
  const { rig, server } = await online(t, 'en');
  await refuse(rig, server, { code: 'RATE_LIMITED', message: 'too many requests' }, 'Too many presses; try again shortly');
  await refuse(rig, server, { code: 'NOTHING_TO_DO', message: 'There is no meeting to end' }, 'There is no meeting to end');
});
