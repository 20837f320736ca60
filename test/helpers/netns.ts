import { execFileSync, spawnSync } from 'node:child_process';

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
