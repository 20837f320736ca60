import { busy, close, cmd, delay, fill, plane, reset, type EpdModel } from './model.js';

/** The register LUTs the maker's V1 driver loads for a full refresh (VCOM, WW, BW, WB, BB). */
const luts = [
  cmd(0x20, '000808000002000f0f0000010008080000020000000000000000000000000000000000000000000000000000'),
  cmd(0x21, '500808000002900f0f000001a00808000002000000000000000000000000000000000000000000000000'),
  cmd(0x22, '500808000002900f0f000001a00808000002000000000000000000000000000000000000000000000000'),
  cmd(0x23, '200808000002900f0f000001100808000002000000000000000000000000000000000000000000000000'),
  cmd(0x24, 'a00808000002900f0f000001500808000002000000000000000000000000000000000000000000000000'),
];

/** Waveshare 4.2" (V1), 400x300 black/white (UC8176). Takes 1 = white. */
export const epd4in2: EpdModel = {
  name: 'epd4in2',
  width: 400,
  height: 300,
  colors: 'bw',
  busyLevel: 0,
  pollCommand: 0x71,
  busySettleMs: 0,
  busyTimeoutMs: 15_000,
  reset: [[1, 10], [0, 10], [1, 10], [0, 10], [1, 10], [0, 10], [1, 10]],
  init: [
    reset,
    cmd(0x01, '03002b2b'), // power setting
    cmd(0x06, '171717'), // booster soft start
    cmd(0x04), // power on
    busy,
    cmd(0x00, 'bf'), // panel setting: LUT from registers
    cmd(0x30, '3c'), // PLL
    cmd(0x61, '0190012c'), // resolution 400x300
    cmd(0x82, '12'), // VCOM DC
    cmd(0x50, '97'),
    ...luts,
  ],
  display: [
    cmd(0x92), // partial out
    ...luts,
    cmd(0x10),
    // Deliberate deviation: the maker writes 20,000 bytes of 0xFF here into a RAM that holds
    // one 15,000-byte frame, relying on the controller to drop or wrap the surplus. One frame
    // is exactly what the RAM holds, and 5,000 fewer bytes go over SPI.
    fill(0xff, 15_000),
    cmd(0x13),
    plane('new', 'black', 'paper'),
    cmd(0x12),
    busy,
  ],
  clear: [cmd(0x10), fill(0xff, 15_000), cmd(0x13), fill(0xff, 15_000), cmd(0x12), busy],
  sleep: [cmd(0x02), busy, cmd(0x07, 'a5'), delay(2000), close],
};

/** What the maker's trace sends to 0x10 in `display`, kept for the test that pins the deviation. */
export const EPD4IN2_MAKER_OLD_RAM_BYTES = 20_000;
