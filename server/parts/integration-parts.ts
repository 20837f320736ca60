import type { Part } from '../../shared/lifecycle.js';
import { countPublishes, timeSyncs } from '../metrics/instrument.js';
import type { DoorplateServer } from '../server.js';
import { createLogger } from '../../shared/logger.js';
import { MailPart } from '../mail/mail-part.js';
import type { PartDeps } from './part-deps.js';

/** Counts the server's publishes and times its syncs, once both the MQTT link and the provider exist. */
export function metricsPart({ slots, metrics }: PartDeps): Part {
  return {
    name: 'metrics',
    async start() {
      countPublishes(slots.get('mqtt'), metrics);
      timeSyncs(slots.get('provider'), metrics);
    },
    async stop() {},
  };
}

/**
 * Home Assistant discovery and its book button, only where the config turns it on (its code is
 * loaded only then). It talks to the site broker with the server's own login, or to Home
 * Assistant's broker when `homeAssistant.url` names one.
 */
export function homeAssistantPart({ config, slots }: PartDeps, server: DoorplateServer): Part {
  let stop: (() => Promise<void>) | null = null;
  return {
    name: 'home-assistant',
    async start() {
      if (!config.homeAssistant.enabled) return;
      const { startHomeAssistant } = await import('../homeassistant/start-home-assistant.js');
      const ha = await startHomeAssistant(server, slots.get('mqttLogin'));
      stop = ha.stop;
    },
    async stop() {
      await stop?.();
      stop = null;
    },
  };
}

/**
 * Invitations, reminders and the mail outbox. Built on every server (the outbox and a booking's
 * people are kept even while sending is off); it sends only with `mail.enabled`.
 */
export function mailPart({ opts, config, clock, log, slots, events }: PartDeps): Part {
  const owner = 'mail';
  return {
    name: 'mail',
    async start() {
      const provider = slots.get('provider');
      const notify = slots.get('notify');
      const mail = slots.set(
        'mail',
        await MailPart.open({
          ...opts.mail,
          config,
          clock,
          store: slots.get('store'),
          rooms: slots.get('rooms'),
          calendarKind: provider.kind,
          onRoomChanged: (listener) => {
            events.on(owner, 'room.changed', ({ roomId }) => listener(roomId));
            return () => events.off(owner);
          },
          notifyRoom: (room, message, expiresAt) => void notify.send({ name: 'reminder', message, from: 'doorplate', rooms: [room], expiresAt }),
          log: createLogger('server:mail', log),
        }),
      );
      mail.start();
    },
    async stop() {
      events.off(owner);
      if (slots.has('mail')) await slots.get('mail').stop();
    },
  };
}
