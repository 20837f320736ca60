import { machine } from './table.js';
import { fanoutCpuLayout, formatSiteFanout, runSiteFanout } from './site/site-fanout.bench.js';
import { formatReconnect, runReconnect } from './site/reconnect.bench.js';
import { formatServerRss, runServerRssBench } from './server-rss.bench.js';
import { unitSettings } from './process-settings.js';
import { formatLean, runLeanBench } from './lean.bench.js';
import { formatPanelBench, runPanelBench } from './panel.bench.js';
import { formatProviderBench, runProviderBench } from './providers.bench.js';
import { formatCrashWeek, runCrashWeek } from './provider-crash.js';
import { formatCaldavWeek, runCaldavWeek } from './caldav-week.js';
import { formatBrokerAttack, runBrokerAttack } from './broker-attack.bench.js';
import { formatStoreDurability, runStoreDurability } from './store-durability.bench.js';
import { formatReconnect as formatBrokerReconnect, runReconnectBench } from './broker-reconnect.bench.js';
import { formatFailover, runFailover } from './fleet-failover.bench.js';

/**
 * `npm run bench [-- NAME...]`: every benchmark (or the named ones), each printed as a table
 * with the machine it ran on. Figures vary with the machine; nothing here asserts a time.
 */
const BENCHES: Record<string, () => Promise<string>> = {
  fanout: async () =>
    `MQTT fan-out: one room state change -> every display of the room; displays in 4 processes, each with its own credentials (loopback); ${fanoutCpuLayout()}\n${formatSiteFanout([...(await runSiteFanout(1000)), ...(await runSiteFanout(3000))])}`,
  reconnect: async () => `Reconnect storm: 2,000 displays of 1,000 rooms, the server restarted after 3 s down\n${formatReconnect(await runReconnect(2000, 1000))}`,
  'server-rss': async () => {
    const unit = unitSettings('server');
    const rows = [
      ...(await runServerRssBench([10, 1000])),
      ...(await runServerRssBench([1000], unit.nodeArgs, unit.env)),
      ...(await runServerRssBench([1000], unit.nodeArgs, unit.env, 2000)),
      ...(await runServerRssBench([1000], unit.nodeArgs, unit.env, 2000, 'modules')),
    ];
    const settings = [...unit.nodeArgs, ...Object.entries(unit.env).map(([k, v]) => `${k}=${v}`)].join(' ');
    return `Server memory by number of rooms, each with two days of meetings: with no settings, then with the server unit's (${settings}); the bundled code the units run, and last the compiled modules unbundled\n${formatServerRss(rows)}`;
  },
  'broker-attack': async () => `Embedded broker under an unauthenticated memory attack (RSS of the broker process)\n${formatBrokerAttack(await runBrokerAttack())}`,
  'broker-reconnect': async () => `Embedded broker: a reconnect storm of 2,000 displays over 1,000 rooms (raw clients, broker in its own process)\n${formatBrokerReconnect(await runReconnectBench(2000, 1000))}`,
  'store-durability': async () =>
    `Store durability: 500 bookings (each with its idempotency key) through the booking rules on a store file, synchronous NORMAL vs FULL\n${formatStoreDurability(await runStoreDurability(500))}`,
  lean: async () => `Process settings (node flags, glibc arenas), each against none, each in a fresh process\n${formatLean(await runLeanBench())}`,
  panels: async () => formatPanelBench(await runPanelBench()),
  failover: async () =>
    `Fleet failover: 5 nodes on separate network hosts (namespaces), heartbeat 1 s, 3 missed beats; the leader killed (SIGKILL) 10 times\n${formatFailover(await runFailover(10))}`,
  providers: async () =>
    `Google Workspace: a simulated week of calendar edits, push, one outage, lost notifications\n${formatProviderBench(await runProviderBench())}\n${formatCrashWeek(await runCrashWeek())}\n\n` +
    `Microsoft 365: the same week on Graph\n${formatProviderBench(await runProviderBench({ tenant: 'microsoft' }))}\n${formatCrashWeek(await runCrashWeek({ tenant: 'microsoft' }))}\n\n` +
    `CalDAV on Radicale: a simulated week of edits by other clients, every room polled\n${formatCaldavWeek(await runCaldavWeek())}`,
};

const only = process.argv.slice(2);
const unknown = only.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
console.log(`Machine: ${machine()}\n`);
for (const [name, run] of Object.entries(BENCHES)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`${await run()}\n`);
}
