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
      PROVIDER_REFUSED: "Can't be changed from the door",
      READ_ONLY: 'Calendar is read-only',
      RATE_LIMITED: 'Too many presses; wait 12 s',
      CLOCK_SKEW: 'Display clock wrong; tell IT',
      ROOM_DAY_FULL: 'No more door bookings today',
    },
    de: {
      PROVIDER_REFUSED: 'An der Tür nicht änderbar',
      READ_ONLY: 'Kalender ist schreibgeschützt',
      RATE_LIMITED: 'Zu viele Anfragen; 12 s warten',
      CLOCK_SKEW: 'Uhr falsch; bitte IT melden',
      ROOM_DAY_FULL: 'Heute keine Türbuchung mehr',
    },
    fr: {
      PROVIDER_REFUSED: 'Non modifiable depuis la porte',
      READ_ONLY: 'Calendrier en lecture seule',
      RATE_LIMITED: "Trop d'appuis ; attendez 12 s",
      CLOCK_SKEW: "Horloge fausse ; prévenez l'IT",
      ROOM_DAY_FULL: "Plus de réservations aujourd'hui",
    },
    es: {
      PROVIDER_REFUSED: 'No modificable desde la puerta',
      READ_ONLY: 'Calendario de solo lectura',
      RATE_LIMITED: 'Demasiados intentos; espere 12 s',
      CLOCK_SKEW: 'Reloj incorrecto; avise a soporte',
      ROOM_DAY_FULL: 'No más reservas hoy',
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

test('a rate limit without its seconds asks to try later; other codes show the server message', async (t) => {
  const { rig, server } = await online(t, 'en');
  await refuse(rig, server, { code: 'RATE_LIMITED', message: 'too many requests' }, 'Too many presses; try later');
  await refuse(rig, server, { code: 'NOTHING_TO_DO', message: 'There is no meeting to end' }, 'There is no meeting to end');
});
