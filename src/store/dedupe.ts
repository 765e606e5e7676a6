// Exactly-once effects for at-least-once deliveries. A delivery claims its ids (event_id, and message_id for
// messages) with SET NX; the winner runs the handler; on success the ids are marked done for 24 h (Feishu
// re-pushes span about 7 h) together with the answer, so that a duplicate gets the same answer; on failure the
// claim is released so that Feishu's re-push can complete the work.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

const DONE_TTL_S = 24 * 3600;
/** How long a claim may stay "running" before another delivery may take over (a crashed instance). */
const CLAIM_TTL_S = 60;

export type Claim =
  | { kind: 'claimed'; keys: string[] }
  | { kind: 'done'; answer: string | null }
  | { kind: 'running' };

// KEYS: the dedupe keys. ARGV[1]: claim ttl. Returns {status, answer}: status 1 claimed, 2 done, 3 running.
const CLAIM_LUA = `
for i = 1, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then
    if string.sub(v, 1, 5) == 'done:' then return {2, string.sub(v, 6)} end
    return {3, ''}
  end
end
for i = 1, #KEYS do redis.call('SET', KEYS[i], 'running', 'EX', ARGV[1]) end
return {1, ''}
`;

export class Deduper {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('shuzhiClaim', { lua: CLAIM_LUA });
  }

  static keys(eventId: string, messageId?: string): string[] {
    const keys = [`${KEY_PREFIX}dedupe:evt:${eventId}`];
    if (messageId) keys.push(`${KEY_PREFIX}dedupe:msg:${messageId}`);
    return keys;
  }

  async claim(keys: string[]): Promise<Claim> {
    const r = (await (this.redis as unknown as { shuzhiClaim(n: number, ...a: (string | number)[]): Promise<[number, string]> }).shuzhiClaim(
      keys.length,
      ...keys,
      CLAIM_TTL_S,
    )) as [number, string];
    if (r[0] === 1) return { kind: 'claimed', keys };
    if (r[0] === 2) return { kind: 'done', answer: r[1] === '' ? null : r[1] };
    return { kind: 'running' };
  }

  async done(keys: string[], answer: string | null): Promise<void> {
    const m = this.redis.multi();
    for (const k of keys) m.set(k, `done:${answer ?? ''}`, 'EX', DONE_TTL_S);
    await m.exec();
  }

  async release(keys: string[]): Promise<void> {
    await this.redis.del(...keys);
  }

  /** Waits (briefly) for a running duplicate to finish, so that it can be answered the same way. */
  async awaitDone(keys: string[], timeoutMs: number): Promise<string | null | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const v = await this.redis.get(keys[0]!);
      if (v?.startsWith('done:')) return v.slice(5) === '' ? null : v.slice(5);
      if (v === null) return undefined;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  }
}
