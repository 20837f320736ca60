import { busy, close, cmd, delay, fill, plane, reset, type EpdModel } from './model.js';

/** Waveshare 7.5" B V2, 800x480 black/white/red (UC8179). 0x10: 1 = white; 0x13: 1 = red. */
export const epd7in5b_V2: EpdModel = {
  name: 'epd7in5b_V2',
  width: 800,
  height: 480,
  colors: 'bwr',
  busyLevel: 0,
  pollCommand: 0x71,
  busySettleMs: 200,
  // A three-colour refresh takes about 16 s.
  busyTimeoutMs: 45_000,
  reset: [[1, 200], [0, 4], [1, 200]],
  init: [
    reset,
    cmd(0x01, '07073f3f'), // power setting
    cmd(0x06, '17172817'), // booster soft start
    cmd(0x04), // power on
    delay(100),
    busy,
    cmd(0x00, '0f'), // panel setting: KWR mode
    cmd(0x61, '032001e0'), // resolution 800x480
    cmd(0x15, '00'),
    cmd(0x50, '1107'),
    cmd(0x60, '22'),
  ],
  display: [cmd(0x10), plane('new', 'black', 'paper'), cmd(0x13), plane('new', 'red', 'ink'), cmd(0x12), delay(100), busy],
  clear: [cmd(0x10), fill(0xff, 48_000), cmd(0x13), fill(0x00, 48_000), cmd(0x12), delay(100), busy],
  sleep: [cmd(0x02), busy, cmd(0x07, 'a5'), delay(2000), close],
};
