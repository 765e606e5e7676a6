// npm run chaos: the scale-out proof of issue 18 (scripts/chaos/run.ts). By default two runs, over the webhook
// and then over the long connection, each with 200 secretaries, 1,000 activity messages and 100 groups, two Redis
// SIGKILLs, a bot SIGKILLed mid-publish, 30 s of 20 % failing Open API calls, events ×3 and callbacks ×2.
// Prints one table per run and exits 1 on any loss or duplicate.
//
//   npm run chaos -- [--transport webhook|websocket|both] [--secretaries 200] [--activities 1000] [--groups 100]
//                    [--redis-kills 2] [--no-bot-kill] [--fail-seconds 30] [--fail-rate 0.2] [--seed 18] [--quiet]
//                    [--bot-log-level warn]   (the bots' logs are kept in the run's folder when it fails)
import { parseArgs } from 'node:util';
import { removeRunDir, runChaos } from './chaos/run.ts';

const { values } = parseArgs({
  options: {
    transport: { type: 'string', default: 'both' },
    secretaries: { type: 'string', default: '200' },
    activities: { type: 'string', default: '1000' },
    groups: { type: 'string', default: '100' },
    'redis-kills': { type: 'string', default: '2' },
    'no-bot-kill': { type: 'boolean', default: false },
    'fail-seconds': { type: 'string', default: '30' },
    'fail-rate': { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '18' },
    quiet: { type: 'boolean', default: false },
    'bot-log-level': { type: 'string', default: 'warn' },
  },
});

const transports = values.transport === 'both' ? (['webhook', 'websocket'] as const) : ([values.transport] as const);
for (const t of transports) {
  if (t !== 'webhook' && t !== 'websocket') {
    process.stderr.write(`--transport must be webhook, websocket or both (got ${t})\n`);
    process.exit(2);
  }
}
const t0 = performance.now();
let failed = false;
for (const transport of transports as ReadonlyArray<'webhook' | 'websocket'>) {
  const r = await runChaos({
    transport,
    secretaries: Number(values.secretaries),
    activities: Number(values.activities),
    groups: Number(values.groups),
    redisKills: Number(values['redis-kills']),
    botKill: !values['no-bot-kill'],
    failWindowMs: Number(values['fail-seconds']) * 1000,
    failRate: Number(values['fail-rate']),
    seed: Number(values.seed),
    botLogLevel: values['bot-log-level'],
    log: values.quiet ? undefined : (line) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`),
  });
  process.stdout.write(`\n${r.table}\n\n`);
  if (r.ok) removeRunDir(r.logDir);
  else {
    failed = true;
    process.stdout.write(`FAILED: the bots' logs are in ${r.logDir}\n\n`);
  }
}
process.exit(failed ? 1 : 0);
