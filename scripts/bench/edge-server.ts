// A server under benchmark, run in its own process: `baseline` (a bare fastify route doing the same
// signature check, decrypt, Redis SET NX and GET) or `bot` (the bot's real /feishu/events edge).
import Fastify from 'fastify';
import { buildApp } from '../../src/app.ts';
import { decryptPayload, safeEqual, signBody } from '../../src/feishu/crypto.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';

const [mode, redisUrl, key] = process.argv.slice(2) as [string, string, string];
const redis = createFastRedis(redisUrl);
await waitReady(redis);

let address: string;
if (mode === 'baseline') {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, b, done) => done(null, b));
  app.post('/feishu/events', async (req, reply) => {
    const raw = req.body as Buffer;
    const ts = req.headers['x-lark-request-timestamp'] as string;
    const nonce = req.headers['x-lark-request-nonce'] as string;
    const sig = req.headers['x-lark-signature'] as string;
    if (!safeEqual(signBody(ts, nonce, key, raw), sig)) return reply.code(401).send({});
    const outer = JSON.parse(raw.toString('utf8')) as { encrypt: string };
    const ev = JSON.parse(decryptPayload(key, outer.encrypt)) as { header: { event_id: string } };
    const k = `bench:evt:${ev.header.event_id}`;
    await redis.set(k, 'running', 'EX', 60, 'NX');
    await redis.get(k);
    return reply.code(200).send({});
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
