import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, MemoryDirectory, mustConnect } from './helpers.js';

const SERVER_PASSWORD = 'server-internal-password-0123456789';
const TOKEN = 'site-enrollment-token-0123456789abcdef';

test('a retained hello or request from a device is delivered but not kept; its availability is kept', async () => {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.addDevice('d1', 'secret-d1', 'r1');
  dir.enrollmentHash = sha256Hex(TOKEN);
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, logger: silentLogger() });
  await broker.start();
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const opts = { clientId: 'doorplate-server-a', username: '$server', password: SERVER_PASSWORD };
  const live = await mustConnect(url, opts);
  const clients = [live];
  try {
    const liveInbox = new Inbox(live);
    await live.subscribeAsync('doorplate/devices/#', { qos: 1 });
    const d1 = await mustConnect(url, { clientId: 'd1', username: 'd1', password: 'secret-d1' });
    const d9 = await mustConnect(url, { clientId: 'd9', username: 'enroll:d9', password: TOKEN });
    clients.push(d1, d9);
    await d9.publishAsync('doorplate/devices/d9/hello', '{"big":"hello"}', { qos: 1, retain: true });
    await d1.publishAsync('doorplate/devices/d1/request/book', '{"r":1}', { qos: 1, retain: true });
    await d1.publishAsync('doorplate/devices/d1/availability', 'online', { qos: 1, retain: true });
    await liveInbox.waitFor('doorplate/devices/d1/availability', 'online');
    assert.ok(liveInbox.has('doorplate/devices/d9/hello'));
    assert.ok(liveInbox.has('doorplate/devices/d1/request/book'));

    // A later subscriber gets only what may be retained.
    const later = await mustConnect(url, { ...opts, clientId: 'doorplate-server-b' });
    clients.push(later);
    const laterInbox = new Inbox(later);
    await later.subscribeAsync('doorplate/devices/#', { qos: 1 });
    await laterInbox.waitFor('doorplate/devices/d1/availability', 'online');
    // A message published after the subscription arrives after every retained one.
    await live.publishAsync('doorplate/devices/d1/config', '{}', { qos: 1 });
    await laterInbox.waitFor('doorplate/devices/d1/config');
    assert.equal(laterInbox.has('doorplate/devices/d9/hello'), false);
    assert.equal(laterInbox.has('doorplate/devices/d1/request/book'), false);
  } finally {
    for (const c of clients) c.end(true);
    await broker.stop();
  }
});
