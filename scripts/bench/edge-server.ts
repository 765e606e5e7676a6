// A server under benchmark, run in its own process: `baseline` (a bare fastify route doing the same
// signature check, decrypt, Redis SET NX and GET) or `bot` (the bot's real /feishu/events edge).
import { buildApp } from '../../src/app.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { bareWebhook } from './util.ts';

const [mode, redisUrl, key] = process.argv.slice(2) as [string, string, string];
const redis = createFastRedis(redisUrl);
await waitReady(redis);

let address: string;
if (mode === 'baseline') {
  const app = await bareWebhook(key, async (ev) => {
    const k = `bench:evt:${ev.header?.event_id}`;
    await redis.set(k, 'running', 'EX', 60, 'NX');
    await redis.get(k);
  });
  address = await app.listen({ port: 0, host: '127.0.0.1' });
} else {
  const app = await buildApp({
    redis,
    metrics: createMetrics(),
    encryptKey: key,
    verificationToken: 'vtoken',
    maxSkewS: 3600,
    // The edge's own cost: the handler returns at once (feature work is measured by the feature benches).
    handle: async () => undefined,
  });
  address = await app.listen({ port: 0, host: '127.0.0.1' });
}
process.stdout.write(`LISTENING ${address}\n`);
process.on('SIGTERM', () => process.exit(0));
