import { machine } from './table.js';
import { formatSiteFanout, runSiteFanout } from './site/site-fanout.bench.js';
import { formatReconnect, runReconnect } from './site/reconnect.bench.js';
import { formatServerRss, runServerRssBench } from './server-rss.bench.js';
import { formatLean, runLeanBench } from './lean.bench.js';
import { formatPanelBench, runPanelBench } from './panel.bench.js';
import { formatProviderBench, runProviderBench } from './providers.bench.js';
import { formatCrashWeek, runCrashWeek } from './provider-crash.js';

/**
 * `npm run bench [-- NAME...]`: every benchmark (or the named ones), each printed as a table
 * with the machine it ran on. Figures vary with the machine; nothing here asserts a time.
 */
const BENCHES: Record<string, () => Promise<string>> = {
  fanout: async () =>
    `MQTT fan-out: one room state change -> every display of the room; displays in 4 processes, each with its own credentials (loopback)\n${formatSiteFanout([...(await runSiteFanout(1000)), ...(await runSiteFanout(3000))])}`,
  reconnect: async () => `Reconnect storm: 2,000 displays of 1,000 rooms, the server restarted after 3 s down\n${formatReconnect(await runReconnect(2000, 1000))}`,
  'server-rss': async () => `Server memory (RSS) by number of rooms, each with a day of meetings\n${formatServerRss(await runServerRssBench([10, 1000]))}`,
  lean: async () => `Process settings (node flags, glibc arenas), each against none, each in a fresh process\n${formatLean(await runLeanBench())}`,
  panels: async () => formatPanelBench(await runPanelBench()),
  providers: async () => `Google Workspace: a simulated week of calendar edits, push, one outage, lost notifications\n${formatProviderBench(await runProviderBench())}\n${formatCrashWeek(await runCrashWeek())}`,
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
