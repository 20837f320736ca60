import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../shared/config/load.js';

test('edge.presence: a pin with defaults; bad values are refused with their path', () => {
  const c = parseConfig({ edge: { presence: { pin: 26 } } });
  assert.deepEqual(c.edge.presence, { pin: 26, activeHigh: true, debounceMs: 500, holdMins: 5 });
  assert.equal(parseConfig({}).edge.presence, undefined);
  assert.throws(() => parseConfig({ edge: { presence: { pin: 26, holdMins: 0 } } }), /edge\.presence\.holdMins/);
  assert.throws(() => parseConfig({ edge: { presence: {} } }), /edge\.presence\.pin/);
});

test('rooms take a group and an order; the server takes QR link settings', () => {
  const c = parseConfig({ rooms: [{ id: 'ada', name: 'Ada', group: 'floor-3', order: 2 }], server: { qr: { publicUrl: 'http://rooms.example:8080' } } });
  assert.equal(c.rooms[0]?.group, 'floor-3');
  assert.deepEqual(c.server.qr, { publicUrl: 'http://rooms.example:8080', graceMins: 15 });
  assert.throws(() => parseConfig({ server: { qr: { publicUrl: 'ftp://x' } } }), /server\.qr\.publicUrl/);
  assert.throws(() => parseConfig({ rooms: [{ id: 'ada', name: 'Ada', order: 1.5 }] }), /rooms\.0\.order/);
});
