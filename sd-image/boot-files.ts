/**
 * Edits to the files on the FAT boot partition. Each is a pure function of the file's text
 * and gives the same text when applied twice.
 */

const SPI_LINE = 'dtparam=spi=on';

/**
 * Turns SPI on in `config.txt`. Raspberry Pi OS ships `#dtparam=spi=on` in the unconditional
 * part at the top; that line is uncommented when it is still before the first `[filter]`
 * section, otherwise the setting goes into a trailing `[all]` section so no model filter
 * hides it.
 */
export function enableSpi(configTxt: string): string {
  const lines = configTxt.replace(/\r\n/g, '\n').split('\n');
  let section = 'all';
  let commentedAt = -1;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = head[1]?.toLowerCase() ?? '';
      continue;
    }
    if (section !== 'all') continue;
    if (/^dtparam=spi=on\s*$/.test(line)) return configTxt;
    if (commentedAt < 0 && /^#\s*dtparam=spi=on\s*$/.test(line)) commentedAt = i;
  }
  if (commentedAt >= 0) {
    lines[commentedAt] = SPI_LINE;
    return lines.join('\n');
  }
  const body = configTxt.endsWith('\n') || configTxt.length === 0 ? configTxt : `${configTxt}\n`;
  return section === 'all' ? `${body}${SPI_LINE}\n` : `${body}\n[all]\n${SPI_LINE}\n`;
}

/** True when `config.txt` turns SPI on for every model. */
export function spiEnabled(configTxt: string): boolean {
  return enableSpi(configTxt) === configTxt && /^dtparam=spi=on\s*$/m.test(configTxt);
}

/**
 * Sets the Wi-Fi regulatory domain on the kernel command line (`cmdline.txt` is one line),
 * which is where `raspi-config` puts it on current Raspberry Pi OS.
 */
export function setWifiCountry(cmdline: string, country: string): string {
  const words = cmdline.trim().split(/\s+/).filter((w) => w.length > 0 && !w.startsWith('cfg80211.ieee80211_regdom='));
  words.push(`cfg80211.ieee80211_regdom=${country}`);
  return `${words.join(' ')}\n`;
}

/** The value a `cmdline.txt` gives a kernel parameter, or undefined. */
export function cmdlineParam(cmdline: string, name: string): string | undefined {
  for (const w of cmdline.trim().split(/\s+/)) if (w.startsWith(`${name}=`)) return w.slice(name.length + 1);
  return undefined;
}

/**
 * `userconf.txt`: Raspberry Pi OS renames its first user to this name and sets this password
 * hash on first boot, and skips its interactive first-user wizard. `!` locks the password
 * when the site logs in with SSH keys only.
 */
export function userconf(name: string, passwordHash: string | undefined): string {
  return `${name}:${passwordHash ?? '!'}\n`;
}
