// Two bot instances (two ports, two limiters, two Redis connections, one Redis) sending concurrently to one
// chat and to one user: the fake Open Platform, which enforces Feishu's documented limits on its own clock,
// must see at most 5 sends per chat/user in any 1-second window and reject none.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../src/feishu/limiter.ts';
import { createFeishuPort, type FeishuPort, type OutboundResult } from '../../src/feishu/port.ts';
import { startFakeFeishu } from '../../src/playground/fake/index.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'fake-secret-rl';
const CHAT = 'oc_ratelimit000000000000000000001';
const USER = 'ou_ratelimit000000000000000000001';

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>;

let redisServer: TestRedis;
let conns: Redis[] = [];
let fake: Fake;
const results: OutboundResult[] = [];

function instance(): FeishuPort {
  const redis = new Redis(redisServer.url);
  conns.push(redis);
  const noop = () => {};
  return createFeishuPort({
    appId: APP_ID,
    appSecret: APP_SECRET,
    domain: fake.url,
    redis,
    limiter: new RedisRateLimiter({ redis }),
    logger: { info: noop, warn: noop, error: noop, debug: noop },
    metrics: { outbound: (_api, r) => void results.push(r) },
  });
}

/** Largest number of timestamps (ms) inside any half-open window [t, t + windowMs). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

beforeAll(async () => {
  redisServer = await startRedis();
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, rateLimits: true });
  fake.addUser({ openId: USER, name: '王组织委员' });
  fake.addChat({ chatId: CHAT, name: '第二党支部', type: 'group', members: [USER] });
});

afterAll(async () => {
  for (const c of conns) c.disconnect();
  conns = [];
  await fake?.close();
  await redisServer?.close();
});

describe('shared limiter across two instances', () => {
  it('holds 5 QPS per chat and per user: no 1-second window over 5, nothing rejected', async () => {
    const a = instance();
    const b = instance();
    const before = fake.calls.length;
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      const port = i % 2 === 0 ? a : b;
      sends.push(port.sendMessage({ receiveIdType: 'chat_id', receiveId: CHAT, msgType: 'text', content: { text: `群消息${i}` } }));
    }
    for (let i = 0; i < 10; i++) {
      const port = i % 2 === 0 ? b : a;
      sends.push(port.sendMessage({ receiveIdType: 'open_id', receiveId: USER, msgType: 'text', content: { text: `私信${i}` } }));
    }
    await Promise.all(sends);

    const creates = fake.calls.slice(before).filter((c) => c.api === 'im.message.create');
    expect(creates).toHaveLength(30);
    expect(creates.filter((c) => c.status !== 200 || c.code !== 0)).toEqual([]);
    expect(results.filter((r) => r !== 'ok')).toEqual([]);

    const toChat = creates.filter((c) => (c.body as { receive_id?: string }).receive_id === CHAT).map((c) => c.at);
    const toUser = creates.filter((c) => (c.body as { receive_id?: string }).receive_id === USER).map((c) => c.at);
    expect(toChat).toHaveLength(20);
    expect(toUser).toHaveLength(10);
    expect(maxInWindow(toChat, 1000)).toBeLessThanOrEqual(5);
    expect(maxInWindow(toUser, 1000)).toBeLessThanOrEqual(5);
    expect(fake.messages(CHAT)).toHaveLength(20);
    expect(fake.messages(fake.p2pChatOf(USER))).toHaveLength(10);
  }, 20_000);
});
