// Deadlines in Redis: one per group chat, versioned JSON written with compare-and-set, with its nudge plan;
// an index of active deadlines (for reconcile after a restart); the per-deadline "不再提醒" set; and the
// "sent" markers that make every nudge go out at most once across instances and retries.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { KEY_PREFIX } from '../store/redis.ts';
import { VersionedStore } from '../store/versioned.ts';

export const DEADLINE_TTL_MS = 400 * 24 * 3600 * 1000;
const MARK_TTL_S = 90 * 24 * 3600;

const plannedSchema = z.object({
  id: z.string().min(1).max(32),
  kind: z.enum(['nudge', 'summary']),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  at: z.number(),
  offsets: z.array(z.number().int().min(0)).max(20),
});

export const deadlineSchema = z.object({
  v: z.literal(1),
  /** New for every deadline set after none (or a cancelled one); kept when the deadline is modified. */
  id: z.string().min(1).max(32),
  tenantKey: z.string().max(128),
  chatId: z.string().min(1).max(128),
  title: z.string().min(1).max(60),
  year: z.number().int().min(2000).max(2100),
  due: z.number(),
  offsets: z.array(z.number().int().min(0).max(60)).max(10),
  workdaysOnly: z.boolean(),
  /** Group nudges @ the people still missing. */
  mention: z.boolean(),
  /** Missing people also get a private nudge. */
  private: z.boolean(),
  /** Open ids an admin excluded (not expected, not reminded). */
  excluded: z.array(z.string().max(128)).max(1000),
  setBy: z.string().min(1).max(128),
  createdAt: z.number(),
  updatedAt: z.number(),
  rev: z.number().int().min(0),
  state: z.enum(['active', 'closed', 'cancelled']),
  plan: z.array(plannedSchema).max(20),
});
export type Deadline = z.infer<typeof deadlineSchema>;

export type ClaimResult = 'claimed' | 'sent' | 'busy';

// KEYS[1] marker. ARGV[1] token. Deletes the marker only if it is still our lease.
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
type ReleaseRedis = Redis & { shuzhiDlRelease(key: string, token: string): Promise<number> };

export class DeadlineStore {
  private readonly store: VersionedStore<Deadline>;
  private readonly redis: ReleaseRedis;
  constructor(redis: Redis) {
    this.store = new VersionedStore(redis, deadlineSchema, DEADLINE_TTL_MS);
    if (!('shuzhiDlRelease' in redis)) redis.defineCommand('shuzhiDlRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    this.redis = redis as ReleaseRedis;
  }

  static key(chatId: string): string {
    return `${KEY_PREFIX}dl:chat:${chatId}`;
  }
  static readonly activeKey = `${KEY_PREFIX}dl:active`;
  private static mutedKey(deadlineId: string): string {
    return `${KEY_PREFIX}dl:muted:${deadlineId}`;
  }
  private static markKey(deadlineId: string, step: string): string {
    return `${KEY_PREFIX}dl:sent:${deadlineId}:${step}`;
  }

  /** The chat's deadline (any state); an unreadable one reads as none. */
  async get(chatId: string): Promise<Deadline | null> {
    const r = await this.store.get(DeadlineStore.key(chatId));
    if (!r || ('invalid' in r && r.invalid)) return null;
    return (r as { value: Deadline }).value;
  }

  /** The revision stored under the chat's key, readable or not (for replacing an unreadable record). */
  async storedRev(chatId: string): Promise<number | null> {
    const r = await this.store.get(DeadlineStore.key(chatId));
    return r ? r.rev : null;
  }

  /** Writes `next` (whose rev must be expectedRev + 1, or 0 for a new key) if nobody wrote in between. */
  async save(expectedRev: number | null, next: Deadline): Promise<boolean> {
    const ok = await this.store.cas(DeadlineStore.key(next.chatId), expectedRev, next, next.rev);
    if (!ok) return false;
    if (next.state === 'active') await this.redis.sadd(DeadlineStore.activeKey, next.chatId);
    else await this.redis.srem(DeadlineStore.activeKey, next.chatId);
    return true;
  }

  async activeChats(): Promise<string[]> {
    return this.redis.smembers(DeadlineStore.activeKey);
  }

  async mute(deadlineId: string, openId: string): Promise<void> {
    const k = DeadlineStore.mutedKey(deadlineId);
    await this.redis.multi().sadd(k, openId).expire(k, MARK_TTL_S).exec();
  }

  async muted(deadlineId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(DeadlineStore.mutedKey(deadlineId)));
  }

  /**
   * Takes the right to send step `step` of a deadline: SET NX of a lease that expires after `leaseMs` (so a
   * worker that died mid-send does not block the step for ever). 'sent' when it already went out, 'busy' when
   * another worker holds the lease now.
   */
  async claim(deadlineId: string, step: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const k = DeadlineStore.markKey(deadlineId, step);
    const ok = await this.redis.set(k, `lease:${token}`, 'PX', leaseMs, 'NX');
    if (ok === 'OK') return 'claimed';
    return (await this.redis.get(k)) === 'sent' ? 'sent' : 'busy';
  }

  /** Milliseconds left on a step's lease; -1 when there is none (sent, or no marker). */
  async leaseLeftMs(deadlineId: string, step: string): Promise<number> {
    const k = DeadlineStore.markKey(deadlineId, step);
    const [v, ttl] = await Promise.all([this.redis.get(k), this.redis.pttl(k)]);
    return v?.startsWith('lease:') && ttl >= 0 ? ttl : -1;
  }

  async markSent(deadlineId: string, step: string): Promise<void> {
    await this.redis.set(DeadlineStore.markKey(deadlineId, step), 'sent', 'EX', MARK_TTL_S);
  }

  async release(deadlineId: string, step: string, token: string): Promise<void> {
    await this.redis.shuzhiDlRelease(DeadlineStore.markKey(deadlineId, step), `lease:${token}`);
  }

  async isSent(deadlineId: string, step: string): Promise<boolean> {
    return (await this.redis.get(DeadlineStore.markKey(deadlineId, step))) === 'sent';
  }
}
