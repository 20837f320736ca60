import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, UsageError } from '../args.js';
import { devicesTable, mailTable, meetingTable, resourcesTable, roomsTable, subscriptionsTable, usageTable } from './admin-views.js';

/**
 * Admin commands call the REST API like any other client: `--url` (or DOORPLATE_URL) and the
 * token from `--token`, DOORPLATE_TOKEN or DATA/admin-token.
 */
export async function adminCommand(command: string, argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parse(argv, {
    url: { type: 'string' },
    token: { type: 'string' },
    data: { type: 'string' },
    duration: { type: 'string' },
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    status: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    csv: { type: 'boolean' },
  });
  const base = (values.url ?? env.DOORPLATE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  let token = values.token ?? env.DOORPLATE_TOKEN;
  if (!token) {
    const dir = values.data ?? env.DOORPLATE_DATA ?? './data';
    try {
      token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    } catch {
      throw new UsageError(`no admin token: pass --token, set DOORPLATE_TOKEN, or run where ${join(dir, 'admin-token')} exists`);
    }
  }
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return null;
    const json = (await res.json()) as { error?: { code: string; message: string } };
    if (!res.ok) throw new Error(`${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? res.statusText}`);
    return json;
  };
  const callText = async (path: string): Promise<string> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) {
      const json = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
      throw new Error(`${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? res.statusText}`);
    }
    return res.text();
  };
  // People get aligned tables; `--json` (and answers without a table) print the JSON itself.
  const now = Date.now();
  const print = (v: unknown, asTable?: (v: unknown) => string): void =>
    void out.write(asTable && !values.json ? asTable(v) : `${JSON.stringify(v, null, 2)}\n`);
  const deviceTable = (v: unknown): string => devicesTable(v, now);
  const [a, b, c] = positionals;
  switch (command) {
    case 'rooms':
      print(a ? await call('GET', `/api/v1/rooms/${encodeURIComponent(a)}`) : await call('GET', '/api/v1/rooms'), (v) => roomsTable(v, now));
      return 0;
    case 'devices':
      if (!a || a === 'list') print(await call('GET', '/api/v1/devices'), deviceTable);
      else if (a === 'approve' && b) print(await call('POST', `/api/v1/devices/${encodeURIComponent(b)}/approve`), deviceTable);
      else if (a === 'assign' && b) print(await call('PUT', `/api/v1/devices/${encodeURIComponent(b)}/room`, { room: c ?? null }), deviceTable);
      else if (a === 'revoke' && b) {
        await call('DELETE', `/api/v1/devices/${encodeURIComponent(b)}`);
        print(values.json ? null : { revoked: b }, () => `revoked ${b}\n`);
      } else if (a === 'delete' && b) {
        // Revoked first if it is not yet: only a revoked device is removed.
        const path = `/api/v1/devices/${encodeURIComponent(b)}`;
        const { status } = (await call('GET', path)) as { status?: string };
        if (status !== 'revoked') await call('DELETE', path);
        await call('DELETE', `${path}?forget=true`);
        print(values.json ? null : { deleted: b }, () => `deleted ${b}\n`);
      } else throw new UsageError('devices [list | approve ID | assign ID ROOM | revoke ID | delete ID]');
      return 0;
    case 'book': {
      if (!a) throw new UsageError('book ROOM [--duration MINUTES|untilNext]');
      const d = values.duration;
      print(await call('POST', '/api/v1/meetings', { room: a, ...(d ? { durationMins: d === 'untilNext' ? d : Number(d) } : {}) }), (v) => meetingTable(v, now));
      return 0;
    }
    case 'resources':
      print(await call('GET', '/api/v1/resources'), resourcesTable);
      return 0;
    case 'subscriptions':
      if (!a || a === 'list') print(await call('GET', '/api/v1/subscriptions'), (v) => subscriptionsTable(v, now));
      else if (a === 'stop' && b) {
        await call('DELETE', `/api/v1/subscriptions/${encodeURIComponent(b)}`);
        print({ stopped: 1 });
      } else if (a === 'stop-all') print(await call('DELETE', '/api/v1/subscriptions'));
      else if (a === 'renew') print(await call('POST', `/api/v1/subscriptions/renew${values.all ? '?all=true' : ''}`));
      else throw new UsageError('subscriptions [list | stop ID | stop-all | renew [--all]]');
      return 0;
    case 'mail': {
      const id = (v: string | undefined): string => {
        if (!v || !/^\d+$/.test(v)) throw new UsageError('mail: give the mail id (a number)');
        return v;
      };
      const status = values.status ? `?status=${encodeURIComponent(values.status)}` : '';
      const mailRows = (v: unknown): string => mailTable(v, now);
      if (!a || a === 'list') print(await call('GET', `/api/v1/mail${status}`), mailRows);
      else if (a === 'show') print(await call('GET', `/api/v1/mail/${id(b)}`));
      else if (a === 'retry') print(await call('POST', `/api/v1/mail/${id(b)}/retry`), mailRows);
      else if (a === 'delete' && b) {
        await call('DELETE', `/api/v1/mail/${id(b)}`);
        print({ deleted: 1 });
      } else if (a === 'delete' && values.status) print(await call('DELETE', `/api/v1/mail${status}`));
      else throw new UsageError('mail [list [--status S] | show ID | retry ID | delete ID | delete --status dead]');
      return 0;
    }
    case 'report': {
      if (a !== 'usage' || !values.from || !values.to) throw new UsageError('report usage --from YYYY-MM-DD --to YYYY-MM-DD [--csv | --json]');
      const q = `from=${encodeURIComponent(values.from)}&to=${encodeURIComponent(values.to)}`;
      if (values.csv) {
        out.write(await callText(`/api/v1/reports/usage?${q}&format=csv`));
        return 0;
      }
      print(await call('GET', `/api/v1/reports/usage?${q}`), usageTable);
      return 0;
    }
    default:
      throw new UsageError(`unknown admin command ${command}`);
  }
}
