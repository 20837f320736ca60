import { busy, close, cmd, delay, fill, plane, reopen, reset, type EpdModel } from './model.js';

/** Waveshare 7.5" V2, 800x480 black/white (UC8179). 0x10 takes 1 = white, 0x13 takes 1 = black. */
const display = [cmd(0x10), plane('new', 'black', 'paper'), cmd(0x13), plane('new', 'black', 'ink'), cmd(0x12), delay(100), busy];

export const epd7in5_V2: EpdModel = {
  name: 'epd7in5_V2',
  width: 800,
  height: 480,
  colors: 'bw',
  busyLevel: 0,
  pollCommand: 0x71,
  busySettleMs: 20,
  busyTimeoutMs: 10_000,
  reset: [[1, 20], [0, 2], [1, 20]],
  init: [
    reset,
    cmd(0x06, '17172817'), // booster soft start
    cmd(0x01, '07072817'), // power setting
    cmd(0x04), // power on
    delay(100),
    busy,
    cmd(0x00, '1f'), // panel setting: KW mode, LUT from OTP
    cmd(0x61, '032001e0'), // resolution 800x480
    cmd(0x15, '00'),
    cmd(0x50, '1007'), // VCOM and data interval
    cmd(0x60, '22'), // TCON
  ],
  display,
  clear: [cmd(0x10), fill(0xff, 48_000), cmd(0x13), fill(0x00, 48_000), cmd(0x12), delay(100), busy],
  sleep: [cmd(0x50, 'f7'), cmd(0x02), busy, cmd(0x07, 'a5'), delay(2000), close],
  fast: {
    init: [reset, cmd(0x00, '1f'), cmd(0x50, '1007'), cmd(0x04), delay(100), busy, cmd(0x06, '27271817'), cmd(0xe0, '02'), cmd(0xe5, '5a')],
    display,
  },
  partial: {
    // The maker's init_part opens the hardware layer again before its reset.
    init: [reopen, reset, cmd(0x00, '1f'), cmd(0x04), delay(100), busy, cmd(0xe0, '02'), cmd(0xe5, '6e')],
    display: [
      cmd(0x50, 'a907'), // data polarity flipped and new-to-old copy on: the 0x13 plane now takes 1 = white
      cmd(0x91), // partial in
      cmd(0x90, '0000031f000001df01'), // window 0..799 x 0..479
      cmd(0x13),
      plane('new', 'black', 'paper'),
      cmd(0x12),
      delay(100),
      busy,
    ],
    wakeWithInit: false,
  },
};
