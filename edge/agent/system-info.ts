import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces, uptime } from 'node:os';

/** Facts about the machine the hello reports; injected so several simulated devices can share one process. */
export interface SystemInfo {
  /** `Raspberry Pi Zero 2 W Rev 1.0`, or the platform name off a Pi. */
  model(): string;
  /** The first non-internal IPv4 address, or null. */
  address(): string | null;
  uptimeSec(): number;
}

/** Reads the real machine: the device-tree model on a Pi, the network interfaces and the system uptime. */
export function hostSystemInfo(): SystemInfo {
  return {
    model: () => readTrimmed('/proc/device-tree/model') ?? `${process.platform}-${process.arch}`,
    address: firstIpv4,
    uptimeSec: () => Math.floor(uptime()),
  };
}

/**
 * The device id when the config names none: the Pi's CPU serial (`pi-<last 8 hex digits>`), or the
 * host name reduced to the id alphabet.
 */
export function hostDeviceId(): string {
  const cpuinfo = readTrimmed('/proc/cpuinfo');
  const serial = cpuinfo ? /^Serial\s*:\s*([0-9a-f]+)$/im.exec(cpuinfo)?.[1] : undefined;
  if (serial && !/^0+$/.test(serial)) return `pi-${serial.slice(-8).toLowerCase()}`;
  const name = hostname().replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  if (!name) throw new Error('edge.deviceId: not configured, and neither a CPU serial nor a usable host name was found');
  return name;
}

function readTrimmed(path: string): string | null {
  try {
    // The device-tree strings end with a NUL.
    return readFileSync(path, 'utf8').replace(/\0/g, '').trim() || null;
  } catch {
    return null;
  }
}

function firstIpv4(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? []) {
      if (nic.family === 'IPv4' && !nic.internal) return nic.address;
    }
  }
  return null;
}

/** The package version, read next to the built tree (`dist/edge/..` is the package root); `unknown` elsewhere. */
export function readAgentVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
