// Deadlines in Redis: one per group chat, versioned JSON written with compare-and-set, with its nudge plan;
// an index of active deadlines (for reconcile after a restart); the per-deadline "不再提醒" set; the "sent"
// markers that make every nudge go out at most once across instances and retries; the group's roster (who is
// not counted, kept from one deadline to the next); and settings waiting for an admin's confirmation.
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
  /** Unused since the group's roster (RosterStore) holds the exclusions; read for the roster's first version. */
  excluded: z.array(z.string().max(128)).max(1000).default([]),
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

/** Who a group does not count (kept per group, carried to its next deadline). */
export const rosterSchema = z.object({
  v: z.literal(1),
  /** Not expected, not reminded. */
  excluded: z.array(z.string().max(128)).max(1000),
  /**
   * Included on purpose (恢复 @某某, or an admin who ticked "将本人纳入统计"): the admin who sets a deadline is
   * excluded by default, unless listed here.
   */
  included: z.array(z.string().max(128)).max(1000),
});
export type Roster = z.infer<typeof rosterSchema>;

export const EMPTY_ROSTER: Roster = { v: 1, excluded: [], included: [] };

/** The roster of each group chat, versioned (its revision goes into the form, which expires when it changes). */
export class RosterStore {
  private readonly store: VersionedStore<Roster>;
  constructor(redis: Redis) {
    this.store = new VersionedStore(redis, rosterSchema, DEADLINE_TTL_MS);
  }

  static key(chatId: string): string {
    return `${KEY_PREFIX}dl:roster:${chatId}`;
  }

  /** The roster and its revision; -1 when the group has none yet (or an unreadable one, which is replaced). */
  async get(chatId: string): Promise<{ roster: Roster; rev: number; stored: number | null }> {
    const r = await this.store.get(RosterStore.key(chatId));
    if (!r) return { roster: EMPTY_ROSTER, rev: -1, stored: null };
    if ('invalid' in r && r.invalid) return { roster: EMPTY_ROSTER, rev: -1, stored: r.rev };
    return { roster: (r as { value: Roster }).value, rev: r.rev, stored: r.rev };
  }

  /** Applies `change` with compare-and-set, retried; the new roster and revision, or null after contention. */
  async update(chatId: string, change: (r: Roster) => Roster): Promise<{ roster: Roster; rev: number } | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.get(chatId);
      const next = normalizeRoster(change(cur.roster));
      const rev = (cur.stored ?? -1) + 1;
      if (await this.store.cas(RosterStore.key(chatId), cur.stored, next, rev)) return { roster: next, rev };
    }
    return null;
  }
}

export function normalizeRoster(r: Roster): Roster {
  const excluded = [...new Set(r.excluded.filter(Boolean))].slice(0, 1000);
  const ex = new Set(excluded);
  const included = [...new Set(r.included.filter((id) => id && !ex.has(id)))].slice(0, 1000);
  return { v: 1, excluded, included };
}

/** Settings of a deadline less than 24 hours away, waiting for an admin's 确认发布 (a day at most). */
export const pendingSchema = z.object({
  v: z.literal(1),
  chatId: z.string().min(1).max(128),
  tenantKey: z.string().max(128),
  /** Who asked: the setter of a new deadline (any admin may confirm). */
  by: z.string().min(1).max(128),
  /** The deadline's stored revision when the settings were made (-1: none): a change since voids them. */
  rev: z.number().int().min(-1),
  settings: z.object({
    title: z.string().max(60).optional(),
    due: z.number(),
    offsets: z.array(z.number().int().min(0).max(60)).max(10).optional(),
    workdaysOnly: z.boolean().optional(),
    mention: z.boolean().optional(),
    private: z.boolean().optional(),
  }),
  /**
   * The deadline revision this confirmation wrote. The pending is kept after it is applied, so that a second
   * 确认发布 (the first answer was lost or slow, or the same click came twice) answers as the first did.
   */
  applied: z.number().int().min(0).optional(),
  /** What the form asked for the roster (feature.ts RosterIntent); absent: the default. */
  intent: z
    .object({
      self: z.enum(['include', 'exclude', 'default']),
      shown: z.array(z.string().max(128)).max(1000).optional(),
      selected: z.array(z.string().max(128)).max(1000).optional(),
    })
    .optional(),
});
export type Pending = z.infer<typeof pendingSchema>;

const PENDING_TTL_S = 24 * 3600;

export class PendingStore {
  constructor(private readonly redis: Redis) {}

  private static key(id: string): string {
    return `${KEY_PREFIX}dl:pending:${id}`;
  }

  async put(id: string, p: Pending): Promise<void> {
    await this.redis.set(PendingStore.key(id), JSON.stringify(p), 'EX', PENDING_TTL_S);
  }

  async get(id: string): Promise<Pending | null> {
    const raw = await this.redis.get(PendingStore.key(id));
    if (!raw) return null;
    try {
      const r = pendingSchema.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(PendingStore.key(id));
  }
}
