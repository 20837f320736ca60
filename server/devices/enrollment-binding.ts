import type { EnrollmentReply, Hello } from '../../shared/api/payloads.js';
import { isUsableSealKey, sealSecret } from '../../shared/api/sealed-secret.js';
import type { EnrollmentBinding } from '../store/repos/devices.js';
import type { DeviceRecord } from './device-store.js';

/**
 * What an enrolling hello binds its device id to, and how that device's secret travels back.
 * Current agents send a sealing key (the secret comes back sealed to it and is a password on its
 * own) and their login key's hash; older agents only the hash of a key that goes with every
 * password (shared/api/enrollment-key.ts).
 */
export function bindingOf(hello: Hello): EnrollmentBinding | null {
  if (!hello.enrolling || (hello.sealKey === undefined && hello.enrollmentKey === undefined)) return null;
  return { keyHash: hello.enrollmentKey ?? null, sealKey: hello.sealKey ?? null };
}

/**
 * Why a hello's binding cannot be taken, or null when it can. An enrolling hello bound to nothing
 * is refused: its secret would go out readable by every holder of the site's enrollment token.
 * A sealing key comes with a login key's hash, without which the embedded broker would let any
 * holder of the token enroll under the id; with `sealedOnly` (an external broker) an older
 * agent's key hash alone protects nothing.
 */
export function unusableBinding(hello: Hello, binding: EnrollmentBinding | null, sealedOnly: boolean): string | null {
  if (!hello.enrolling) return null;
  if (binding === null || (sealedOnly && binding.sealKey === null)) return 'an enrolling hello without a sealKey';
  if (binding.sealKey !== null && binding.keyHash === null) return 'a sealKey without an enrollmentKey';
  if (binding.sealKey !== null && !isUsableSealKey(binding.sealKey)) return 'a sealKey nothing can be sealed to';
  return null;
}

/**
 * Whether a hello may speak for a device already bound: only with all it was bound to. A device
 * bound by an older agent (a key hash only) cannot take a sealing key later; it must be reset.
 */
export function holdsBinding(device: DeviceRecord, binding: EnrollmentBinding | null): boolean {
  if (device.enrollSealKey !== null && binding?.sealKey !== device.enrollSealKey) return false;
  if (device.enrollKeyHash !== null && binding?.keyHash !== device.enrollKeyHash) return false;
  if (device.enrollSealKey === null && device.enrollKeyHash !== null && binding?.sealKey != null) return false;
  return true;
}

/** The approved reply: sealed to the device's key when it gave one. */
export function approvedReply(device: DeviceRecord, secret: string): EnrollmentReply {
  if (device.enrollSealKey !== null) return { status: 'approved', sealedSecret: sealSecret(secret, device.enrollSealKey, device.id) };
  return { status: 'approved', secret };
}
