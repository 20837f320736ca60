import { busy, close, cmd, delay, fill, plane, reset, type EpdModel } from './model.js';

/** Waveshare 4.2" V2, 400x300 black/white (SSD1683). Takes 1 = white; 0x24 new RAM, 0x26 old RAM. */
const window = [cmd(0x11, '03'), cmd(0x44, '0031'), cmd(0x45, '00002b01'), cmd(0x4e, '00'), cmd(0x4f, '0000')];

export const epd4in2_V2: EpdModel = {
  name: 'epd4in2_V2',
  width: 400,
  height: 300,
  colors: 'bw',
  busyLevel: 1,
  busySettleMs: 0,
  busyTimeoutMs: 15_000,
  reset: [[1, 100], [0, 2], [1, 100]],
  init: [reset, busy, cmd(0x12), busy, cmd(0x21, '4000'), cmd(0x3c, '05'), ...window, busy],
  display: [cmd(0x24), plane('new', 'black', 'paper'), cmd(0x26), plane('new', 'black', 'paper'), cmd(0x22, 'f7'), cmd(0x20), busy],
  clear: [cmd(0x24), fill(0xff, 15_000), cmd(0x26), fill(0xff, 15_000), cmd(0x22, 'f7'), cmd(0x20), busy],
  sleep: [cmd(0x10, '01'), delay(2000), close],
  fast: {
    init: [reset, busy, cmd(0x12), busy, cmd(0x21, '4000'), cmd(0x3c, '05'), cmd(0x1a, '6e'), cmd(0x22, '91'), cmd(0x20), busy, ...window, busy],
    display: [cmd(0x24), plane('new', 'black', 'paper'), cmd(0x26), plane('new', 'black', 'paper'), cmd(0x22, 'c7'), cmd(0x20), busy],
  },
  partial: {
    display: [
      cmd(0x3c, '80'),
      cmd(0x21, '0000'),
      cmd(0x3c, '80'),
      cmd(0x44, '0031'),
      cmd(0x45, '00002b01'),
      cmd(0x4e, '00'),
      cmd(0x4f, '0000'),
      cmd(0x24),
      plane('new', 'black', 'paper'),
      // Deliberate deviation: the maker writes only the new RAM, so the controller compares
      // the next picture against whatever the old RAM still holds and leaves ghosts. The
      // picture on screen goes to the old RAM as well (DESIGN §8).
      cmd(0x26),
      plane('old', 'black', 'paper'),
      cmd(0x22, 'ff'),
      cmd(0x20),
      busy,
    ],
    wakeWithInit: true,
  },
};
