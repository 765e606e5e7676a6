// The chaos run of `npm run chaos` (scripts/chaos/run.ts), shortened for npm test: two bot processes on one
// Redis with AOF, 10 secretaries walking and publishing, 50 activity messages, 5 groups with a deadline; Redis
// SIGKILLed once mid-walk, one bot SIGKILLed mid-publish, 20 % of Open API calls failing for 15 s, every event
// delivered three times and every callback twice. Over the webhook here, and over the long connection in the
// websocket project (vitest.config.ts). Every check of the table must pass: nothing lost, nothing twice.
import { expect, it } from 'vitest';
import { removeRunDir, runChaos } from '../../scripts/chaos/run.ts';
import { TEST_TRANSPORT } from '../support/harness.ts';

it(`a short chaos run over the ${TEST_TRANSPORT}: nothing lost, nothing twice, no crash`, async () => {
  const r = await runChaos({
    transport: TEST_TRANSPORT,
    secretaries: 10,
    activities: 50,
    groups: 5,
    redisKills: 1,
    botKill: true,
    failWindowMs: 15_000,
    failRate: 0.2,
    seed: 18,
    // Quicker people and an earlier 09:00 than the full run, the same faults.
    thinkMs: [300, 1000],
    lateCopyMs: [2000, 8000],
    nudgeAfterMs: 12_000,
  });
  console.log(r.table);
  if (r.ok) removeRunDir(r.logDir);
  expect(r.rows.filter((row) => row.ok === false).map((row) => `${row.check}: ${row.observed}`), `bots' logs: ${r.logDir}`).toEqual([]);
}, 600_000);
