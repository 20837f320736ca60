import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway self-signed P-256 certificate for 127.0.0.1, made with openssl. */
export function selfSignedCert(): { dir: string; keyPath: string; certPath: string; cert: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { dir, keyPath, certPath, cert: readFileSync(certPath, 'utf8'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
