// Exactly-once effects for at-least-once deliveries. A delivery claims its id with one `SET … NX GET`; the
// winner runs the handler; on success the id is marked done for 24 h (Feishu re-pushes span about 7 h)
// together with the answer, so that a duplicate gets the same answer; on failure the claim is released so
// that the next delivery (Feishu's re-push, or the durable job the edge recorded) can complete the work.
//
// A claim is a LEASE, never a lock that outlives its holder: it is set for LEASE_MS and renewed every
// RENEW_MS while the handler runs (`hold`). An instance that is killed mid-handler, or that loses Redis, stops
// renewing and its claim is gone within LEASE_MS — well before Feishu's first re-push (15 s, reference §2.6).
// Release and renew compare the owner, so a late release never deletes a claim another instance took over.
//
// The id is the message_id for messages (Feishu: "dedupe on message_id"; a re-push of the same event carries
// the same message_id, and so does a message re-sent under a new event_id), the event_id for everything else.
// One key per delivery keeps the hot path at one awaited Redis command (requires Redis ≥ 7.0 for NX+GET).
import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

const DONE_TTL_S = 24 * 3600;
/**
 * Card callbacks are not re-pushed by Feishu (reference §3.2); a stored answer only serves a duplicate that
 * arrives while the first is being answered, so it is kept a minute, not a day, and compressed (answers are
 * cards: ~5 KB of JSON, ~1.5 KB stored; level 1, the fastest deflate: 30–40 µs for a 2 KB card here).
 */
export const CALLBACK_DONE_TTL_S = 60;
/** Answers longer than this are stored deflated (base64), marked by ZIPPED after DONE. */
const COMPRESS_ABOVE = 256;
const ZIPPED = 'z:';
/** A done claim whose answer is stored under another key (see done's shareKey). */
const SHARED = '@';
/** How long a claim lives without renewal. Must stay well below Feishu's first re-push (15 s). */
export const LEASE_MS = 6000;
/** How often a held claim is renewed. */
export const RENEW_MS = 2000;
const RUNNING = 'running:';
const DONE = 'done:';

export type Claim = { kind: 'claimed'; key: string } | { kind: 'done'; answer: string | null } | { kind: 'running' };

// KEYS[1] = claim key, ARGV[1] = owner value, ARGV[2] = lease ms. Renews only our own claim.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
// KEYS[1] = claim key, ARGV[1] = owner value. Deletes only our own claim.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** A held claim: renewed until stopped. `lost` is set when a renewal found the claim no longer ours. */
export interface Hold {
  stop(): void;
  readonly lost: boolean;
}

/** The answer of a "done:…" value: null when none was stored. */
function decode(v: string): string | null {
  const a = v.slice(DONE.length);
  if (a === '') return null;
  return a.startsWith(ZIPPED) ? inflateRawSync(Buffer.from(a.slice(ZIPPED.length), 'base64')).toString('utf8') : a;
}

export class Deduper {
  /** This process's owner value: a claim names who holds it. */
  private readonly owner = RUNNING + randomBytes(8).toString('hex');
  private readonly leaseMs: number;
  private readonly renewMs: number;

  constructor(
    private readonly redis: Redis,
    o: { leaseMs?: number; renewMs?: number } = {},
  ) {
    this.leaseMs = o.leaseMs ?? LEASE_MS;
    this.renewMs = o.renewMs ?? RENEW_MS;
  }

  static key(eventId: string, messageId?: string): string {
    return messageId ? `${KEY_PREFIX}dedupe:msg:${messageId}` : `${KEY_PREFIX}dedupe:evt:${eventId}`;
  }

  async claim(key: string): Promise<Claim> {
    const old = (await this.redis.call('SET', key, this.owner, 'PX', this.leaseMs, 'NX', 'GET')) as string | null;
    if (old === null) return { kind: 'claimed', key };
    if (old.startsWith(DONE)) return { kind: 'done', answer: await this.resolve(old) };
    return { kind: 'running' };
  }

  /** Keeps a claim alive while its handler runs. Renewal errors (Redis down) are left to the lease to resolve. */
  hold(key: string): Hold {
    let lost = false;
    const timer = setInterval(() => {
      this.redis.eval(RENEW, 1, key, this.owner, this.leaseMs).then(
        (r) => {
          if (r === 0) lost = true;
        },
        () => undefined,
      );
    }, this.renewMs);
    timer.unref();
    return {
      stop: () => clearInterval(timer),
      get lost() {
        return lost;
      },
    };
  }

  /**
   * Marks a claim done, with the answer a duplicate gets. `shareKey`: the answer is stored once under that key
   * (the latest answer for one card and one person) and the claim only points to it: a duplicate of an older
   * click then gets the card as it is now, which is what the person sees anyway, and a walk of 17 clicks keeps
   * one stored card instead of 17.
   */
  async done(key: string, answer: string | null, ttlS = DONE_TTL_S, shareKey?: string): Promise<void> {
    const stored = answer && answer.length > COMPRESS_ABOVE ? ZIPPED + deflateRawSync(answer, { level: 1 }).toString('base64') : (answer ?? '');
    if (shareKey && stored) {
      await this.redis.multi().set(shareKey, stored, 'EX', ttlS).set(key, DONE + SHARED + shareKey, 'EX', ttlS).exec();
      return;
    }
    await this.redis.set(key, DONE + stored, 'EX', ttlS);
  }

  /** Follows a shared answer's pointer. */
  private async resolve(v: string): Promise<string | null> {
    const a = v.slice(DONE.length);
    if (!a.startsWith(SHARED)) return decode(v);
    const shared = await this.redis.get(a.slice(SHARED.length));
    return shared === null ? null : decode(DONE + shared);
  }

  /** Gives the claim back (only if it is still ours), so that the next delivery can do the work. */
  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, key, this.owner);
  }

  /** Waits (briefly) for a running duplicate to finish, so that it can be answered the same way. */
  async awaitDone(key: string, timeoutMs: number): Promise<string | null | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const v = await this.redis.get(key);
      if (v?.startsWith(DONE)) return this.resolve(v);
      if (v === null) return undefined;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  }
}
