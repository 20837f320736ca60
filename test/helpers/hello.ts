import type { Hello } from '../../shared/api/payloads.js';
import { enrollmentKeyHash, loginKeyOf, sealKeyOf, withKey } from '../../shared/api/index.js';
import { ENROLL_TOKEN } from './server.js';

/** A display's hello as a test client sends it; spread it with `enrolling` and the keys it needs. */
export const HELLO: Hello = {
  model: 'test rig',
  panel: { model: 'png', width: 800, height: 480, colors: 'bw' },
  buttons: ['book'],
  leds: [],
  versions: { agent: '0.0.0', node: process.version },
  address: null,
  uptimeSec: 1,
  enrolling: true,
};

/** What the agent sends to enroll with its one-time key: the keys of its hello and its login password. */
export function keyedEnrollment(key: string): { password: string; keys: Pick<Hello, 'sealKey' | 'enrollmentKey'> } {
  return { password: withKey(ENROLL_TOKEN, loginKeyOf(key)), keys: { sealKey: sealKeyOf(key), enrollmentKey: enrollmentKeyHash(loginKeyOf(key)) } };
}
