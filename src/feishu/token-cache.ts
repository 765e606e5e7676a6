// A Redis-backed implementation of the SDK `Cache` interface, so every bot instance shares one tenant token.
//
// The SDK (TokenManager.getCustomTenantAccessToken) stores the token with
//   cache.set(Symbol('tenant-access-token'), token, Date.now() + expire*1000 - 3min, { namespace: appId })
// and reads it with cache.get(Symbol('tenant-access-token'), { namespace: appId }). `expire` is an ABSOLUTE epoch
// in ms. The SDK exports that symbol as `CTenantAccessToken`; String(symbol) = 'Symbol(tenant-access-token)'.
//
// Single flight: when the tenant token is missing, the first caller (any instance) takes a short Redis lock and
// gets `undefined` (so the SDK fetches a token); the others poll for the value for up to `lockWaitMs` before
// giving up and fetching themselves. set() of the token releases the lock.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Redis } from 'ioredis';

export const TENANT_TOKEN_KEY: symbol = lark.CTenantAccessToken;

/** `string | Symbol`, as the SDK declares it. */
type CacheKey = Parameters<lark.Cache['get']>[0];
interface CacheOptions {
  namespace?: string;
}

export interface RedisTokenCacheOptions {
  redis: Redis;
  /** Key prefix. Default 'shuzhi:lark:'. */
  prefix?: string;
  /** How long the fetch lock lives and how long others wait for the fetcher. Default 3000 ms. */
  lockWaitMs?: number;
  /** Poll interval while waiting for another fetcher. Default 50 ms. */
  pollMs?: number;
  /** Clock used to turn the SDK's absolute expiry into a TTL. Default Date.now. */
  now?: () => number;
}

// Deletes KEYS[1] only if it still holds ARGV[1] (so a fresh token written by another instance survives).
const COMPARE_AND_DELETE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisTokenCache implements lark.Cache {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly lockWaitMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;

  constructor(opts: RedisTokenCacheOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? 'shuzhi:lark:';
    this.lockWaitMs = opts.lockWaitMs ?? 3000;
    this.pollMs = opts.pollMs ?? 50;
    this.now = opts.now ?? Date.now;
  }

  /** The Redis key a cache entry lives under. */
  keyOf(key: CacheKey, namespace?: string): string {
    return `${this.prefix}${namespace ?? 'default'}:${String(key)}`;
  }

  private lockKeyOf(namespace?: string): string {
    return `${this.keyOf(TENANT_TOKEN_KEY, namespace)}:lock`;
  }

  async set(key: CacheKey, value: unknown, expire?: number, options?: CacheOptions): Promise<boolean> {
    const redisKey = this.keyOf(key, options?.namespace);
    const payload = JSON.stringify(value ?? null);
    if (expire === undefined) {
      await this.redis.set(redisKey, payload);
    } else {
      const ttl = Math.floor(expire - this.now());
      if (ttl <= 0) await this.redis.del(redisKey);
      else await this.redis.set(redisKey, payload, 'PX', ttl);
    }
    if (key === TENANT_TOKEN_KEY) await this.redis.del(this.lockKeyOf(options?.namespace));
    return true;
  }

  async get(key: CacheKey, options?: CacheOptions): Promise<unknown> {
    const redisKey = this.keyOf(key, options?.namespace);
    const first = await this.read(redisKey);
    if (first !== undefined || key !== TENANT_TOKEN_KEY) return first;
    // Tenant token missing: only one caller fetches.
    const lockKey = this.lockKeyOf(options?.namespace);
    const got = await this.redis.set(lockKey, '1', 'PX', this.lockWaitMs, 'NX');
    if (got === 'OK') {
      // Double check: a fetcher may have stored the token (and unlocked) between our read and our lock.
      const again = await this.read(redisKey);
      if (again === undefined) return undefined;
      await this.redis.del(lockKey);
      return again;
    }
    const deadline = Date.now() + this.lockWaitMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      const v = await this.read(redisKey);
      if (v !== undefined) return v;
      if ((await this.redis.exists(lockKey)) === 0) {
        // The fetcher is done: either it stored the token (set() writes before unlocking) or it failed.
        return this.read(redisKey);
      }
    }
    return undefined;
  }

  private async read(redisKey: string): Promise<unknown> {
    const raw = await this.redis.get(redisKey);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  }

  /**
   * Removes the cached tenant token of `namespace` (the app id). With `onlyIfValue`, removes it only when it
   * still holds that (stale) token, so a fresh token another instance just fetched is kept.
   * Returns true when a key was deleted.
   */
  async evict(namespace: string, onlyIfValue?: string): Promise<boolean> {
    const redisKey = this.keyOf(TENANT_TOKEN_KEY, namespace);
    if (onlyIfValue === undefined) return (await this.redis.del(redisKey)) > 0;
    const n = await this.redis.eval(COMPARE_AND_DELETE, 1, redisKey, JSON.stringify(onlyIfValue));
    return Number(n) > 0;
  }
}
