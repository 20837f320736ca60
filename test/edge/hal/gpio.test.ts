import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findSocGpioChip, listGpioChips, sysfsNumber } from '../../../edge/hal/gpio/chip-lookup.js';
import { FakeGpio } from '../../../edge/hal/gpio/fake-gpio.js';

function sysfsTree(chips: { base: number; label: string; ngpio: number }[]): string {
  const root = mkdtempSync(path.join(tmpdir(), 'doorplate-gpio-'));
  const dir = path.join(root, 'sys', 'class', 'gpio');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'export'), '');
  for (const c of chips) {
    const chip = path.join(dir, `gpiochip${c.base}`);
    mkdirSync(chip);
    writeFileSync(path.join(chip, 'base'), `${c.base}\n`);
    writeFileSync(path.join(chip, 'label'), `${c.label}\n`);
    writeFileSync(path.join(chip, 'ngpio'), `${c.ngpio}\n`);
  }
  return root;
}

test('Pi 3 on an older kernel: pinctrl-bcm2835 at base 0', () => {
  const root = sysfsTree([
    { base: 0, label: 'pinctrl-bcm2835', ngpio: 54 },
    { base: 100, label: 'brcmvirt-gpio', ngpio: 2 },
  ]);
  const chip = findSocGpioChip(root);
  assert.equal(chip.label, 'pinctrl-bcm2835');
  assert.equal(sysfsNumber(chip, 17), 17);
});

test('Pi 4 on kernel 6.6: pinctrl-bcm2711 at base 512, the expander elsewhere', () => {
  const root = sysfsTree([
    { base: 570, label: 'raspberrypi-exp-gpio', ngpio: 8 },
    { base: 512, label: 'pinctrl-bcm2711', ngpio: 58 },
  ]);
  assert.deepEqual(listGpioChips(root).map((c) => c.base), [512, 570]);
  const chip = findSocGpioChip(root);
  assert.equal(sysfsNumber(chip, 17), 529);
  assert.equal(sysfsNumber(chip, 24), 536);
});

test('Pi 5: pinctrl-rp1 at base 571 among other chips', () => {
  const root = sysfsTree([
    { base: 512, label: 'gpio-brcmstb@107d508500', ngpio: 32 },
    { base: 544, label: 'gpio-brcmstb@107d517c00', ngpio: 15 },
    { base: 559, label: 'gpio-brcmstb@107d508520', ngpio: 6 },
    { base: 571, label: 'pinctrl-rp1', ngpio: 54 },
  ]);
  const chip = findSocGpioChip(root);
  assert.equal(chip.name, 'gpiochip571');
  assert.equal(sysfsNumber(chip, 25), 596);
  assert.throws(() => sysfsNumber(chip, 54), /outside pinctrl-rp1's 54 lines/);
});

test('no GPIO: the error names the chips seen and the gpio group', () => {
  const root = sysfsTree([{ base: 0, label: 'some-expander', ngpio: 8 }]);
  assert.throws(() => findSocGpioChip(root), (e: Error) => /chips seen: gpiochip0 "some-expander"/.test(e.message) && /gpio group/.test(e.message));
  const empty = mkdtempSync(path.join(tmpdir(), 'doorplate-nogpio-'));
  assert.throws(() => findSocGpioChip(empty), /no GPIO is accessible: cannot read .*ENOENT.*gpio group/);
});

test('the fake GPIO enforces export, direction and range rules', () => {
  const gpio = new FakeGpio({ ngpio: 54 });
  const button = gpio.input(16);
  const led = gpio.output(5);
  assert.throws(() => gpio.input(16), /already exported/);
  assert.throws(() => gpio.output(54), /outside the chip/);
  assert.throws(() => gpio.inject(5, 1), /is an output/);
  assert.throws(() => gpio.inject(7, 1), /not exported/);
  const seen: number[] = [];
  button.watch((l) => seen.push(l));
  gpio.inject(16, 0);
  gpio.inject(16, 0);
  gpio.inject(16, 1);
  assert.deepEqual(seen, [0, 1]);
  led.write(1);
  assert.equal(gpio.levelOf(5), 1);
  assert.throws(() => led.write(2 as 1), /0 or 1/);
  led.close();
  assert.throws(() => led.write(0), /not exported/);
  assert.equal(gpio.isExported(5), false);
  gpio.output(5); // free again after close
});
