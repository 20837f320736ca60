import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { api, startTestServer } from '../../helpers/server.js';
import { startPrometheus } from '../../helpers/prometheus.js';
import { until } from '../../helpers/wait.js';

const DASHBOARD = new URL('../../../../docs/grafana-dashboard.json', import.meta.url);

function dashboardExprs(): string[] {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
  return dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

async function promtoolCheck(text: string): Promise<{ code: number | null; out: string }> {
  const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  child.stdin.end(text);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out };
}

test('/metrics passes promtool, keeps labels bounded, and a real Prometheus answers every dashboard query', async (t) => {
  const { server, base, cleanup } = await startTestServer();
  t.after(cleanup);

  // Some life on the site: a meeting booked now, a notice, a room synced, a provider write waiting.
  const booked = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', title: 'Budget review 4711', durationMins: 30 });
  assert.equal(booked.status, 201, JSON.stringify(booked.json));
  const sent = await api(base, 'POST', '/api/v1/notify', { name: 'drill', message: 'Fire drill at 11', toAll: true, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  assert.equal(sent.status, 201, JSON.stringify(sent.json));
  await server.provider.sync('grace');
  server.store.outbox.enqueue({ kind: 'book', roomId: 'ada', payload: { example: true } });
  const refused = await fetch(`${base}/api/v1/devices`, { headers: { authorization: 'Bearer wrong' } });
  assert.equal(refused.status, 401);

  const text = await (await fetch(`${base}/metrics`)).text();
  const check = await promtoolCheck(text);
  assert.equal(check.code, 0, `promtool check metrics: ${check.out}`);
  assert.equal(check.out.trim(), '', 'promtool reports nothing');
  assert.match(text, /^doorplate_build_info\{version="[^"]+",nodejs="v\d+[^"]*",provider="local"\} 1$/m);
  assert.match(text, /^doorplate_rooms\{status="busy"\} 1$/m);
  assert.match(text, /^doorplate_room_busy\{room="ada"\} 1$/m);
  assert.match(text, /^doorplate_outbox_items\{kind="book",state="pending"\} 1$/m);
  assert.match(text, /^doorplate_refusals_total\{source="http",reason="401"\} 1$/m);
  assert.match(text, /^doorplate_provider_sync_duration_seconds_count\{provider="local"\} 1$/m);
  // Meeting ids, titles and addresses never become label values.
  const meetingId = (booked.json as { id: string }).id;
  assert.ok(!text.includes(meetingId), 'no meeting id in a label');
  assert.ok(!text.includes('4711'), 'no meeting title in a label');
  assert.ok(!text.includes('127.0.0.1'), 'no address in a label');
  for (const line of text.split('\n')) {
    const t2 = /^# TYPE (doorplate_\S+) counter$/.exec(line);
    if (t2) assert.ok(t2[1]?.endsWith('_total'), `${t2[1]}: counters end in _total`);
  }

  // The dashboard uses only metrics the server exports.
  const exprs = dashboardExprs();
  assert.ok(exprs.length >= 15);
  const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap((m) => (m[2] === 'histogram' ? [`${m[1]}_bucket`, `${m[1]}_count`, `${m[1]}_sum`] : [m[1] ?? ''])));
  for (const expr of exprs) {
    for (const name of expr.match(/\b(?:doorplate|process|nodejs)_[a-z0-9_]+/g) ?? []) assert.ok(exported.has(name), `${expr}: ${name} is not exported`);
  }

  const prom = await startPrometheus(`127.0.0.1:${server.httpPort}`);
  t.after(() => prom.stop());
  // rate() needs two scrapes in its window; each query is asked until it answers with series.
  for (const expr of exprs) {
    let last: unknown[] = [];
    await until(async () => (last = await prom.query(expr)).length > 0, `data for ${expr}`, 60_000);
    assert.ok(last.length > 0);
  }
});
