import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DavServerKind = 'radicale' | 'xandikos';

/** A real CalDAV server on a loopback port with its data in a temporary folder, started for one test. */
export interface DavServer {
  kind: DavServerKind;
  root: string;
  /** Makes a calendar collection and returns its URL (ends with /). */
  makeCalendar(name: string): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** The command that runs the server; a clear failure (never a skip) when it is not installed. */
function command(kind: DavServerKind): { cmd: string; pre: string[] } {
  if (kind === 'radicale') {
    if (has('radicale', ['--version'])) return { cmd: 'radicale', pre: [] };
    if (has('/usr/bin/python3', ['-m', 'radicale', '--version'])) return { cmd: '/usr/bin/python3', pre: ['-m', 'radicale'] };
    throw new Error('these tests need Radicale: install it with `apt-get install -y radicale`');
  }
  if (has('xandikos', ['--version'])) return { cmd: 'xandikos', pre: [] };
  throw new Error('these tests need Xandikos: install it with `apt-get install -y xandikos`');
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

async function dav(method: string, url: string, body?: string): Promise<number> {
  const res = await fetch(url, { method, body, headers: body ? { 'content-type': 'application/xml' } : {} });
  await res.arrayBuffer();
  return res.status;
}

export async function startDavServer(kind: DavServerKind): Promise<DavServer> {
  const { cmd, pre } = command(kind);
  const dir = mkdtempSync(join(tmpdir(), `doorplate-${kind}-`));
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const args =
      kind === 'radicale'
        ? [...pre, '--config', '', '--server-hosts', `127.0.0.1:${port}`, '--storage-filesystem-folder', dir, '--auth-type', 'none']
        : [...pre, '-d', dir, '-l', '127.0.0.1', '-p', String(port), '--autocreate'];
    const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const root = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if (await answers(root)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) {
      child.kill('SIGKILL');
      // Another test may have taken the port between our look and the server's bind.
      if (tries < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${kind} did not start on ${root}: ${stderr}`);
    }
    const home = kind === 'radicale' ? `${root}/user/` : `${root}/user/calendars/`;
    if (kind === 'radicale') await dav('MKCOL', home);
    return {
      kind,
      root,
      async makeCalendar(name) {
        const url = `${home}${name}/`;
        const status = await dav('MKCALENDAR', url);
        if (status !== 201) throw new Error(`${kind}: MKCALENDAR ${url} answered ${status}`);
        return url;
      },
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** PUTs a calendar object as another calendar client would; returns the status. */
export async function putObject(url: string, ics: string): Promise<number> {
  const res = await fetch(url, { method: 'PUT', body: ics.replace(/\r?\n/g, '\r\n'), headers: { 'content-type': 'text/calendar; charset=utf-8' } });
  await res.arrayBuffer();
  return res.status;
}

export async function deleteObject(url: string): Promise<number> {
  const res = await fetch(url, { method: 'DELETE' });
  await res.arrayBuffer();
  return res.status;
}
