// The shared rate limiter against a real redis-server: atomic multi-key acquire, sharing across instances,
// sliding-window guarantee under concurrency (checked on Redis server timestamps, not local timers).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RateLimit, RedisRateLimiter } from '../../src/feishu/limiter.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let server: TestRedis;
let r1: Redis;
let r2: Redis;

beforeAll(async () => {
  server = await startRedis();
  r1 = new Redis(server.url);
  r2 = new Redis(server.url);
});

afterAll(async () => {
  r1.disconnect();
  r2.disconnect();
  await server.close();
});

beforeEach(async () => {
  await r1.flushall();
});

/** Grant times (µs, Redis server clock) recorded in a log key that every acquire in a test also takes. */
async function grantTimes(redis: Redis, fullKey: string): Promise<number[]> {
  const flat = await redis.zrange(fullKey, '0', '-1', 'WITHSCORES');
  const out: number[] = [];
  for (let i = 1; i < flat.length; i += 2) out.push(Number(flat[i]));
  return out.sort((a, b) => a - b);
}

/** Largest number of timestamps inside any half-open window [t, t + windowUs). */
function maxInWindow(times: number[], windowUs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] ?? 0) - (times[lo] ?? 0) >= windowUs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('RedisRateLimiter', () => {
  it('grants up to the limit, then reports a wait no longer than the window', async () => {
    const lim = new RedisRateLimiter({ redis: r1 });
    const k: RateLimit[] = [{ key: 'k', limit: 3, windowMs: 60_000 }];
    expect([await lim.tryAcquire(k), await lim.tryAcquire(k), await lim.tryAcquire(k)]).toEqual([0, 0, 0]);
    const wait = await lim.tryAcquire(k);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await r1.zcard('shuzhi:rl:k')).toBe(3);
  });

  it('takes nothing when any key is full (atomic multi-key)', async () => {
    const lim = new RedisRateLimiter({ redis: r1 });
    const a: RateLimit = { key: 'a', limit: 1, windowMs: 60_000 };
    const b: RateLimit = { key: 'b', limit: 1, windowMs: 60_000 };
    expect(await lim.tryAcquire([a])).toBe(0);
    expect(await lim.tryAcquire([a, b])).toBeGreaterThan(0);
    expect(await r1.zcard('shuzhi:rl:b')).toBe(0);
    // b's only slot is still free
    expect(await lim.tryAcquire([b])).toBe(0);
    expect(await lim.tryAcquire([b])).toBeGreaterThan(0);
  });

  it('is shared between instances on different connections', async () => {
    const one = new RedisRateLimiter({ redis: r1 });
    const two = new RedisRateLimiter({ redis: r2 });
    const k: RateLimit[] = [{ key: 'shared', limit: 2, windowMs: 60_000 }];
    expect(await one.tryAcquire(k)).toBe(0);
    expect(await two.tryAcquire(k)).toBe(0);
    expect(await one.tryAcquire(k)).toBeGreaterThan(0);
    expect(await two.tryAcquire(k)).toBeGreaterThan(0);
  });

  it('acquire waits (through the injected sleep) instead of rejecting', async () => {
    const sleeps: number[] = [];
    const lim = new RedisRateLimiter({
      redis: r1,
      sleep: async (ms) => {
        sleeps.push(ms);
        await new Promise((r) => setTimeout(r, ms));
      },
    });
    const k: RateLimit[] = [{ key: 'w', limit: 1, windowMs: 150 }];
    await lim.acquire(k);
    expect(sleeps).toEqual([]);
    await lim.acquire(k);
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    expect(sleeps.every((ms) => ms > 0 && ms <= 150 + 5)).toBe(true);
  });

  it('holds the limit in every sliding window with two instances acquiring concurrently', async () => {
    const one = new RedisRateLimiter({ redis: r1 });
    const two = new RedisRateLimiter({ redis: r2 });
    const keys: RateLimit[] = [
      { key: 'chat:oc_x', limit: 5, windowMs: 200 },
      { key: 'log', limit: 10_000, windowMs: 60_000 },
    ];
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? one : two).acquire(keys)));
    const times = await grantTimes(r1, 'shuzhi:rl:log');
    expect(times).toHaveLength(30);
    expect(maxInWindow(times, 200_000)).toBeLessThanOrEqual(5);
    // and it did not serialise needlessly: some window is full
    expect(maxInWindow(times, 200_000)).toBe(5);
  });

  it('honours the tighter of two keys (per-chat and app-wide)', async () => {
    const lim = new RedisRateLimiter({ redis: r1 });
    const app: RateLimit = { key: 'app', limit: 3, windowMs: 200 };
    const log: RateLimit = { key: 'log', limit: 10_000, windowMs: 60_000 };
    await Promise.all([
      ...Array.from({ length: 5 }, () => lim.acquire([app, { key: 'chat:1', limit: 5, windowMs: 200 }, log])),
      ...Array.from({ length: 5 }, () => lim.acquire([app, { key: 'chat:2', limit: 5, windowMs: 200 }, log])),
    ]);
    const times = await grantTimes(r1, 'shuzhi:rl:log');
    expect(times).toHaveLength(10);
    expect(maxInWindow(times, 200_000)).toBeLessThanOrEqual(3);
  });

  it('reloads its script after SCRIPT FLUSH', async () => {
    const lim = new RedisRateLimiter({ redis: r1 });
    const k: RateLimit[] = [{ key: 'f', limit: 2, windowMs: 60_000 }];
    expect(await lim.tryAcquire(k)).toBe(0);
    await r1.script('FLUSH');
    expect(await lim.tryAcquire(k)).toBe(0);
    expect(await lim.tryAcquire(k)).toBeGreaterThan(0);
  });

  it('uses its prefix and expires idle keys', async () => {
    const lim = new RedisRateLimiter({ redis: r1, prefix: 'other:' });
    await lim.acquire([{ key: 'p', limit: 1, windowMs: 1000 }]);
    const ttl = await r1.pttl('other:p');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
  });

  it('rejects nonsensical limits', async () => {
    const lim = new RedisRateLimiter({ redis: r1 });
    await expect(lim.tryAcquire([{ key: 'z', limit: 0, windowMs: 1000 }])).rejects.toThrow(RangeError);
    await expect(lim.tryAcquire([{ key: 'z', limit: 1, windowMs: 0.5 }])).rejects.toThrow(RangeError);
  });
});
