import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { FakeClock } from '../../../shared/clock.js';
import { api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';

async function hookServer() {
  const posts: Array<{ url: string; headers: IncomingMessage['headers']; body: { text: string; kind: string; room: string } }> = [];
  let status = 200;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      posts.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(body) as { text: string; kind: string; room: string } });
      res.statusCode = status;
      res.end(status === 200 ? 'ok' : 'no such hook');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { posts, port, setStatus: (s: number) => (status = s), close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('the webhook channel: one JSON POST per change, from webhook/{lang}/text.hbs; its address stays out of the outbox', async () => {
  const sink = new SmtpSink();
  await sink.up();
  const hook = await hookServer();
  const url = `http://127.0.0.1:${hook.port}/hooks/room-bot?token=s3cret-token`;
  const { base, cleanup } = await startTestServer({
    clock: new FakeClock('2026-03-02T08:00:00Z'),
    config: { mail: { enabled: true, from: 'rooms@example.org', smtp: { host: '127.0.0.1', port: sink.port, security: 'none' }, webhook: { url, language: 'de' } } },
  });
  try {
    const r = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', start: '2026-03-09T10:00:00Z', end: '2026-03-09T11:00:00Z', title: 'Review', attendees: ['ann@example.com', { email: 'bo@example.com', name: 'Bo' }] });
    assert.equal(r.status, 201);
    await until(() => hook.posts.length === 1 && sink.received.length === 2, 'the POST and two mails');
    const post = hook.posts[0];
    assert.equal(post?.url, '/hooks/room-bot?token=s3cret-token');
    assert.equal(post?.headers['content-type'], 'application/json');
    assert.equal(post?.body.kind, 'invite');
    assert.equal(post?.body.room, 'ada');
    assert.match(post?.body.text ?? '', /^Gebucht: Review, Ada Lovelace, 09\.03\.2026, 11:00\s*–\s*12:00 Uhr \(doorplate; ann@example\.com, Bo\)$/);

    // A 404 is final; the mail to people is not held up by it.
    hook.setStatus(404);
    const id = (r.json as { meeting: { id: string } }).meeting.id;
    assert.equal((await api(base, 'DELETE', `/api/v1/meetings/${encodeURIComponent(id)}`)).status, 204);
    await until(async () => ((await api(base, 'GET', '/api/v1/mail?status=dead')).json as { mail: unknown[] }).mail.length === 1, 'the refused POST dead');
    await until(() => sink.received.length === 4, 'the cancellations by mail');
    const all = await api(base, 'GET', '/api/v1/mail');
    const rows = (all.json as { mail: Array<{ channel: string; status: string; lastError: string | null }> }).mail;
    assert.deepEqual(rows.filter((m) => m.channel === 'webhook').map((m) => m.status).sort(), ['dead', 'sent']);
    assert.match(rows.find((m) => m.status === 'dead')?.lastError ?? '', /HTTP 404 no such hook/);
    assert.ok(!JSON.stringify(all.json).includes('s3cret-token'));
  } finally {
    await cleanup();
    await hook.close();
    await sink.down();
  }
});
