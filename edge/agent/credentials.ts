import { open, readFile, rename, unlink, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { Id } from '../../shared/ids.js';
import { ENROLLMENT_KEY_PATTERN } from '../../shared/api/enrollment-key.js';

/** What a device keeps after enrollment: the secret it connects with (from older agents, with their enrollment key appended). */
export const CredentialsSchema = z.object({
  deviceId: Id,
  secret: z.string().min(32).max(256),
  enrolledAt: z.string(),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

/** The one-time key of a device waiting for approval (see shared/api/enrollment-key.ts). */
export interface EnrollmentKeyStore {
  loadEnrollmentKey(): Promise<string | null>;
  saveEnrollmentKey(key: string): Promise<void>;
  /** After enrollment: a later enrollment (after a revocation) makes a new key. */
  forgetEnrollmentKey(): Promise<void>;
}

export interface CredentialsStore {
  /** null when there is no file yet; throws with the file name when it is unreadable or malformed. */
  load(): Promise<Credentials | null>;
  save(credentials: Credentials): Promise<void>;
}

/**
 * The credentials file: JSON, mode 0600, replaced atomically (write a temporary file, fsync,
 * rename, fsync the folder) so a power cut during enrollment leaves the old file or the new one,
 * never half of one.
 */
export class FileCredentialsStore implements CredentialsStore, EnrollmentKeyStore {
  constructor(private readonly path: string) {}

  /** The key lives beside the credentials file, as `<file>.key`, mode 0600. */
  async loadEnrollmentKey(): Promise<string | null> {
    let text: string;
    try {
      text = (await readFile(`${this.path}.key`, 'utf8')).trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${this.path}.key: cannot read the enrollment key (${(e as Error).message})`);
    }
    if (!ENROLLMENT_KEY_PATTERN.test(text)) throw new Error(`${this.path}.key: not an enrollment key`);
    return text;
  }

  async saveEnrollmentKey(key: string): Promise<void> {
    if (!ENROLLMENT_KEY_PATTERN.test(key)) throw new Error('enrollment key: must be 43 base64url characters');
    await writeAtomically(`${this.path}.key`, `${key}\n`);
  }

  async forgetEnrollmentKey(): Promise<void> {
    try {
      await unlink(`${this.path}.key`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${this.path}.key: cannot remove the enrollment key (${(e as Error).message})`);
    }
  }

  async load(): Promise<Credentials | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${this.path}: cannot read the credentials file (${(e as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`${this.path}: the credentials file is not JSON (${(e as Error).message})`);
    }
    const parsed = CredentialsSchema.safeParse(json);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
      throw new Error(`${this.path}: the credentials file is malformed (${why})`);
    }
    return parsed.data;
  }

  async save(credentials: Credentials): Promise<void> {
    const checked = CredentialsSchema.parse(credentials);
    await writeAtomically(this.path, `${JSON.stringify(checked, null, 2)}\n`);
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    // The mode given to open() is masked by the umask; set it explicitly.
    await fh.chmod(0o600);
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  }
}
