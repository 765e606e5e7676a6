// The activity log in Redis, per organization (its secretary: tenant + open_id). Survives restarts; every
// instance shares it. Per owner:
//   shuzhi:act:r:{tenant}:{openId}  hash  record id → record JSON (deleted records stay as tombstones, so a
//                                          re-delivered message never brings a deleted activity back)
//   shuzhi:act:d:{tenant}:{openId}  zset  live record ids scored by date (YYYYMMDD) for lists and years
//   shuzhi:act:c:{tenant}:{openId}  hash  settings: members (member count for 全体党员), remind ('off')
// and one set shuzhi:act:owners of every owner who logged something (the monthly reminder walks it).
// Writes are atomic Lua scripts: insert-if-absent, and compare-and-set on the record's rev.
import type { Redis } from 'ioredis';
import { type ActivityRecord, activityRecordSchema, type Owner } from '../activity/record.ts';
import { dateScore } from '../activity/dates.ts';
import { KEY_PREFIX } from './redis.ts';

// KEYS: records hash, date zset, owners set. ARGV: id, json, score, owner member.
const INSERT_LUA = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[4])
  return 1
end
return 0
`;

// KEYS: records hash, date zset. ARGV: id, expected rev, json, score ('' = remove from the zset).
// Returns 1 written, 0 missing, -1 stale rev.
const CAS_LUA = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
local rev = cjson.decode(cur)['rev']
if tostring(rev) ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] == '' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1]) end
return 1
`;

type ActRedis = Redis & {
  shuzhiActInsert(...a: (string | number)[]): Promise<number>;
  shuzhiActCas(...a: (string | number)[]): Promise<number>;
};

export type UpdateResult = { ok: true; record: ActivityRecord } | { ok: false; reason: 'missing' | 'conflict'; record?: ActivityRecord };

export interface ActivitySettings {
  memberCount?: number;
  remindOff: boolean;
}

const OWNERS_KEY = `${KEY_PREFIX}act:owners`;

function seg(s: string): string {
  return s === '' ? '-' : s;
}

export class ActivityStore {
  private readonly redis: ActRedis;
  constructor(redis: Redis) {
    if (!('shuzhiActInsert' in redis)) {
      redis.defineCommand('shuzhiActInsert', { numberOfKeys: 3, lua: INSERT_LUA });
      redis.defineCommand('shuzhiActCas', { numberOfKeys: 2, lua: CAS_LUA });
    }
    this.redis = redis as ActRedis;
  }

  private keys(o: Owner) {
    const base = `${KEY_PREFIX}act:%s:${seg(o.tenant)}:${o.openId}`;
    return { rec: base.replace('%s', 'r'), date: base.replace('%s', 'd'), cfg: base.replace('%s', 'c') };
  }

  private decode(json: string | null | undefined): ActivityRecord | null {
    if (!json) return null;
    try {
      const r = activityRecordSchema.safeParse(JSON.parse(json));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  /**
   * Saves records that do not exist yet (by id). Returns, in order, each record as stored: the new one, or the
   * one already there (a duplicate delivery), and whether anything was created.
   */
  async insertAll(o: Owner, records: ActivityRecord[]): Promise<{ records: ActivityRecord[]; created: boolean }> {
    const k = this.keys(o);
    let created = false;
    const out: ActivityRecord[] = [];
    for (const r of records) {
      const n = await this.redis.shuzhiActInsert(k.rec, k.date, OWNERS_KEY, r.id, JSON.stringify(r), dateScore(r.date), ownerMember(o));
      if (n === 1) {
        created = true;
        out.push(r);
      } else {
        const existing = await this.get(o, r.id);
        if (existing) out.push(existing);
      }
    }
    return { records: out, created };
  }

  async get(o: Owner, id: string): Promise<ActivityRecord | null> {
    return this.decode(await this.redis.hget(this.keys(o).rec, id));
  }

  async getMany(o: Owner, ids: string[]): Promise<ActivityRecord[]> {
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(this.keys(o).rec, ...ids);
    return raw.map((j) => this.decode(j)).filter((r): r is ActivityRecord => r !== null);
  }

  /**
   * Applies `change` to the record when its rev is still `expectedRev` (undefined: whatever it is now, retried
   * on a race). The change returns the new record (rev and updatedAt are set here).
   */
  async update(o: Owner, id: string, change: (r: ActivityRecord) => ActivityRecord, now: number, expectedRev?: number): Promise<UpdateResult> {
    const k = this.keys(o);
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.get(o, id);
      if (!cur) return { ok: false, reason: 'missing' };
      if (expectedRev !== undefined && cur.rev !== expectedRev) return { ok: false, reason: 'conflict', record: cur };
      const next = activityRecordSchema.parse({ ...change(cur), id: cur.id, rev: cur.rev + 1, updatedAt: now });
      const score = next.status === 'deleted' ? '' : String(dateScore(next.date));
      const n = await this.redis.shuzhiActCas(k.rec, k.date, id, String(cur.rev), JSON.stringify(next), score);
      if (n === 1) return { ok: true, record: next };
      if (n === 0) return { ok: false, reason: 'missing' };
      if (expectedRev !== undefined) return { ok: false, reason: 'conflict', record: (await this.get(o, id)) ?? undefined };
    }
    return { ok: false, reason: 'conflict', record: (await this.get(o, id)) ?? undefined };
  }

  /** Live records, newest date first. */
  async recent(o: Owner, offset: number, count: number): Promise<{ records: ActivityRecord[]; total: number }> {
    const k = this.keys(o);
    const [ids, total] = await Promise.all([this.redis.zrevrange(k.date, offset, offset + count - 1), this.redis.zcard(k.date)]);
    return { records: await this.getMany(o, ids), total };
  }

  /** Live records dated in `year`, oldest first. */
  async inYear(o: Owner, year: number): Promise<ActivityRecord[]> {
    const ids = await this.redis.zrangebyscore(this.keys(o).date, year * 10000 + 101, year * 10000 + 1231);
    return (await this.getMany(o, ids)).filter((r) => r.status !== 'deleted');
  }

  async settings(o: Owner): Promise<ActivitySettings> {
    const [members, remind] = await this.redis.hmget(this.keys(o).cfg, 'members', 'remind');
    const n = members ? Number(members) : Number.NaN;
    return { ...(Number.isInteger(n) && n > 0 ? { memberCount: n } : {}), remindOff: remind === 'off' };
  }

  async setMemberCount(o: Owner, n: number): Promise<void> {
    await this.redis.hset(this.keys(o).cfg, 'members', String(n));
  }

  async setRemind(o: Owner, on: boolean): Promise<void> {
    await this.redis.hset(this.keys(o).cfg, 'remind', on ? 'on' : 'off');
  }

  /** Every owner who ever logged an activity. */
  async owners(): Promise<Owner[]> {
    const out: Owner[] = [];
    let cursor = '0';
    do {
      const [next, members] = await this.redis.sscan(OWNERS_KEY, cursor, 'COUNT', 500);
      cursor = next;
      for (const m of members) {
        const o = parseOwner(m);
        if (o) out.push(o);
      }
    } while (cursor !== '0');
    return out;
  }
}

function ownerMember(o: Owner): string {
  return JSON.stringify([o.tenant, o.openId]);
}

function parseOwner(m: string): Owner | null {
  try {
    const v = JSON.parse(m) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return { tenant: v[0], openId: v[1] };
  } catch {
    // ignore a foreign member
  }
  return null;
}
