import * as z from 'zod';
import { ConfigError, formatIssues, parseConfig, readYamlFile } from '../shared/config/load.js';
import type { Config } from '../shared/config/schema.js';
import { TimeZone } from '../shared/config/sections/primitives.js';

/**
 * The site file (`site.yml`) that `doorplate image build` reads: an `image` section for what
 * the builder writes into the Raspberry Pi OS image, and a `doorplate` section that becomes
 * `/etc/doorplate/config.yml` and must validate against the app's own config schema.
 */

/** Values land in shell-sourced and key-file formats: no quotes, backslashes or newlines. */
const SafeText = z.string().regex(/^[^"'`\\$\n\r]*$/, 'may not hold quotes, "$", "\\" or line breaks');

const UserName = z
  .string()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name (lower-case letters, digits, "_", "-"; at most 32)')
  .refine((n) => !['root', 'doorplate', 'daemon', 'nobody'].includes(n), 'is reserved');

/** crypt(3) strings as made by `openssl passwd -6` or `mkpasswd` (sha-512, sha-256, yescrypt, bcrypt). */
const PasswordHash = z
  .string()
  .regex(/^\$(6|5|y|2[aby])\$[./A-Za-z0-9$=,]{8,}$/, 'must be a crypt hash such as the output of `openssl passwd -6`');

const SshKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/=]+( [^\n\r]*)?$/,
    'must be one OpenSSH public key line (type, base64 key, optional comment)',
  );

export const WifiSchema = z.object({
  ssid: SafeText.min(1).max(32),
  /** WPA2/WPA3-personal passphrase (8-63 characters) or the 64-hex-digit PSK; absent for an open network. */
  psk: SafeText.refine((p) => (p.length >= 8 && p.length <= 63) || /^[0-9a-fA-F]{64}$/.test(p), 'must be 8-63 characters or 64 hex digits').optional(),
  /** ISO 3166 country code: Raspberry Pi OS keeps Wi-Fi blocked until one is set. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter upper-case ISO 3166 country code such as GB'),
  hidden: z.boolean().default(false),
});

export const ImageSectionSchema = z
  .object({
    role: z.enum(['edge', 'server', 'node']),
    /** `{serial}` is replaced at first boot by the last 8 hex digits of the Pi's serial number. */
    hostname: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$|^[a-z0-9-]*\{serial\}[a-z0-9-]*$/, 'must be a host name, optionally with "{serial}"')
      .default('doorplate-{serial}'),
    user: z
      .object({
        name: UserName,
        passwordHash: PasswordHash.optional(),
        sshKeys: z.array(SshKey).max(64).default([]),
        ssh: z.boolean().default(true),
      })
      .refine((u) => u.passwordHash !== undefined || u.sshKeys.length > 0, 'needs passwordHash or at least one of sshKeys'),
    wifi: WifiSchema.optional(),
    timezone: TimeZone.default('Etc/UTC'),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}_[A-Z]{2}\.UTF-8$/, 'must be a UTF-8 locale such as en_GB.UTF-8')
      .default('en_GB.UTF-8'),
    /** Mount the root file system read-only with a RAM overlay (overlayroot) from the second boot on. */
    overlayroot: z.boolean().default(false),
  })
  .strict();

export const SiteSchema = z
  .object({
    image: ImageSectionSchema,
    doorplate: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type ImageSection = z.infer<typeof ImageSectionSchema>;

export interface Site {
  readonly image: ImageSection;
  /** The validated app config with defaults applied. */
  readonly config: Config;
  /** The `doorplate` section as written (plus the role), which becomes `/etc/doorplate/config.yml`. */
  readonly configDocument: Record<string, unknown>;
}

export class SiteError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source}: invalid site file\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'SiteError';
    this.problems = problems;
  }
}

function get(obj: unknown, path: string[]): unknown {
  let node = obj;
  for (const key of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Validates a parsed site document; every problem comes out as `path: message`. */
export function parseSite(raw: unknown, source = 'site'): Site {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SiteError(source, ['(root): must be a mapping with "image" and "doorplate"']);
  const result = SiteSchema.safeParse(raw);
  const problems: string[] = result.success ? [] : formatIssues(result.error.issues);
  const docRaw = (raw as Record<string, unknown>).doorplate ?? {};
  const role = get(raw, ['image', 'role']);
  let config: Config | undefined;
  let document: Record<string, unknown> = {};
  if (docRaw && typeof docRaw === 'object' && !Array.isArray(docRaw)) {
    document = structuredClone(docRaw as Record<string, unknown>);
    if (document.role !== undefined && typeof role === 'string' && document.role !== role) {
      problems.push(`doorplate.role: is ${JSON.stringify(document.role)} but image.role is ${JSON.stringify(role)}; leave it out or make them agree`);
    }
    // The role leads the written file, where a person looks first.
    if (typeof role === 'string') document = { role, ...document };
    try {
      config = parseConfig(document, source);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems.map((p) => (p.startsWith('(root):') ? `doorplate${p.slice('(root)'.length)}` : `doorplate.${p}`)));
    }
  }
  if (config && (role === 'edge' || role === 'node')) {
    if (!config.edge.enrollmentToken) problems.push(`doorplate.edge.enrollmentToken: is required for role ${role}: a new device presents it to enroll`);
  }
  if (config && role === 'edge' && get(document, ['edge', 'server', 'host']) === undefined) {
    problems.push('doorplate.edge.server.host: is required for role edge (an address, or a name such as doorplate-server.local)');
  }
  if (problems.length > 0 || !result.success || !config) throw new SiteError(source, problems);
  return { image: result.data.image, config, configDocument: document };
}

/** Reads and validates a site file (YAML or JSON). */
export function loadSiteFile(path: string): Site {
  const doc = readYamlFile(path);
  if (!doc.ok) throw new SiteError(path, [doc.problem]);
  const raw = doc.raw;
  return parseSite(raw, path);
}
