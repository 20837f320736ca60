import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/**
 * Separate network hosts on one machine: network namespaces joined by a bridge that lives in
 * a namespace of its own, so nothing is added to the machine's own network. Names carry a
 * per-run tag; `remove()` deletes every namespace made (their veths and bridge go with them).
 */
export interface TestLan {
  readonly tag: string;
  readonly subnet: string;
  /** The namespace of host `i` (1-based) and its address. */
  host(i: number): { ns: string; address: string };
  /** The hub namespace holds the bridge and the address `<subnet>.1`, used to reach the hosts. */
  readonly hub: { ns: string; address: string };
  /** Link down / up of host `i`'s cable (its port on the bridge). */
  setLink(i: number, up: boolean): void;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Null when this process may not create namespaces (not root, no CAP_NET_ADMIN, no `ip`). */
export function netnsUnavailable(): string | null {
  const probe = `dpprobe${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.error) return `cannot run ip: ${add.error.message}`;
  if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

export function makeTestLan(hosts: number, subnet = '10.77.0'): TestLan {
  const tag = `dp${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const hubNs = `${tag}-hub`;
  const made: string[] = [];
  const nsOf = (i: number): string => `${tag}-h${i}`;
  const lan: TestLan = {
    tag,
    subnet,
    hub: { ns: hubNs, address: `${subnet}.1` },
    host: (i) => ({ ns: nsOf(i), address: `${subnet}.${10 + i}` }),
    setLink(i, up) {
      ip('-n', hubNs, 'link', 'set', `p${i}`, up ? 'up' : 'down');
    },
    remove() {
      for (const ns of made.reverse()) spawnSync('ip', ['netns', 'del', ns]);
      made.length = 0;
    },
  };
  try {
    ip('netns', 'add', hubNs);
    made.push(hubNs);
    ip('-n', hubNs, 'link', 'set', 'lo', 'up');
    ip('-n', hubNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    ip('-n', hubNs, 'addr', 'add', `${subnet}.1/24`, 'dev', 'br0');
    ip('-n', hubNs, 'link', 'set', 'br0', 'up');
    for (let i = 1; i <= hosts; i++) {
      const ns = nsOf(i);
      ip('netns', 'add', ns);
      made.push(ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', hubNs);
      ip('-n', ns, 'addr', 'add', `${subnet}.${10 + i}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      // Multicast (heartbeats, mDNS) leaves through the LAN interface: there is no default route.
      ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');
      ip('-n', hubNs, 'link', 'set', `p${i}`, 'master', 'br0');
      ip('-n', hubNs, 'link', 'set', `p${i}`, 'up');
    }
  } catch (e) {
    lan.remove();
    throw e;
  }
  return lan;
}

/** Null when avahi-daemon and dbus-daemon are installed (to run one Avahi per test host). */
export function avahiUnavailable(): string | null {
  for (const bin of ['avahi-daemon', 'dbus-daemon', 'avahi-publish', 'avahi-browse', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} is not installed (Debian: avahi-daemon, avahi-utils, dbus)`;
  }
  return null;
}

/**
 * The command prefix that runs a program on test host `ns` beside its own avahi-daemon: a
 * private mount namespace with a fresh /run, its own system D-Bus, then the daemon. The
 * program runs as PID 1 of a PID namespace of its own: when it ends (or is killed), the kernel
 * ends the daemons with it, so none outlives the test.
 */
export function withAvahi(ns: string, scriptDir: string, iface = 'eth0'): string[] {
  const script = `${scriptDir}/avahi-host-${ns}.sh`;
  const conf = `${scriptDir}/avahi-${ns}.conf`;
  // A host name of its own (the test hosts share the machine's) and IPv4 only, so no daemon
  // spends seconds probing and renaming.
  writeFileSync(conf, `[server]\nhost-name=${ns.replace(/[^A-Za-z0-9-]/g, '-')}\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=${iface}\n[publish]\npublish-hinfo=no\npublish-workstation=no\n`);
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      'set -e',
      'mount --make-rprivate /',
      'mount -t tmpfs tmpfs /run',
      'mkdir -p /run/dbus /run/avahi-daemon',
      'dbus-daemon --system --fork',
      `avahi-daemon --daemonize --no-chroot --no-rlimits --no-drop-root --file=${conf}`,
      'i=0; while [ ! -S /run/avahi-daemon/socket ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
      'exec "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return ['ip', 'netns', 'exec', ns, 'unshare', '--mount', '--pid', '--fork', '--kill-child', script];
}
