import { busy, close, cmd, delay, fill, plane, reset, rst, type EpdModel } from './model.js';

/** Waveshare 2.13" V4, 122x250 black/white (SSD1680). Rows of 16 bytes; takes 1 = white. */
const window = [cmd(0x11, '03'), cmd(0x44, '000f'), cmd(0x45, '0000f900'), cmd(0x4e, '00'), cmd(0x4f, '0000')];

export const epd2in13_V4: EpdModel = {
  name: 'epd2in13_V4',
  width: 122,
  height: 250,
  colors: 'bw',
  busyLevel: 1,
  busySettleMs: 0,
  busyTimeoutMs: 10_000,
  reset: [[1, 20], [0, 2], [1, 20]],
  init: [reset, busy, cmd(0x12), busy, cmd(0x01, 'f90000'), ...window, cmd(0x3c, '05'), cmd(0x21, '0080'), cmd(0x18, '80'), busy],
  display: [cmd(0x24), plane('new', 'black', 'paper'), cmd(0x22, 'f7'), cmd(0x20), busy],
  displayBase: [cmd(0x24), plane('new', 'black', 'paper'), cmd(0x26), plane('new', 'black', 'paper'), cmd(0x22, 'f7'), cmd(0x20), busy],
  clear: [cmd(0x24), fill(0xff, 4000), cmd(0x22, 'f7'), cmd(0x20), busy],
  sleep: [cmd(0x10, '01'), delay(2000), close],
  fast: {
    init: [
      reset,
      cmd(0x12),
      busy,
      cmd(0x18),
      // Sent as a command byte by the maker's driver (the temperature-sensor argument); kept
      // byte for byte because the controller ignores it and the trace is the reference.
      cmd(0x80),
      ...window,
      cmd(0x22, 'b1'),
      cmd(0x20),
      busy,
      cmd(0x1a, '6400'),
      cmd(0x22, '91'),
      cmd(0x20),
      busy,
    ],
    display: [cmd(0x24), plane('new', 'black', 'paper'), cmd(0x22, 'c7'), cmd(0x20), busy],
  },
  partial: {
    display: [
      rst(0),
      delay(1),
      rst(1),
      cmd(0x3c, '80'),
      cmd(0x01, 'f90000'),
      ...window,
      cmd(0x24),
      plane('new', 'black', 'paper'),
      // Deliberate deviation: the maker writes only the new RAM (0x24), a known cause of
      // ghosting; the picture on screen also goes to the old RAM (DESIGN §8).
      cmd(0x26),
      plane('old', 'black', 'paper'),
      cmd(0x22, 'ff'),
      cmd(0x20),
      busy,
    ],
    wakeWithInit: false,
  },
};
