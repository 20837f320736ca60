import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cmdlineParam, enableSpi, setWifiCountry, spiEnabled, userconf } from '../../sd-image/boot-files.js';

test('enableSpi uncomments the shipped line in the unconditional part', () => {
  const text = '#dtparam=i2c_arm=on\n#dtparam=spi=on\n\n[cm4]\notg_mode=1\n\n[all]\n';
  const out = enableSpi(text);
  assert.equal(out, '#dtparam=i2c_arm=on\ndtparam=spi=on\n\n[cm4]\notg_mode=1\n\n[all]\n');
  assert.equal(enableSpi(out), out);
  assert.ok(spiEnabled(out));
});

test('enableSpi adds an [all] section when the file ends inside a model filter', () => {
  const out = enableSpi('[pi4]\narm_boost=1\n');
  assert.equal(out, '[pi4]\narm_boost=1\n\n[all]\ndtparam=spi=on\n');
  assert.equal(enableSpi(out), out);
});

test('a line inside a model filter does not count as on', () => {
  const text = '[cm4]\ndtparam=spi=on\n';
  assert.equal(spiEnabled(text), false);
  assert.ok(spiEnabled(enableSpi(text)));
});

test('the Wi-Fi country replaces an earlier one and keeps one line', () => {
  const once = setWifiCountry('console=tty1 root=PARTUUID=x-02 rootwait\n', 'GB');
  assert.equal(once, 'console=tty1 root=PARTUUID=x-02 rootwait cfg80211.ieee80211_regdom=GB\n');
  const again = setWifiCountry(once, 'DE');
  assert.equal(cmdlineParam(again, 'cfg80211.ieee80211_regdom'), 'DE');
  assert.equal(again.split('\n').length, 2);
  assert.equal(setWifiCountry(again, 'DE'), again);
});

test('userconf locks the password when there is no hash', () => {
  assert.equal(userconf('admin', undefined), 'admin:!\n');
  assert.equal(userconf('admin', '$6$x$y'), 'admin:$6$x$y\n');
});
