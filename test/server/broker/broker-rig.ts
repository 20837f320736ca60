import type { MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { ServerClient } from '../../../server/broker/server-client.js';
import { silentLogger } from '../../../shared/logger.js';
import { MemoryDirectory, mustConnect } from './helpers.js';

export const PREFIX = 'doorplate';
export const SERVER_PASSWORD = 'server-internal-password-0123456789';

/** The embedded broker on a loopback port with the server's client, over a directory in memory. */
export interface BrokerRig {
  broker: EmbeddedBroker;
  dir: MemoryDirectory;
  url: string;
  server: ServerClient;
  /** A second server-credentialed connection: publishes any payload, reads everything. */
  raw: MqttClient;
  clients: MqttClient[];
  /** Connects as an approved device with its secret (closed with the rig). */
  device(id: string, secret: string): Promise<MqttClient>;
  close(): Promise<void>;
}

/** `devices`: [id, secret, room]; `setup` adjusts the directory before the broker starts. */
export async function startBrokerRig(devices: ReadonlyArray<readonly [string, string, string | null]>, setup: (dir: MemoryDirectory) => void = () => undefined): Promise<BrokerRig> {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  for (const [id, secret, room] of devices) dir.addDevice(id, secret, room);
  setup(dir);
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: PREFIX, directory: dir, logger: silentLogger() });
  await broker.start();
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const server = new ServerClient({ url, prefix: PREFIX, username: '$server', password: SERVER_PASSWORD, clientId: 'doorplate-server', logger: silentLogger() });
  await server.start();
  const raw = await mustConnect(url, { clientId: 'doorplate-server-raw', username: '$server', password: SERVER_PASSWORD });
  const clients: MqttClient[] = [raw];
  return {
    broker,
    dir,
    url,
    server,
    raw,
    clients,
    async device(id, secret) {
      const c = await mustConnect(url, { clientId: id, username: id, password: secret });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.end(true);
      await server.stop();
      await broker.stop();
    },
  };
}
