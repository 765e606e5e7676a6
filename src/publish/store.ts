// Redis state of publishing. Keys (prefix shuzhi:pub:):
//   state:{sid}:{rev}     hash: one publish (a session revision): status, round, tries, the session snapshot,
//                         the result message id, the document link
//   latest:{report}       the publish id most recently requested for a report (older jobs stand down)
//   doc:{report}          hash: the report's document id (regenerating reuses it), who was granted access
//   progress:{docId}      hash: which publish is writing the document, cleared?, next batch index
//   lock:{report}         one publish writes a report's document at a time
//   word:{sid}:{rev}      hash: the uploaded .docx file key, the click counter, an in-flight flag
// A report is (tenant, user, year): the yearly report, whatever session wrote it.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { type Session, sessionSchema } from '../report/walkthrough.ts';
import { KEY_PREFIX } from '../store/redis.ts';

const P = `${KEY_PREFIX}pub:`;
const DAY_S = 24 * 3600;
export const STATE_TTL_S = 120 * DAY_S;
/** Pending publishes by the time they were requested (the estimate on the 生成中 card). */
const QUEUE_KEY = `${P}queue`;
/** A pending publish older than this is no longer counted as ahead of anyone (a crash left it). */
const QUEUE_STALE_MS = 30 * 60_000;
export const DOC_TTL_S = 2 * 366 * DAY_S;
/** A publish holds the lock at most this long (a killed bot's lock expires by itself). */
export const LOCK_TTL_MS = 10 * 60 * 1000;

export type PublishStatus = 'pending' | 'done' | 'failed' | 'superseded';

export interface PublishState {
  sessionId: string;
  rev: number;
  status: PublishStatus;
  /** 0 for the first request, +1 for every 重试. */
  round: number;
  /** Job runs in this round. */
  tries: number;
  session: Session;
  /** The result message: the 生成中 card the user clicked (updated in place), or one sent when that fails. */
  messageId?: string;
  /** Kind of the card last sent as the result message ('done' | 'failed'). */
  sentKind?: string;
  documentId?: string;
  url?: string;
  reason?: string;
  at: number;
}

export function reportKey(s: Pick<Session, 'tenantKey' | 'openId' | 'year'>): string {
  return `${s.tenantKey || '-'}:${s.openId}:${s.year}`;
}

/** The id of one publish: the report id (session id) and the revision published. ≤ 76 characters. */
export function publishId(sessionId: string, rev: number): string {
  return `${sessionId}-r${rev}`;
}

