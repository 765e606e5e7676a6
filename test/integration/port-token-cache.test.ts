// RedisTokenCache against a real redis-server: the SDK Cache contract (absolute expiry, Symbol keys,
// namespaces), eviction (plain and compare-and-delete) and the cross-instance single flight on a miss.
import * as lark from '@larksuiteoapi/node-sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisTokenCache, TENANT_TOKEN_KEY } from '../../src/feishu/token-cache.ts';
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

describe('RedisTokenCache', () => {
  it('uses the very symbol the SDK stores the tenant token under', () => {
    expect(TENANT_TOKEN_KEY).toBe(lark.CTenantAccessToken);
    expect(new RedisTokenCache({ redis: r1 }).keyOf(TENANT_TOKEN_KEY, 'cli_a')).toBe(
      'shuzhi:lark:cli_a:Symbol(tenant-access-token)',
    );
  });

  it('stores with the absolute expiry turned into a TTL, per namespace, readable from another connection', async () => {
    const now = 1_000_000;
    const c1 = new RedisTokenCache({ redis: r1, now: () => now });
    const c2 = new RedisTokenCache({ redis: r2 });
    expect(await c1.set(TENANT_TOKEN_KEY, 't-abc', now + 60_000, { namespace: 'cli_a' })).toBe(true);
    expect(await c2.get(TENANT_TOKEN_KEY, { namespace: 'cli_a' })).toBe('t-abc');
    const ttl = await r1.pttl(c1.keyOf(TENANT_TOKEN_KEY, 'cli_a'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // another app id does not see it (and, being a miss on the token key, takes the fetch lock)
    expect(await c2.get(TENANT_TOKEN_KEY, { namespace: 'cli_b' })).toBeUndefined();
  });

  it('does not store an already expired value, and round-trips plain string keys and objects', async () => {
    const c = new RedisTokenCache({ redis: r1, now: () => 5_000 });
    await c.set('k', { a: 1 }, 4_000, { namespace: 'n' });
    expect(await c.get('k', { namespace: 'n' })).toBeUndefined();
    await c.set('k', { a: 1 }, undefined, { namespace: 'n' });
    expect(await c.get('k', { namespace: 'n' })).toEqual({ a: 1 });
  });

  it('evicts unconditionally, or only while the stale token is still the cached one', async () => {
    const c = new RedisTokenCache({ redis: r1 });
    await c.set(TENANT_TOKEN_KEY, 't-new', Date.now() + 60_000, { namespace: 'cli_a' });
    expect(await c.evict('cli_a', 't-old')).toBe(false);
    expect(await r1.exists(c.keyOf(TENANT_TOKEN_KEY, 'cli_a'))).toBe(1);
    expect(await c.evict('cli_a', 't-new')).toBe(true);
    expect(await r1.exists(c.keyOf(TENANT_TOKEN_KEY, 'cli_a'))).toBe(0);
    await c.set(TENANT_TOKEN_KEY, 't-x', Date.now() + 60_000, { namespace: 'cli_a' });
    expect(await c.evict('cli_a')).toBe(true);
    expect(await c.get(TENANT_TOKEN_KEY, { namespace: 'cli_a' })).toBeUndefined();
  });

  it('lets only one of several concurrent misses fetch; the others receive the token it stores', async () => {
    const c1 = new RedisTokenCache({ redis: r1, pollMs: 10, lockWaitMs: 5_000 });
    const c2 = new RedisTokenCache({ redis: r2, pollMs: 10, lockWaitMs: 5_000 });
    const pending = [
      c1.get(TENANT_TOKEN_KEY, { namespace: 'cli_a' }),
      c2.get(TENANT_TOKEN_KEY, { namespace: 'cli_a' }),
      c2.get(TENANT_TOKEN_KEY, { namespace: 'cli_a' }),
    ];
    // the lock holder is told "missing" at once; the others keep polling until a token appears
    const first = await Promise.race(pending);
    expect(first).toBeUndefined();
    await c1.set(TENANT_TOKEN_KEY, 't-fresh', Date.now() + 60_000, { namespace: 'cli_a' });
    const all = await Promise.all(pending);
    expect(all.filter((v) => v === undefined)).toHaveLength(1);
    expect(all.filter((v) => v === 't-fresh')).toHaveLength(2);
    // set() released the fetch lock
    expect(await r1.exists(`${c1.keyOf(TENANT_TOKEN_KEY, 'cli_a')}:lock`)).toBe(0);
  });
});
