import { createInterface } from 'node:readline';
import { backoffDelay, DISPLAY_RECONNECT } from '../../shared/backoff.js';
import { MiniMqtt } from './mini-mqtt.js';

/**
 * One process of simulated displays for the site-scale benchmarks. Each display logs in with
 * its own credentials and subscribes to what a real agent subscribes to. It records when room
 * states arrive, and with `reconnect` it comes back after a lost connection with a jittered
 * delay, as the agent does, noting when its room's retained state is back.
 *
 * Protocol on stdio: it prints `ready N` once every display is subscribed; on a `report` line
 * it prints one JSON line with what it recorded; `exit` ends it.
 */
export interface ClientsSpec {
  host: string;
  port: number;
  prefix: string;
  ids: readonly string[];
  /** Room of the i-th id. */
  rooms: readonly string[];
  /** The password of every id (the broker keeps only its hash). */
  secret: string;
  reconnect: boolean;
}

const now = (): number => performance.timeOrigin + performance.now();
const spec = JSON.parse(process.argv[2] ?? '{}') as ClientsSpec;
/** Receipt times of room states, per display, after the retained one at subscribe. */
const receipts: number[][] = spec.ids.map(() => []);
/** When each display had its room's state again after its last reconnect. */
const back: Array<number | null> = spec.ids.map(() => null);
const lost: Array<number | null> = spec.ids.map(() => null);
let reconnects = 0;
let failures = 0;

function filters(id: string, room: string): string[] {
  const p = spec.prefix;
  return [`${p}/devices/${id}/config`, `${p}/devices/${id}/response/+`, `${p}/notify/all`, `${p}/notify/devices/${id}`, `${p}/rooms/${room}/state`, `${p}/rooms/${room}/agenda`, `${p}/notify/rooms/${room}`];
}

async function start(i: number): Promise<void> {
  const id = spec.ids[i] as string;
  const room = spec.rooms[i] as string;
  const c = new MiniMqtt({ host: spec.host, port: spec.port, clientId: id, username: id, password: spec.secret, keepaliveSecs: 60 });
  const stateTopic = `${spec.prefix}/rooms/${room}/state`;
  let subscribed = false;
  let up = false;
  c.onPublish = (topic, _payload, retained) => {
    if (topic !== stateTopic) return;
    // After a lost session the room's state is back with the first copy, retained or fresh
    // (a restarted server may republish after the display subscribed).
    if (lost[i] !== null && back[i] === null) back[i] = now();
    if (!retained && subscribed) receipts[i]?.push(now());
  };
  c.onClose = () => {
    // A failed attempt is retried by whoever started it; only a lost session starts over.
    if (!spec.reconnect || !up) return;
    lost[i] = now();
    back[i] = null;
    const retry = (attempt: number): void => {
      // The agent's own policy (full jitter, doubling to its cap), the same module it uses.
      const delay = backoffDelay(attempt, DISPLAY_RECONNECT, Math.random);
      setTimeout(() => {
        reconnects++;
        start(i).catch(() => {
          failures++;
          retry(attempt + 1);
        });
      }, delay);
    };
    retry(0);
  };
  await c.connect();
  up = true;
  await c.subscribe(filters(id, room), 1);
  subscribed = true;
}

// Connect in batches so the login burst itself is not what is measured.
for (let i = 0; i < spec.ids.length; i += 25) {
  await Promise.all(spec.ids.slice(i, i + 25).map((_, k) => start(i + k)));
}
process.stdout.write(`ready ${spec.ids.length}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'report') process.stdout.write(`${JSON.stringify({ receipts, back, lost, reconnects, failures })}\n`);
  if (line === 'exit') process.exit(0);
});