/** A short deterministic id (message uuid ≤ 50 chars) from parts. */
export function shortId(prefix: string, ...parts: Array<string | number>): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32)}`;
}

const stateKey = (sid: string, rev: number) => `${P}state:${sid}:${rev}`;
const latestKey = (report: string) => `${P}latest:${report}`;
const docKey = (report: string) => `${P}doc:${report}`;
const progressKey = (documentId: string) => `${P}progress:${documentId}`;
const lockKey = (report: string) => `${P}lock:${report}`;
const wordKey = (sid: string, rev: number) => `${P}word:${sid}:${rev}`;

const RETRY_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'failed' then return -1 end
redis.call('HSET', KEYS[1], 'status', 'pending', 'tries', 0)
return redis.call('HINCRBY', KEYS[1], 'round', 1)
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const LOCK_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

const statusSchema = z.enum(['pending', 'done', 'failed', 'superseded']);

export interface DocRecord {
  documentId: string;
  /** open_id granted full_access. */
  granted?: string;
  title?: string;
  /** The publish that created the document. */
  createdBy?: string;
}

export interface Progress {
  publishId: string;
  cleared: boolean;
  next: number;
}

export class PublishStore {
  constructor(private readonly redis: Redis) {}

  /** Records a publish as pending. Returns how many publishes (of anyone's) are ahead of it in the queue. */
  async create(s: Session, now: number, clickedMessageId?: string): Promise<number> {
    const key = stateKey(s.id, s.rev);
    const id = publishId(s.id, s.rev);
    const res = await this.redis
      .multi()
      .hset(key, { status: 'pending', round: 0, tries: 0, session: JSON.stringify(s), at: now, ...(clickedMessageId ? { messageId: clickedMessageId } : {}) })
      .expire(key, STATE_TTL_S)
      .set(latestKey(reportKey(s)), id, 'EX', STATE_TTL_S)
      // The queue of pending publishes, for the 生成中 card's estimate; a member left by a crash ages out.
      .zremrangebyscore(QUEUE_KEY, 0, now - QUEUE_STALE_MS)
      .zadd(QUEUE_KEY, 'NX', now, id)
      .zrank(QUEUE_KEY, id)
      .exec();
    const rank = res?.at(-1)?.[1];
    return typeof rank === 'number' ? rank : 0;
  }

  async get(sid: string, rev: number): Promise<PublishState | null> {
    const h = await this.redis.hgetall(stateKey(sid, rev));
    const status = statusSchema.safeParse(h.status);
    if (!status.success || !h.session) return null;
    let session: Session;
    try {
      const r = sessionSchema.safeParse(JSON.parse(h.session));
      if (!r.success) return null;
      session = r.data;
    } catch {
      return null;
    }
    const st: PublishState = {
      sessionId: sid,
      rev,
      status: status.data,
      round: Number(h.round ?? 0),
      tries: Number(h.tries ?? 0),
      session,
      at: Number(h.at ?? 0),
    };
    if (h.messageId) st.messageId = h.messageId;
    if (h.sentKind) st.sentKind = h.sentKind;
    if (h.documentId) st.documentId = h.documentId;
    if (h.url) st.url = h.url;
    if (h.reason) st.reason = h.reason;
    return st;
  }

  async update(sid: string, rev: number, fields: Record<string, string | number>): Promise<void> {
    const status = fields.status;
    if (status === 'done' || status === 'failed' || status === 'superseded') {
      // Out of the queue: the publishes behind it move up.
      await this.redis.multi().hset(stateKey(sid, rev), fields).zrem(QUEUE_KEY, publishId(sid, rev)).exec();
      return;
    }
    await this.redis.hset(stateKey(sid, rev), fields);
  }

  async countTry(sid: string, rev: number): Promise<number> {
    return this.redis.hincrby(stateKey(sid, rev), 'tries', 1);
  }

  /** failed → pending, next round. Returns the new round, or null when the publish is not in 'failed'. */
  async retry(sid: string, rev: number): Promise<number | null> {
    const r = Number(await this.redis.eval(RETRY_SCRIPT, 1, stateKey(sid, rev)));
    return r < 0 ? null : r;
  }

  async latest(report: string): Promise<string | null> {
    return this.redis.get(latestKey(report));
  }

  /** Takes the report's lock for `pid` (re-entrant for the same publish, e.g. a job re-run after a crash). */
  async lock(report: string, pid: string): Promise<boolean> {
    return Number(await this.redis.eval(LOCK_SCRIPT, 1, lockKey(report), pid, LOCK_TTL_MS)) === 1;
  }

  async unlock(report: string, pid: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, lockKey(report), pid);
  }

  async doc(report: string): Promise<DocRecord | null> {
    const h = await this.redis.hgetall(docKey(report));
    if (!h.documentId) return null;
    return {
      documentId: h.documentId,
      ...(h.granted ? { granted: h.granted } : {}),
      ...(h.title ? { title: h.title } : {}),
      ...(h.createdBy ? { createdBy: h.createdBy } : {}),
    };
  }

  async setDoc(report: string, d: DocRecord): Promise<void> {
    const key = docKey(report);
    await this.redis.multi().hset(key, { ...d }).expire(key, DOC_TTL_S).exec();
  }

  async forgetDoc(report: string, documentId: string): Promise<void> {
    await this.redis.multi().del(docKey(report)).del(progressKey(documentId)).exec();
  }

  async progress(documentId: string): Promise<Progress | null> {
    const h = await this.redis.hgetall(progressKey(documentId));
    if (!h.publishId) return null;
    return { publishId: h.publishId, cleared: h.cleared === '1', next: Number(h.next ?? 0) };
  }

  async setProgress(documentId: string, p: Partial<Progress>): Promise<void> {
    const key = progressKey(documentId);
    const fields: Record<string, string | number> = {};
    if (p.publishId !== undefined) fields.publishId = p.publishId;
    if (p.cleared !== undefined) fields.cleared = p.cleared ? 1 : 0;
    if (p.next !== undefined) fields.next = p.next;
    await this.redis.multi().hset(key, fields).expire(key, DOC_TTL_S).exec();
  }

  // --- Word export -----------------------------------------------------------------------------------

  /** Marks a Word export in flight; returns its click number, or null when one is already in flight. */
  async startWord(sid: string, rev: number, ttlS = 300): Promise<number | null> {
    const key = wordKey(sid, rev);
    const ok = await this.redis.set(`${key}:busy`, '1', 'EX', ttlS, 'NX');
    if (ok !== 'OK') return null;
    const n = await this.redis.hincrby(key, 'clicks', 1);
    await this.redis.expire(key, STATE_TTL_S);
    return n;
  }

  async endWord(sid: string, rev: number): Promise<void> {
    await this.redis.del(`${wordKey(sid, rev)}:busy`);
  }

  async wordFile(sid: string, rev: number): Promise<string | null> {
    return this.redis.hget(wordKey(sid, rev), 'fileKey');
  }

  async setWordFile(sid: string, rev: number, fileKey: string): Promise<void> {
    await this.redis.hset(wordKey(sid, rev), 'fileKey', fileKey);
  }

  async countWordTry(sid: string, rev: number, n: number): Promise<number> {
    return this.redis.hincrby(wordKey(sid, rev), `tries:${n}`, 1);
  }
}
