import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Labels of the SoC's own GPIO controller: Pi 0-3, Pi 4, Pi 5. */
export const SOC_GPIO_LABELS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'] as const;

export interface GpioChipInfo {
  /** `gpiochip512` */
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

export class GpioUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpioUnavailableError';
  }
}

function classDir(root: string): string {
  return path.join(root, 'sys', 'class', 'gpio');
}

/** Every GPIO chip sysfs lists under `<root>/sys/class/gpio`. */
export function listGpioChips(root = '/'): GpioChipInfo[] {
  const dir = classDir(root);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^gpiochip\d+$/.test(n));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GpioUnavailableError(
      `no GPIO is accessible: cannot read ${dir} (${code ?? (e as Error).message}); sysfs GPIO needs a Raspberry Pi kernel and the process in the gpio group`,
    );
  }
  const chips: GpioChipInfo[] = [];
  for (const name of names) {
    const read = (f: string): string => readFileSync(path.join(dir, name, f), 'utf8').trim();
    try {
      const base = Number(read('base'));
      const ngpio = Number(read('ngpio'));
      if (!Number.isInteger(base) || !Number.isInteger(ngpio)) throw new Error('base or ngpio is not a number');
      chips.push({ name, label: read('label'), base, ngpio });
    } catch (e) {
      throw new GpioUnavailableError(`cannot read ${path.join(dir, name)}: ${(e as Error).message}; is the process in the gpio group?`);
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/** The SoC's GPIO chip, found by its label (its base moved to 512 or 571 with kernel 6.6). */
export function findSocGpioChip(root = '/'): GpioChipInfo {
  const chips = listGpioChips(root);
  const soc = chips.find((c) => (SOC_GPIO_LABELS as readonly string[]).includes(c.label));
  if (!soc) {
    const seen = chips.length ? chips.map((c) => `${c.name} "${c.label}"`).join(', ') : 'none';
    throw new GpioUnavailableError(
      `no GPIO chip labelled ${SOC_GPIO_LABELS.join(', ')} under ${classDir(root)} (chips seen: ${seen}); on a Raspberry Pi the process needs the gpio group`,
    );
  }
  return soc;
}

/** BCM number to the sysfs number onoff takes. */
export function sysfsNumber(chip: GpioChipInfo, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm >= chip.ngpio) {
    throw new RangeError(`BCM pin ${bcm} is outside ${chip.label}'s ${chip.ngpio} lines (0-${chip.ngpio - 1})`);
  }
  return chip.base + bcm;
}
