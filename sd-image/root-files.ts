import { createHash } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import type { Site } from './site-schema.js';

/** Text of the files the builder writes into the ext4 root, each a pure function of the site. */

export const CONFIG_PATH = '/etc/doorplate/config.yml';
export const SITE_ENV_PATH = '/etc/doorplate/site.env';
export const MANIFEST_PATH = '/etc/doorplate/image.json';
export const APP_DIR = '/opt/doorplate';
export const FIRST_BOOT_PATH = '/opt/doorplate/provisioning/first-boot.sh';
export const UNIT_DIR = '/lib/systemd/system';
export const WANTS_DIR = '/etc/systemd/system/multi-user.target.wants';
export const WIFI_PATH = '/etc/NetworkManager/system-connections/doorplate-wifi.nmconnection';
export const SSHD_DROP_IN_PATH = '/etc/ssh/sshd_config.d/doorplate.conf';
export const AUTHORIZED_KEYS_DIR = '/etc/ssh/authorized_keys';

export const UNITS = ['doorplate-firstboot.service', 'doorplate-edge.service', 'doorplate-server.service', 'doorplate-node.service'] as const;

export function roleUnit(role: Site['image']['role']): string {
  return `doorplate-${role}.service`;
}

export function configYaml(site: Site): string {
  return `# Written by doorplate image build; checked against the config schema when it was built.\n${toYaml(site.configDocument)}`;
}

/** Read by the first-boot script (sourced by bash), so values are quoted and checked by the schema. */
export function siteEnv(site: Site): string {
  const i = site.image;
  const lines = [
    `DOORPLATE_ROLE='${i.role}'`,
    `DOORPLATE_HOSTNAME_PATTERN='${i.hostname}'`,
    `DOORPLATE_USER='${i.user.name}'`,
    `DOORPLATE_LOCALE='${i.locale}'`,
    `DOORPLATE_OVERLAYROOT='${i.overlayroot ? 'yes' : 'no'}'`,
    `DOORPLATE_WIFI='${i.wifi ? 'yes' : 'no'}'`,
  ];
  return `# Written by doorplate image build; read by ${FIRST_BOOT_PATH}.\n${lines.join('\n')}\n`;
}

/** A stable UUID for the connection, so that rebuilding gives the same file. */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A NetworkManager key file (Raspberry Pi OS Bookworm and later manage Wi-Fi with NetworkManager). */
export function nmConnection(wifi: NonNullable<Site['image']['wifi']>): string {
  const lines = [
    '[connection]',
    'id=doorplate-wifi',
    `uuid=${uuidFrom(`doorplate-wifi:${wifi.ssid}`)}`,
    'type=wifi',
    'autoconnect=true',
    '',
    '[wifi]',
    'mode=infrastructure',
    `ssid=${wifi.ssid}`,
    ...(wifi.hidden ? ['hidden=true'] : []),
    '',
  ];
  if (wifi.psk !== undefined) lines.push('[wifi-security]', 'key-mgmt=wpa-psk', `psk=${wifi.psk}`, '');
  lines.push('[ipv4]', 'method=auto', '', '[ipv6]', 'addr-gen-mode=default', 'method=auto', '');
  return lines.join('\n');
}

/** Keys live outside the home folder, which does not exist until Raspberry Pi OS creates the user. */
export function sshdDropIn(site: Site): string {
  const u = site.image.user;
  const lines = ['# Written by doorplate image build.', `AuthorizedKeysFile .ssh/authorized_keys ${AUTHORIZED_KEYS_DIR}/%u`];
  if (!u.passwordHash) lines.push('PasswordAuthentication no', 'KbdInteractiveAuthentication no');
  return `${lines.join('\n')}\n`;
}

export function authorizedKeys(site: Site): string {
  return site.image.user.sshKeys.map((k) => `${k}\n`).join('');
}
