// A 2-second Redis outage with traffic is two warning lines (when it starts, when it ends), not one line per
// request, worker and queue error: the failures are counted in shuzhi_redis_errors_total. The whole process
// wiring (startStack, as npm start runs it) against a real redis-server that is stopped and started again.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Stack, startStack } from '../../src/main.ts';
import { createOutageTracker } from '../../src/store/outage.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let redis: TestRedis;
let stack: Stack;
const lines: Array<{ level: number; msg: string }> = [];

beforeAll(async () => {
  redis = await startRedis();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const j = JSON.parse(l) as { level: number; msg: string };
        lines.push({ level: j.level, msg: j.msg });
      }
      done();
    },
  });
  stack = await startStack(loadConfig({ PORT: '0', REDIS_URL: redis.url, LOG_LEVEL: 'warn' }), { logger: pino({ level: 'warn' }, sink) });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await redis?.close();
});

it('logs a 2 s outage once when it starts and once when it ends, and counts the rest', async () => {
  const fake = stack.playground!.fake;
  const chat = fake.p2pChatOf('ou_demo_secretary');
  lines.length = 0;
  await redis.kill();
  const t0 = Date.now();
  const pushes = [];
  while (Date.now() - t0 < 2000) {
    pushes.push(fake.userSendsText({ chatId: chat, openId: 'ou_demo_secretary', text: '统计' }));
    await new Promise((r) => setTimeout(r, 100));
  }
  const answered = await Promise.all(pushes);
  expect(answered.every((p) => p.status === 503)).toBe(true);
  await redis.start();
  const deadline = Date.now() + 10_000;
  while (!lines.some((l) => l.msg === 'Redis reachable again') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1500));
  // The bot's lines (the embedded fake Open Platform logs its failed deliveries too: that is Feishu's side).
  const warnOrWorse = lines.filter((l) => l.level >= 40 && !l.msg.startsWith('fake feishu:'));
  expect(warnOrWorse.map((l) => l.msg)).toEqual([expect.stringContaining('Redis unreachable'), 'Redis reachable again']);
  const metrics = await (await fetch(`${stack.url}/metrics`)).text();
  const failed = [...metrics.matchAll(/shuzhi_redis_errors_total\{source="(\w+)"\} (\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
  expect(failed).toBeGreaterThanOrEqual(answered.length);
}, 60_000);

it('the tracker: one warning per outage, with its length and the number of failures', () => {
  const out: Array<[object, string | undefined]> = [];
  let t = 0;
  const counted: string[] = [];
  const tr = createOutageTracker({ logger: { warn: (o, m) => out.push([o, m]) }, count: (s) => counted.push(s), now: () => t });
  tr.recovered();
  tr.failed('request', new Error('Connection is closed.'));
  t = 500;
  tr.failed('queue', new Error('x'));
  tr.failed('worker', new Error('y'));
  expect(tr.down).toBe(true);
  t = 2100;
  tr.recovered();
  tr.recovered();
  expect(counted).toEqual(['request', 'queue', 'worker']);
  expect(out).toEqual([
    [{ source: 'request', err: 'Connection is closed.' }, expect.stringContaining('Redis unreachable')],
    [{ downMs: 2100, failedOperations: 3 }, 'Redis reachable again'],
  ]);
  expect(tr.down).toBe(false);
});
