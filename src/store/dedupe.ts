// Exactly-once effects for at-least-once deliveries. A delivery claims its id with one `SET … NX GET`; the
// winner runs the handler; on success the id is marked done for 24 h (Feishu re-pushes span about 7 h)
// together with the answer, so that a duplicate gets the same answer; on failure the claim is released so
// that Feishu's re-push can complete the work.
//
// The id is the message_id for messages (Feishu: "dedupe on message_id"; a re-push of the same event carries
// the same message_id, and so does a message re-sent under a new event_id), the event_id for everything else.
// One key per delivery keeps the hot path at one awaited Redis command (requires Redis ≥ 7.0 for NX+GET).
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

const DONE_TTL_S = 24 * 3600;
/**
 * Card callbacks are not re-pushed by Feishu (reference §3.2); a stored answer only serves a duplicate that
 * arrives while the first is being answered, so it is kept minutes, not a day (answers are cards: ~5 KB each).
 */
export const CALLBACK_DONE_TTL_S = 10 * 60;
/** How long a claim may stay "running" before another delivery may take over (a crashed instance). */
const CLAIM_TTL_S = 60;
const RUNNING = 'running';
const DONE = 'done:';

export type Claim = { kind: 'claimed'; key: string } | { kind: 'done'; answer: string | null } | { kind: 'running' };

export class Deduper {
  constructor(private readonly redis: Redis) {}

  static key(eventId: string, messageId?: string): string {
    return messageId ? `${KEY_PREFIX}dedupe:msg:${messageId}` : `${KEY_PREFIX}dedupe:evt:${eventId}`;
  }

  async claim(key: string): Promise<Claim> {
    const old = (await this.redis.call('SET', key, RUNNING, 'EX', CLAIM_TTL_S, 'NX', 'GET')) as string | null;
    if (old === null) return { kind: 'claimed', key };
    if (old.startsWith(DONE)) return { kind: 'done', answer: old.length === DONE.length ? null : old.slice(DONE.length) };
    return { kind: 'running' };
  }

  async done(key: string, answer: string | null, ttlS = DONE_TTL_S): Promise<void> {
    await this.redis.set(key, DONE + (answer ?? ''), 'EX', ttlS);
  }

  async release(key: string): Promise<void> {
    await this.redis.del(key);
  }

  /** Waits (briefly) for a running duplicate to finish, so that it can be answered the same way. */
  async awaitDone(key: string, timeoutMs: number): Promise<string | null | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const v = await this.redis.get(key);
      if (v?.startsWith(DONE)) return v.length === DONE.length ? null : v.slice(DONE.length);
      if (v === null) return undefined;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  }
}
