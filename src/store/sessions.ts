// Report sessions in Redis: one per (tenant, user, year), versioned JSON written with compare-and-set on the
// session's own `rev`, kept 120 days after the last change. Card buttons carry the session id, which maps
// to the session's key; a per-user pointer remembers the most recent session, so that "继续" resumes it.
import type { Redis } from 'ioredis';
import { type Session, sessionSchema } from '../report/walkthrough.ts';
import { KEY_PREFIX } from './redis.ts';
import { VersionedStore } from './versioned.ts';

export const SESSION_TTL_MS = 120 * 24 * 3600 * 1000;

export type Loaded = { key: string; session: Session } | { key: string; invalid: true; rev: number } | null;

export class SessionStore {
  private readonly store: VersionedStore<Session>;
  constructor(private readonly redis: Redis) {
    this.store = new VersionedStore(redis, sessionSchema, SESSION_TTL_MS);
  }

  static key(tenantKey: string, openId: string, year: number): string {
    return `${KEY_PREFIX}report:${tenantKey || '-'}:${openId}:${year}`;
  }
  private static idKey(id: string): string {
    return `${KEY_PREFIX}report:id:${id}`;
  }
  private static currentKey(tenantKey: string, openId: string): string {
    return `${KEY_PREFIX}report:current:${tenantKey || '-'}:${openId}`;
  }

  async load(key: string): Promise<Loaded> {
    const r = await this.store.get(key);
    if (!r) return null;
    if ('invalid' in r && r.invalid) return { key, invalid: true, rev: r.rev };
    return { key, session: (r as { value: Session }).value };
  }

  async byId(id: string): Promise<Loaded> {
    const key = await this.redis.get(SessionStore.idKey(id));
    return key ? this.load(key) : null;
  }

  /** The user's most recent session (the one "继续" resumes). */
  async current(tenantKey: string, openId: string): Promise<Loaded> {
    const key = await this.redis.get(SessionStore.currentKey(tenantKey, openId));
    return key ? this.load(key) : null;
  }

  async forYear(tenantKey: string, openId: string, year: number): Promise<Loaded> {
    return this.load(SessionStore.key(tenantKey, openId, year));
  }

  /** Creates a session; false when one already exists under its key (another click won the race). */
  async create(s: Session, replaceInvalidRev?: number): Promise<boolean> {
    const key = SessionStore.key(s.tenantKey, s.openId, s.year);
    const ok = await this.store.cas(key, replaceInvalidRev ?? null, s, s.rev);
    if (ok) await this.index(key, s);
    return ok;
  }

  /** Saves `next` if the stored session is still at `expectedRev`. Moves the session when its year changed. */
  async save(key: string, expectedRev: number, next: Session): Promise<boolean> {
    const nextKey = SessionStore.key(next.tenantKey, next.openId, next.year);
    if (nextKey === key) {
      const ok = await this.store.cas(key, expectedRev, next, next.rev);
      if (ok) await this.index(key, next);
      return ok;
    }
    // The year was changed on the setup card: the report now lives under the other year's key.
    const created = await this.store.cas(nextKey, null, next, next.rev);
    if (!created) return false;
    await this.store.delete(key);
    await this.index(nextKey, next);
    return true;
  }

  private async index(key: string, s: Session): Promise<void> {
    const ttl = Math.ceil(SESSION_TTL_MS / 1000);
    await this.redis
      .multi()
      .set(SessionStore.idKey(s.id), key, 'EX', ttl)
      .set(SessionStore.currentKey(s.tenantKey, s.openId), key, 'EX', ttl)
      .exec();
  }
}
