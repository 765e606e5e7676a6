// Versioned JSON state written with compare-and-set. Each value is a hash {rev, data}; a write names the
// revision it read, and fails (returns false) when someone else wrote in between. Works across instances.
import type { Redis } from 'ioredis';
import type { z } from 'zod';

// KEYS[1] key. ARGV: expected rev ('' = must not exist), new rev, data, ttl ms.
const CAS_LUA = `
local cur = redis.call('HGET', KEYS[1], 'rev')
if (cur == false and ARGV[1] == '') or (cur ~= false and cur == ARGV[1]) then
  redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'data', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0
`;

export interface Versioned<T> {
  rev: number;
  value: T;
}

type CasRedis = Redis & { shuzhiCas(...a: (string | number)[]): Promise<number> };

export class VersionedStore<T> {
  private readonly redis: CasRedis;
  constructor(
    redis: Redis,
    private readonly schema: z.ZodType<T>,
    private readonly ttlMs: number,
  ) {
    if (!('shuzhiCas' in redis)) redis.defineCommand('shuzhiCas', { numberOfKeys: 1, lua: CAS_LUA });
    this.redis = redis as CasRedis;
  }

  /** Reads and validates. An unreadable or unknown-version value reads as absent (never a throw). */
  async get(key: string): Promise<(Versioned<T> & { invalid?: false }) | { invalid: true; rev: number } | null> {
    const [rev, data] = await this.redis.hmget(key, 'rev', 'data');
    if (rev == null || data == null) return null;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return { invalid: true, rev: Number(rev) };
    }
    const r = this.schema.safeParse(json);
    if (!r.success) return { invalid: true, rev: Number(rev) };
    return { rev: Number(rev), value: r.data };
  }

  /**
   * Writes `value` as revision `newRev` when the stored revision is still `expectedRev` (null: the key must not
   * exist). Returns false when someone else wrote in between. The TTL restarts with every write.
   */
  async cas(key: string, expectedRev: number | null, value: T, newRev: number): Promise<boolean> {
    const ok = await this.redis.shuzhiCas(key, expectedRev === null ? '' : String(expectedRev), String(newRev), JSON.stringify(value), this.ttlMs);
    return ok === 1;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }
}
