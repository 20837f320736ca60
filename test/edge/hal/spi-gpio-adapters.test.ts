import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SpiEpdBinding } from '../../../edge/hal/epd/spi-binding.js';
import { OnoffGpioPort } from '../../../edge/hal/gpio/onoff-gpio.js';
import { FakeGpio } from '../../../edge/hal/gpio/fake-gpio.js';

test('the SPI binding explains a missing spidev and leaves no pin exported or powered', async () => {
  const gpio = new FakeGpio();
  const binding = new SpiEpdBinding({ gpio, spiBus: 99, spiDevice: 7 });
  await assert.rejects(binding.open(), /cannot open \/dev\/spidev99\.7: .*dtparam=spi=on/);
  for (const bcm of [17, 25, 24, 18]) assert.equal(gpio.isExported(bcm), false, `BCM ${bcm} released`);
  assert.throws(() => binding.readBusy(), /not open/);
});

test('the onoff port refuses to start without the SoC GPIO chip', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'doorplate-nosys-'));
  await assert.rejects(OnoffGpioPort.open({ root }), /no GPIO is accessible.*gpio group/);
});
