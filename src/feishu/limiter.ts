// A rate limiter shared by every bot instance through Redis.
//
// Algorithm: sliding-window log, one sorted set per key, scores = Redis server time in microseconds (TIME), so
// all instances agree on the clock. One Lua script checks ALL keys and, only if every key has room, records the
// grant in every key: a multi-key acquire is atomic (no slot is taken when any key is full). Guarantee: for each
// key, any half-open interval [t, t + windowMs) of server time holds at most `limit` grants.
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface RateLimit {
  /** Logical key, e.g. 'app:msg' or 'chat:oc_123'; the limiter adds its prefix. */
  key: string;
  /** Grants allowed per window (≥ 1). */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Waits (never rejects for rate) until every key has room, then takes one slot in each, atomically. */
  acquire(keys: readonly RateLimit[]): Promise<void>;
  /** Takes one slot in each key if all have room and returns 0; otherwise takes nothing and returns the ms to wait. */
  tryAcquire(keys: readonly RateLimit[]): Promise<number>;
}

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** Default 'shuzhi:rl:'. */
  prefix?: string;
  sleep?: (ms: number) => Promise<void>;
  /** Random spread (ms) added to each wait so that waiting instances do not retry in lock-step. Default 5. */
  jitterMs?: number;
  random?: () => number;
}

// KEYS[i]: sorted sets. ARGV[1]: unique member. ARGV[2i], ARGV[2i+1]: limit, windowMs of KEYS[i].
// Returns {1, nowMicros} when granted, {0, waitMicros} when not.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local member = ARGV[1]
local wait = 0
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1]) * 1000
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local e = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(e[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return {0, wait} end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i + 1]) + 1000)
end
return {1, now}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export interface AcquireResult {
  granted: boolean;
  /** When granted: Redis server time of the grant in µs. Otherwise: µs to wait. */
  micros: number;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  readonly prefix: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly jitterMs: number;
  private readonly random: () => number;

  constructor(opts: RedisRateLimiterOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? 'shuzhi:rl:';
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.jitterMs = opts.jitterMs ?? 5;
    this.random = opts.random ?? Math.random;
  }

  /** One atomic check-and-take. Exposed for tests and diagnostics. */
  async attempt(keys: readonly RateLimit[]): Promise<AcquireResult> {
    const unique = dedupe(keys);
    if (unique.length === 0) return { granted: true, micros: 0 };
    const redisKeys = unique.map((k) => this.prefix + k.key);
    const args: (string | number)[] = [randomUUID()];
    for (const k of unique) args.push(k.limit, k.windowMs);
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(SCRIPT_SHA, redisKeys.length, ...redisKeys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      reply = await this.redis.eval(SCRIPT, redisKeys.length, ...redisKeys, ...args);
    }
    const [granted, micros] = reply as [number, number];
    return { granted: Number(granted) === 1, micros: Number(micros) };
  }

  async tryAcquire(keys: readonly RateLimit[]): Promise<number> {
    const r = await this.attempt(keys);
    return r.granted ? 0 : Math.max(1, Math.ceil(r.micros / 1000));
  }

  async acquire(keys: readonly RateLimit[]): Promise<void> {
    for (;;) {
      const waitMs = await this.tryAcquire(keys);
      if (waitMs === 0) return;
      await this.sleep(waitMs + Math.floor(this.random() * this.jitterMs));
    }
  }
}

function dedupe(keys: readonly RateLimit[]): RateLimit[] {
  const byKey = new Map<string, RateLimit>();
  for (const k of keys) {
    if (!Number.isInteger(k.limit) || k.limit < 1) throw new RangeError(`rate limit for ${k.key} must be an integer ≥ 1`);
    if (!Number.isInteger(k.windowMs) || k.windowMs <= 0) throw new RangeError(`window for ${k.key} must be an integer > 0 ms`);
    if (!byKey.has(k.key)) byKey.set(k.key, k);
  }
  return [...byKey.values()];
}
