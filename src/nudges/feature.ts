// Deadlines and nudges in group chats (issues 7 and 14).
//
// Commands (group, after @述职助手): 设置截止 / 修改截止 (card form), 截止 <日期> [时间] [名称], 取消截止, 进度,
// 排除 @某某 / 恢复 @某某, 截止帮助. Admins (group owner and managers) only, except 进度 and 截止帮助.
//
// Who is counted: the group's members minus its roster's exclusions (store.ts, RosterStore), kept per group and
// carried to its next deadline. The admin who sets a deadline is excluded by default; the form has a checkbox
// to include oneself, and 恢复 @某某 includes on purpose (remembered for later deadlines).
//
// Safe changes: a deadline less than 24 hours away (new or moved) and 取消截止 wait for an admin's confirmation
// on a card. The announcement of a set or changed deadline is always a new message at the bottom of the group;
// the form card becomes a short 已设置 note. A form carries the revisions of the deadline and of the roster it
// was rendered from: an older form answers with a toast and a fresh form.
//
// Scheduling: the nudge plan is computed purely (plan.ts) and stored with the deadline in Redis. Each planned
// nudge is one BullMQ delayed job whose id is derived from the deadline id and the nudge id, so enqueueing
// the same plan again is a no-op, and a changed plan removes exactly the jobs that left it and adds those that
// joined. The job re-reads the deadline when it runs: a job whose nudge is no longer planned does nothing.
// Every message a job sends is guarded by a Redis marker (SET NX lease, then "sent"), and carries a
// deterministic Feishu uuid, so two instances, a retried job or a worker killed mid-send never send it twice.
//
// Stale nudges: a nudge is never sent more than GRACE_MS after its planned moment, nor after the deadline. The
// summary after the deadline (group: 已截止 with counts; the setter: the collector's list) is sent once,
// however late. At start-up (and when the playground clock jumps) reconcile() makes the queue agree with the
// bot's clock: missing jobs are added, delayed ones re-timed, overdue ones run now (a late nudge then drops
// itself), so a bot that was down across a deadline sends exactly one summary and nothing stale.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  allDoneCard,
  collectorCard,
  confirmCancelCard,
  confirmSetCard,
  type DeadlineView,
  deadlineCard,
  deadlineFormCard,
  dlValueSchema,
  FORM_FIELDS,
  FORM_MAX_MEMBERS,
  groupNudgeCard,
  mutedCard,
  noteCard,
  type PersonLine,
  privateNudgeCard,
  progressCard,
  setNoteCard,
  summaryCard,
} from '../../cards/deadline.ts';
import type { CallbackAnswer } from '../feishu/edge.ts';
import { FeishuApiError, type FeishuPort } from '../feishu/port.ts';
import { type RateLimit, type RateLimiter, RedisRateLimiter } from '../feishu/limiter.ts';
import type { CardActionEvent, Feature, MessageEvent } from '../bot/feature.ts';
import type { Jobs } from '../jobs/queue.ts';
import { safeJobId } from '../jobs/queue.ts';
import { defaultReportYear } from '../report/walkthrough.ts';
import { chinaCalendar, type WorkCalendar } from './calendar.ts';
import { collectorCsv, safeFileName } from './csv.ts';
import { cleanTitle, DEFAULT_DUE_HOUR, DEFAULT_DUE_MINUTE, type DueError, dueError, parseCommand, parseHhmm, pickerDay } from './parse.ts';
import { DEFAULT_OFFSETS, MAX_OFFSET, type PlannedNudge, planNudges } from './plan.ts';
import { type Person, type Progress, progressOf, reportStatusSource, type StatusSource, statusText } from './progress.ts';
import { type Deadline, DeadlineStore, type Pending, PendingStore, type Roster, RosterStore } from './store.ts';
import { type DeadlineExample, DL_TEXT, deadlineExample } from './texts.ts';
import { daysBetween, dayOf, formatDay, formatDue, hhmm, localParts, zonedMs } from '../time.ts';

export const NUDGE_JOB = 'deadline.nudge';
export const EXPORT_JOB = 'deadline.export';
/** The announcement of a saved deadline revision, recorded before it is sent (see announce). */
export const ANNOUNCE_JOB = 'deadline.announce';
/** When the recorded announcement job runs: it sends only what the inline attempt did not. */
const ANNOUNCE_RETRY_MS = 15_000;
/** A nudge is never sent more than this long after its planned time (nor after the deadline). */
export const GRACE_MS = 2 * 3600_000;
/** A new or moved deadline closer than this asks for confirmation before it is announced. */
export const CONFIRM_WITHIN_MS = 24 * 3600_000;
/** A job that runs this much before its planned time (clock skew) fails and is retried. */
export const EARLY_MS = 5 * 60_000;
export const NUDGE_ATTEMPTS = 7;
/** Exponential backoff base: retries after 30 s, 1, 2, 4, 8, 16 min — the last about 31 min after the first try. */
export const NUDGE_BACKOFF_MS = 30_000;
/** A job that finds a step's lease this close to running out waits for it instead of failing. */
const BUSY_WAIT_MS = 5_000;

export interface DeadlineLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface DeadlineDeps {
  port: FeishuPort;
  redis: Redis;
  jobs: Jobs;
  logger: DeadlineLogger;
  tz: string;
  now?: () => number;
  /** The walk-through card to send privately for 开始/继续填写. */
  openWalkthrough: (tenantKey: string, openId: string) => Promise<object>;
  calendar?: WorkCalendar;
  /** Where each person stands; default: published mark (with its completeness), then walk-through session. */
  statusOf?: StatusSource;
  /** Limits the calls the port does not limit itself (chat members, chat info). Default: the shared Redis limiter. */
  limiter?: RateLimiter;
  /**
   * How long a send holds its marker before another worker may take over (a worker that died mid-send). The
   * Feishu uuid keeps a takeover during a slow but live send from posting twice. Default 30 s.
   */
  leaseMs?: number;
  /** When the recorded announcement job runs after a save (it sends what the save's own attempt did not). Default 15 s. */
  announceRetryMs?: number;
  newId?: () => string;
}

export interface NudgeJobData {
  /** chat id */
  c: string;
  /** deadline id */
  d: string;
  /** nudge id within the deadline's plan */
  n: string;
}

interface AnnounceJobData {
  /** chat id, deadline id, revision, whether it changed an active deadline */
  c: string;
  d: string;
  r: number;
  x: boolean;
}

interface ExportJobData {
  /** chat id, deadline id, the admin who asked, the click's event id */
  c: string;
  d: string;
  u: string;
  e: string;
}

export type NudgeOutcome = 'sent' | 'all-done' | 'summary' | 'nobody' | 'stale' | 'late';

export interface DeadlineSettings {
  title?: string;
  due?: number;
  offsets?: number[];
  workdaysOnly?: boolean;
  mention?: boolean;
  private?: boolean;
  /** Replaces the group's exclusions with exactly these (the setter's own status still follows `self`). */
  excluded?: string[];
}

/**
 * What a change does to the group's roster. `self` is about the admin making it: include / exclude them, or
 * 'default' (a new deadline excludes its setter unless they were included on purpose before). `selected` of
 * `shown` replaces the exclusions among the people a form listed.
 */
export interface RosterIntent {
  self: 'include' | 'exclude' | 'default';
  shown?: string[];
  selected?: string[];
}

export type UpsertResult =
  | { ok: true; deadline: Deadline; changed: boolean; roster: Roster }
  | { ok: false; reason: 'conflict' | 'bad-due' };

export interface DeadlineFeature {
  feature: Feature;
  /** Sets (or changes) the chat's deadline: the command path without the admin check and the confirmation. */
  upsert(a: {
    tenantKey: string;
    chatId: string;
    setBy: string;
    settings: DeadlineSettings;
    /** The stored revision the change was based on; -1 = "there was none"; undefined = whatever is there now. */
    expectedRev?: number;
    /** Default: { self: 'default' }. */
    roster?: RosterIntent;
  }): Promise<UpsertResult>;
  cancel(chatId: string): Promise<Deadline | null>;
  get(chatId: string): Promise<Deadline | null>;
  progress(d: Deadline): Promise<Progress>;
  /** What the BullMQ worker runs for a nudge job, evaluated at now(). */
  processNudge(data: NudgeJobData): Promise<NudgeOutcome>;
  /**
   * Playground: the fake clock jumped from `from` to `to`. The same as a restart at `to`: reconcile(), so that
   * whatever fell due in between runs now (stale nudges drop themselves, a passed deadline gets its summary).
   */
  replay(from: number, to: number): Promise<number>;
  /**
   * Makes the queue agree with the bot's clock for every active deadline (call at start-up): adds missing jobs,
   * re-times delayed ones, runs overdue ones now; removes the jobs of nudges that can no longer be sent.
   * Returns the number of jobs still to run.
   */
  reconcile(): Promise<number>;
  store: DeadlineStore;
  rosters: RosterStore;
}

export function nudgeJobId(deadlineId: string, nudgeId: string): string {
  return safeJobId('dl', deadlineId, nudgeId);
}

/** Feishu's send uuid (≤ 50 chars, 1-hour idempotency) for one step of one deadline. */
export function sendUuid(deadlineId: string, step: string): string {
  return `dl${createHash('sha256').update(`${deadlineId}\n${step}`).digest('base64url').slice(0, 40)}`;
}

class BusyError extends Error {
  constructor(step: string) {
    super(`nudge step ${step} is being sent by another worker`);
    this.name = 'BusyError';
  }
}

const per = (key: string, limit: number, windowMs: number): RateLimit => ({ key, limit, windowMs: windowMs + 100 });
// Bursts are paced: 5 per 120 ms (≤ 41.7/s) rather than 50 at the start of each second, so that a thousand nudges
// due at the same minute reach Feishu evenly, with room for jitter (its gateway counts what arrives, and
// requests delayed on the way bunch up).
const PACE_SEND: RateLimit[] = [{ key: 'dl:pace:send', limit: 5, windowMs: 120 }];
// The minute window gets a whole second of slack: calls granted in a burst can reach Feishu late, calls a
// minute later on time, and Feishu counts arrivals.
const MEMBERS_LIMITS = [per('app:members', 50, 1000), per('app:members:1m', 1000, 61_000), { key: 'dl:pace:members', limit: 5, windowMs: 120 }];
const CHAT_LIMITS = [per('app:chatget', 50, 1000), per('app:chatget:1m', 1000, 60_000)];

function isTerminal(err: unknown): boolean {
  return err instanceof FeishuApiError && err.terminal;
}

/** The roster after `intent`, applied by `by`; `isNew`: the change sets a new deadline. */
export function applyRoster(r: Roster, intent: RosterIntent, by: string, isNew: boolean): Roster {
  const ex = new Set(r.excluded);
  const inc = new Set(r.included);
  if (intent.shown && intent.selected) {
    for (const id of intent.shown) ex.delete(id);
    for (const id of intent.selected) {
      ex.add(id);
      inc.delete(id);
    }
  }
  if (intent.self === 'include') {
    ex.delete(by);
    inc.add(by);
  } else if (intent.self === 'exclude') {
    ex.add(by);
    inc.delete(by);
  } else if (isNew && !inc.has(by)) {
    ex.add(by);
  }
  return { v: 1, excluded: [...ex], included: [...inc] };
}

export function createDeadlineFeature(deps: DeadlineDeps): DeadlineFeature {
  const now = deps.now ?? Date.now;
  const tz = deps.tz;
  const calendar = deps.calendar ?? chinaCalendar;
  const statusOf = deps.statusOf ?? reportStatusSource(deps.redis);
  const limiter = deps.limiter ?? new RedisRateLimiter({ redis: deps.redis });
  const leaseMs = deps.leaseMs ?? 30_000;
  const announceRetryMs = deps.announceRetryMs ?? ANNOUNCE_RETRY_MS;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const newId = deps.newId ?? (() => randomBytes(6).toString('base64url'));
  const store = new DeadlineStore(deps.redis);
  const rosters = new RosterStore(deps.redis);
  const pendings = new PendingStore(deps.redis);
  const log = deps.logger;
  let botOpenId: Promise<string> | undefined;

  // ---- Feishu calls the port does not rate-limit itself ------------------------------------------------

  async function members(chatId: string): Promise<Array<{ openId: string; name: string }>> {
    await limiter.acquire(MEMBERS_LIMITS);
    return deps.port.listChatMembers(chatId);
  }

  async function chatInfo(chatId: string): Promise<{ name: string; ownerId?: string; managerIds: string[] }> {
    await limiter.acquire(CHAT_LIMITS);
    return deps.port.getChat(chatId);
  }

  async function isAdmin(chatId: string, openId: string): Promise<boolean> {
    const c = await chatInfo(chatId);
    return c.ownerId === openId || c.managerIds.includes(openId);
  }

  function bot(): Promise<string> {
    botOpenId ??= deps.port.getBotInfo().then(
      (b) => b.openId,
      (e) => {
        botOpenId = undefined;
        throw e;
      },
    );
    return botOpenId;
  }

  // ---- Deadlines --------------------------------------------------------------------------------------

  function yearOf(title: string, due: number): number {
    const m = /(20\d{2})\s*年度?/.exec(title);
    return m ? Number(m[1]) : defaultReportYear(due, tz);
  }

  function defaultTitle(due: number): string {
    return `${defaultReportYear(due, tz)}年度述职报告`;
  }

  function example(): DeadlineExample {
    const t = now();
    return deadlineExample(t, tz, calendar, defaultTitle(t));
  }

  function dueText(e: DueError): string {
    return e === 'past' ? DL_TEXT.pastDate(example()) : e === 'far' ? DL_TEXT.farDate(example()) : DL_TEXT.badDate(example());
  }

  function normalizeOffsets(list: readonly number[]): number[] {
    return [...new Set(list)].filter((o) => Number.isInteger(o) && o >= 0 && o <= MAX_OFFSET).sort((a, b) => b - a).slice(0, 10);
  }

  /** The stored revision of the chat's deadline, readable or not; -1 when there is none. */
  async function storedRevOf(chatId: string, current: Deadline | null): Promise<number> {
    return current ? current.rev : ((await store.storedRev(chatId)) ?? -1);
  }

  /** The group's roster; before its first change, the exclusions an older deadline record carried. */
  async function rosterOf(chatId: string, d?: Deadline | null): Promise<{ roster: Roster; rev: number }> {
    const r = await rosters.get(chatId);
    if (r.rev === -1 && d && d.excluded.length > 0) return { roster: { v: 1, excluded: [...d.excluded], included: [] }, rev: -1 };
    return r;
  }

  async function schedule(prev: Deadline | null, next: Deadline): Promise<void> {
    const keep = new Set(next.state === 'active' ? next.plan.map((p) => p.id) : []);
    if (prev && prev.id === next.id) {
      for (const p of prev.plan) if (!keep.has(p.id)) await deps.jobs.remove(nudgeJobId(prev.id, p.id)).catch(() => undefined);
    }
    if (next.state !== 'active') return;
    const t = now();
    for (const p of next.plan) if (p.at > t) await enqueue(next, p, t);
  }

  async function enqueue(d: Deadline, p: PlannedNudge, t: number): Promise<void> {
    const data: NudgeJobData = { c: d.chatId, d: d.id, n: p.id };
    await deps.jobs.enqueue(NUDGE_JOB, data, {
      jobId: nudgeJobId(d.id, p.id),
      delayMs: Math.max(0, p.at - t),
      attempts: NUDGE_ATTEMPTS,
      backoffMs: NUDGE_BACKOFF_MS,
    });
  }

  /** `announced`: the caller announces the result; its announcement job is then recorded before the save. */
  async function upsert(a: Parameters<DeadlineFeature['upsert']>[0], o: { announced?: boolean } = {}): Promise<UpsertResult> {
    for (let attempt = 0; attempt < (a.expectedRev === undefined ? 3 : 1); attempt++) {
      const current = await store.get(a.chatId);
      const active = current?.state === 'active' ? current : null;
      const storedRev = current ? current.rev : await store.storedRev(a.chatId);
      if (a.expectedRev !== undefined && a.expectedRev !== (storedRev ?? -1)) return { ok: false, reason: 'conflict' };
      const s = a.settings;
      const due = s.due ?? active?.due;
      const t = now();
      if (due === undefined || dueError(due, t)) return { ok: false, reason: 'bad-due' };
      const title = cleanTitle(s.title ?? '') ?? active?.title ?? defaultTitle(due);
      const base = {
        offsets: normalizeOffsets(s.offsets ?? active?.offsets ?? DEFAULT_OFFSETS),
        workdaysOnly: s.workdaysOnly ?? active?.workdaysOnly ?? true,
        mention: s.mention ?? active?.mention ?? false,
        private: s.private ?? active?.private ?? true,
      };
      const plan = planNudges({ due, offsets: base.offsets, workdaysOnly: base.workdaysOnly, tz, calendar });
      const next: Deadline = {
        v: 1,
        id: active?.id ?? newId(),
        tenantKey: a.tenantKey,
        chatId: a.chatId,
        title,
        year: yearOf(title, due),
        due,
        ...base,
        excluded: [],
        // The admin who set the deadline receives the collector's list; a later change by another admin keeps it.
        setBy: active?.setBy ?? a.setBy,
        createdAt: active?.createdAt ?? t,
        updatedAt: t,
        rev: (storedRev ?? -1) + 1,
        state: 'active',
        plan,
      };
      // The roster first (an older record's exclusions become the roster's first version), then the deadline.
      const prior = await rosterOf(a.chatId, current);
      const intent: RosterIntent = s.excluded
        ? { self: a.roster?.self ?? 'default', shown: [...new Set([...prior.roster.excluded, ...s.excluded])], selected: s.excluded }
        : (a.roster ?? { self: 'default' });
      // Recorded before the save: if what follows it is cut off (Redis gone, the process killed), this job still
      // sends the announcement and adds the missing nudge jobs (runAnnounce).
      if (o.announced) await recordAnnouncement(next, active !== null);
      if (!(await store.save(storedRev, next))) continue;
      const written = await rosters.update(a.chatId, (r) => applyRoster(prior.rev === -1 ? prior.roster : r, intent, a.setBy, active === null));
      await schedule(active, next);
      return { ok: true, deadline: next, changed: active !== null, roster: written?.roster ?? prior.roster };
    }
    return { ok: false, reason: 'conflict' };
  }

  async function closeOrCancel(chatId: string, state: 'closed' | 'cancelled', id?: string, rev?: number): Promise<Deadline | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await store.get(chatId);
      if (current?.state !== 'active' || (id && current.id !== id) || (rev !== undefined && current.rev !== rev)) return null;
      const next: Deadline = { ...current, state, rev: current.rev + 1, updatedAt: now() };
      if (!(await store.save(current.rev, next))) continue;
      if (state === 'cancelled') await schedule(current, next);
      return next;
    }
    return null;
  }

  async function progressWith(d: Deadline, list: ReadonlyArray<{ openId: string; name: string }>): Promise<{ p: Progress; roster: Roster }> {
    const { roster } = await rosterOf(d.chatId, d);
    const p = await progressOf({ members: list, excluded: roster.excluded, tenantKey: d.tenantKey, year: d.year, statusOf });
    return { p, roster };
  }

  async function progress(d: Deadline): Promise<Progress> {
    return (await progressWith(d, await members(d.chatId))).p;
  }

  function view(d: Deadline, roster: Roster, list: ReadonlyArray<{ openId: string }>): DeadlineView {
    const t = now();
    const ids = new Set(list.map((m) => m.openId));
    return {
      title: d.title,
      dueText: formatDue(d.due, tz),
      nudgeDays: d.plan.filter((p) => p.kind === 'nudge' && p.at > t).map((p) => formatDay(p.day)),
      offsets: d.offsets,
      workdaysOnly: d.workdaysOnly,
      mention: d.mention,
      private: d.private,
      excludedCount: roster.excluded.filter((id) => ids.has(id)).length,
      setterExcluded: roster.excluded.includes(d.setBy),
    };
  }

  function collectorView(d: Deadline, chatName: string, p: Progress, closed: boolean): object {
    const line = (x: Person): PersonLine => ({
      name: x.name,
      status: statusText(x.status),
      ...(x.status.state === 'done' ? { url: x.status.url } : {}),
    });
    return collectorCard({
      title: d.title,
      chatName,
      dueText: formatDue(d.due, tz),
      closed,
      done: p.people.filter((x) => x.status.state === 'done').map(line),
      missing: p.people.filter((x) => x.status.state !== 'done').map(line),
      exportOf: { chatId: d.chatId, deadlineId: d.id },
    });
  }

  const announceStep = (d: Deadline) => `announce.${d.rev}`;

  /**
   * The announcement of a set or changed deadline: always a new message at the bottom of the group, once per
   * revision. The deadline is already saved: the announcement is first recorded as a job (it then goes out even
   * if this process dies or Feishu fails now; a card click is never re-pushed), then sent at once; the job sends
   * only what was not sent.
   */
  async function announce(d: Deadline, changed: boolean): Promise<void> {
    await recordAnnouncement(d, changed);
    try {
      await sendAnnouncement(d, changed);
    } catch (err) {
      log.warn({ chatId: d.chatId, deadlineId: d.id, rev: d.rev, err: (err as Error).message }, 'announcement not sent yet; its job sends it');
    }
  }

  /** The announcement's job (deterministic id: recording it again changes nothing). */
  async function recordAnnouncement(d: Deadline, changed: boolean): Promise<void> {
    const data: AnnounceJobData = { c: d.chatId, d: d.id, r: d.rev, x: changed };
    await deps.jobs.enqueue(ANNOUNCE_JOB, data, { jobId: safeJobId('dlann', d.id, d.rev), delayMs: announceRetryMs, attempts: NUDGE_ATTEMPTS, backoffMs: NUDGE_BACKOFF_MS });
  }

  async function sendAnnouncement(d: Deadline, changed: boolean): Promise<void> {
    if (await store.isSent(d.id, announceStep(d))) return;
    const list = await members(d.chatId);
    const { p, roster } = await progressWith(d, list);
    const card = deadlineCard(view(d, roster, list), p, changed);
    await sendOnce(d, announceStep(d), (uuid) => deps.port.sendMessage({ receiveIdType: 'chat_id', receiveId: d.chatId, msgType: 'interactive', content: card, uuid }));
  }

  async function runAnnounce(j: AnnounceJobData): Promise<void> {
    const d = await store.get(j.c);
    // A later revision has its own announcement.
    if (!d || d.id !== j.d || d.rev !== j.r || d.state !== 'active') return;
    // Recorded before the deadline was saved: the save's own jobs may have been cut off after it.
    await ensureJobs(d, now());
    await sendAnnouncement(d, j.x);
  }

  // ---- Sending, at most once per step -----------------------------------------------------------------

  /** Sends step `step` of deadline `d` unless it was sent; 'failed' = a permanent Feishu refusal (not retried). */
  async function sendOnce(d: Deadline, step: string, send: (uuid: string) => Promise<unknown>): Promise<'sent' | 'already' | 'failed'> {
    const token = randomBytes(8).toString('base64url');
    let claim = await store.claim(d.id, step, token, leaseMs);
    if (claim === 'busy') {
      // A lease about to run out is most likely a worker that died mid-send: wait for it rather than for a retry.
      const left = await store.leaseLeftMs(d.id, step);
      if (left >= 0 && left <= BUSY_WAIT_MS) {
        await sleep(left + 20);
        claim = await store.claim(d.id, step, token, leaseMs);
      }
    }
    if (claim === 'sent') return 'already';
    if (claim === 'busy') throw new BusyError(step);
    try {
      await send(sendUuid(d.id, step));
    } catch (err) {
      if (isTerminal(err)) {
        // Retrying cannot help (bot removed from the chat, user blocked the bot…): record it as done.
        log.warn({ chatId: d.chatId, deadlineId: d.id, step, err: (err as Error).message }, 'nudge refused by feishu; not retried');
        await store.markSent(d.id, step);
        return 'failed';
      }
      await store.release(d.id, step, token);
      throw err;
    }
    await store.markSent(d.id, step);
    return 'sent';
  }

  const toChat = (chatId: string, card: object) => async (uuid: string) => {
    await limiter.acquire(PACE_SEND);
    return deps.port.sendMessage({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive', content: card, uuid });
  };
  const toUser = (openId: string, card: object) => async (uuid: string) => {
    await limiter.acquire(PACE_SEND);
    return deps.port.sendMessage({ receiveIdType: 'open_id', receiveId: openId, msgType: 'interactive', content: card, uuid });
  };

  /** Why a nudge can no longer be sent at `t`: more than GRACE_MS late, or the deadline has passed. */
  function tooLate(d: Deadline, entry: PlannedNudge, t: number): boolean {
    return entry.kind === 'nudge' && (t > entry.at + GRACE_MS || t >= d.due);
  }

  async function processNudge(data: NudgeJobData): Promise<NudgeOutcome> {
    const d = await store.get(data.c);
    if (!d || d.id !== data.d || d.state !== 'active') return 'stale';
    const entry = d.plan.find((p) => p.id === data.n);
    if (!entry) return 'stale';
    const t = now();
    if (tooLate(d, entry, t)) {
      log.warn({ chatId: d.chatId, deadlineId: d.id, nudge: entry.id, lateMs: t - entry.at }, 'nudge too late (past its grace period or the deadline); dropped');
      return 'late';
    }
    if (t < entry.at - EARLY_MS) throw new Error(`nudge ${entry.id} ran ${entry.at - t} ms before its time`);
    const p = await progress(d);
    if (entry.kind === 'summary') return summary(d, entry, p);
    if (p.total === 0) return 'nobody';
    if (p.done === p.total) {
      await sendOnce(d, 'alldone', toChat(d.chatId, allDoneCard({ title: d.title, total: p.total })));
      return 'all-done';
    }
    const dueLocal = localParts(d.due, tz);
    const daysLeft = daysBetween(entry.day, dayOf(d.due, tz));
    const missing = p.people.filter((x) => x.status.state !== 'done');
    await sendOnce(
      d,
      entry.id,
      toChat(
        d.chatId,
        groupNudgeCard({
          title: d.title,
          daysLeft,
          dayText: formatDay(dayOf(d.due, tz)),
          dueTime: hhmm(dueLocal.hour, dueLocal.minute),
          done: p.done,
          total: p.total,
          ...(d.mention ? { missing: missing.map((x) => x.openId) } : {}),
        }),
      ),
    );
    if (d.private && missing.length > 0) {
      const muted = await store.muted(d.id);
      const todo = [];
      for (const x of missing) if (!muted.has(x.openId) && !(await store.isSent(d.id, `${entry.id}.u.${x.openId}`))) todo.push(x);
      if (todo.length > 0) {
        const chatName = (await chatInfo(d.chatId)).name;
        const errors: unknown[] = [];
        for (const x of todo) {
          const card = privateNudgeCard({
            title: d.title,
            chatName,
            daysLeft,
            dueText: formatDue(d.due, tz),
            status: statusText(x.status),
            chatId: d.chatId,
            deadlineId: d.id,
          });
          try {
            await sendOnce(d, `${entry.id}.u.${x.openId}`, toUser(x.openId, card));
          } catch (err) {
            errors.push(err);
          }
        }
        // The sent ones are marked; a retry of the job sends only the rest.
        if (errors.length > 0) throw new AggregateError(errors, `${errors.length} private nudges failed`);
      }
    }
    return 'sent';
  }

  async function summary(d: Deadline, entry: PlannedNudge, p: Progress): Promise<NudgeOutcome> {
    const dueText = formatDue(d.due, tz);
    if (p.total > 0) await sendOnce(d, entry.id, toChat(d.chatId, summaryCard({ title: d.title, dueText, done: p.done, total: p.total })));
    if (!(await store.isSent(d.id, `${entry.id}.admin`))) {
      const chatName = (await chatInfo(d.chatId)).name;
      await sendOnce(d, `${entry.id}.admin`, toUser(d.setBy, collectorView(d, chatName, p, true)));
    }
    await closeOrCancel(d.chatId, 'closed', d.id);
    return 'summary';
  }

  /** Re-times (or adds) the job of one planned step to fire at its moment by the bot's clock (now, if overdue). */
  async function alignJob(d: Deadline, p: PlannedNudge, t: number): Promise<void> {
    const id = nudgeJobId(d.id, p.id);
    const job = await deps.jobs.queue.getJob(id);
    if (!job) {
      await enqueue(d, p, t);
      return;
    }
    if ((await job.getState()) !== 'delayed') return;
    // The delayed set is ordered by real time; the bot's clock may have moved (a restart after downtime, the
    // playground's clock jump): from now on the job fires when the bot's clock reaches its moment.
    await job.changeDelay(Math.max(0, p.at - t)).catch(() => undefined);
  }

  async function reconcile(): Promise<number> {
    let n = 0;
    const t = now();
    for (const chatId of await store.activeChats()) {
      const d = await store.get(chatId);
      if (d?.state !== 'active') {
        if (!d) await deps.redis.srem(DeadlineStore.activeKey, chatId);
        continue;
      }
      for (const p of d.plan) {
        if (await store.isSent(d.id, p.kind === 'summary' ? `${p.id}.admin` : p.id)) continue;
        if (tooLate(d, p, t)) {
          // Never sent: its moment is gone. The summary is never too late.
          await deps.jobs.remove(nudgeJobId(d.id, p.id)).catch(() => undefined);
          log.info({ chatId, deadlineId: d.id, nudge: p.id, lateMs: t - p.at }, 'missed nudge dropped (bot was down or the clock moved)');
          continue;
        }
        await alignJob(d, p, t);
        n++;
      }
    }
    return n;
  }

  /** Adds the missing jobs of `d`'s steps still to come (a save cut off before its jobs were recorded). */
  async function ensureJobs(d: Deadline, t: number): Promise<void> {
    for (const p of d.plan) {
      if (tooLate(d, p, t) || (await store.isSent(d.id, p.kind === 'summary' ? `${p.id}.admin` : p.id))) continue;
      if (!(await deps.jobs.queue.getJob(nudgeJobId(d.id, p.id)))) await enqueue(d, p, t);
    }
  }

  // ---- Commands ---------------------------------------------------------------------------------------

  async function reply(ev: MessageEvent, content: { text: string } | object, msgType: 'text' | 'interactive' = 'text') {
    await deps.port.replyMessage({
      messageId: ev.messageId,
      msgType,
      content,
      uuid: safeJobId('dlre', ev.messageId).slice(0, 50),
      chatId: ev.chatId,
    });
  }

  /** Form values to show: a deadline's, or settings waiting for confirmation, or the defaults of a new one. */
  interface FormPrefill {
    title: string;
    due: number;
    offsets: readonly number[];
    workdaysOnly: boolean;
    mention: boolean;
    private: boolean;
  }

  function suggestedDue(): number {
    // Two weeks ahead (on a workday), 18:00.
    const e = example();
    return zonedMs(e.full, DEFAULT_DUE_HOUR, DEFAULT_DUE_MINUTE, tz);
  }

  async function formCard(chatId: string, requesterId: string, o: { note?: string; prefill?: FormPrefill } = {}): Promise<object> {
    const current = await store.get(chatId);
    const active = current?.state === 'active' ? current : null;
    const [list, rev, r] = await Promise.all([members(chatId), storedRevOf(chatId, current), rosterOf(chatId, current)]);
    const fill: FormPrefill = o.prefill ??
      active ?? {
        title: defaultTitle(now()),
        due: suggestedDue(),
        offsets: DEFAULT_OFFSETS,
        workdaysOnly: true,
        mention: false,
        private: true,
      };
    const lp = localParts(fill.due, tz);
    const name = list.find((m) => m.openId === requesterId)?.name ?? '';
    return deadlineFormCard({
      modify: active !== null,
      title: fill.title,
      day: dayOf(fill.due, tz),
      time: hhmm(lp.hour, lp.minute),
      offsets: fill.offsets,
      workdaysOnly: fill.workdaysOnly,
      mention: fill.mention,
      private: fill.private,
      members: list,
      excluded: r.roster.excluded,
      rev,
      rosterRev: r.rev,
      requester: { openId: requesterId, name },
      // A running deadline: whether they are counted now; a new one: only if they asked to be before.
      includeSelf: active ? !r.roster.excluded.includes(requesterId) : r.roster.included.includes(requesterId),
      titleExample: defaultTitle(now()),
      ...(o.note ? { note: o.note } : {}),
    });
  }

  function leftText(ms: number): string {
    const h = Math.round(ms / 3600_000);
    return h < 1 ? '不到 1 小时' : `约 ${h} 小时`;
  }

  /**
   * Settings that move the deadline to less than 24 hours away wait for confirmation: stores them and returns
   * the confirmation card. Null when no confirmation is needed.
   */
  async function confirmIfNear(p: Omit<Pending, 'v'>, active: Deadline | null): Promise<object | null> {
    const due = p.settings.due;
    const t = now();
    if (due - t >= CONFIRM_WITHIN_MS || (active && active.due === due)) return null;
    const id = newId();
    await pendings.put(id, { v: 1, ...p });
    const offsets = normalizeOffsets(p.settings.offsets ?? active?.offsets ?? DEFAULT_OFFSETS);
    const plan = planNudges({ due, offsets, workdaysOnly: p.settings.workdaysOnly ?? active?.workdaysOnly ?? true, tz, calendar });
    return confirmSetCard({
      title: cleanTitle(p.settings.title ?? '') ?? active?.title ?? defaultTitle(due),
      dueText: formatDue(due, tz),
      leftText: leftText(due - t),
      nudgeDays: plan.filter((x) => x.kind === 'nudge' && x.at > t).map((x) => formatDay(x.day)),
      changed: active !== null,
      pendingId: id,
    });
  }

  async function onMessage(ev: MessageEvent): Promise<boolean> {
    if (ev.chatType === 'p2p' || (ev.messageType !== 'text' && ev.messageType !== 'post')) return false;
    const cmd = parseCommand(ev.text, now(), tz);
    if (!cmd) return false;
    if (cmd.kind === 'help') {
      await reply(ev, { text: DL_TEXT.help(example()) });
      return true;
    }
    const needsAdmin = cmd.kind !== 'progress';
    if (needsAdmin && !(await isAdmin(ev.chatId, ev.senderOpenId))) {
      await reply(ev, { text: DL_TEXT.notAdmin });
      return true;
    }
    const current = await store.get(ev.chatId);
    const active = current?.state === 'active' ? current : null;
    switch (cmd.kind) {
      case 'form':
      case 'modify':
        if (cmd.kind === 'modify' && !active) {
          await reply(ev, { text: DL_TEXT.noActiveDeadline });
          return true;
        }
        await reply(ev, await formCard(ev.chatId, ev.senderOpenId), 'interactive');
        return true;
      case 'badDate':
        await reply(ev, { text: dueText(cmd.reason) });
        return true;
      case 'set': {
        // The same deadline again (a repeated message, an admin unsure it was taken): announced once, now if that
        // has not happened yet (the first answer was lost), and a short answer when it had.
        if (active && active.due === cmd.due && (!cmd.title || cleanTitle(cmd.title) === active.title)) {
          const announced = await store.isSent(active.id, announceStep(active));
          await ensureJobs(active, now());
          await announce(active, active.createdAt !== active.updatedAt);
          if (announced) await reply(ev, { text: DL_TEXT.unchanged(active.title, formatDue(active.due, tz)) });
          return true;
        }
        const settings = { due: cmd.due, ...(cmd.title ? { title: cmd.title } : {}) };
        const rev = await storedRevOf(ev.chatId, current);
        const confirm = await confirmIfNear(
          { chatId: ev.chatId, tenantKey: ev.tenantKey, by: ev.senderOpenId, rev, settings },
          active,
        );
        if (confirm) {
          await reply(ev, confirm, 'interactive');
          return true;
        }
        const r = await upsert({ tenantKey: ev.tenantKey, chatId: ev.chatId, setBy: ev.senderOpenId, settings, expectedRev: rev }, { announced: true });
        if (!r.ok) {
          await reply(ev, { text: r.reason === 'bad-due' ? dueText(dueError(cmd.due, now()) ?? 'unreadable') : DL_TEXT.conflict });
          return true;
        }
        // The announcement (a new message at the bottom of the group) is the answer.
        await announce(r.deadline, r.changed);
        return true;
      }
      case 'cancel': {
        if (!active) {
          await reply(ev, { text: DL_TEXT.noActiveDeadline });
          return true;
        }
        const t = now();
        await reply(
          ev,
          confirmCancelCard({
            title: active.title,
            dueText: formatDue(active.due, tz),
            pendingNudges: active.plan.filter((p) => p.kind === 'nudge' && p.at > t).length,
            deadlineId: active.id,
            rev: active.rev,
          }),
          'interactive',
        );
        return true;
      }
      case 'progress': {
        if (!current || current.state === 'cancelled') {
          await reply(ev, { text: DL_TEXT.noDeadline });
          return true;
        }
        const p = await progress(current);
        const closed = current.state === 'closed';
        const missingNames = current.mention ? p.people.filter((x) => x.status.state !== 'done').map((x) => x.name) : undefined;
        await reply(
          ev,
          progressCard({
            title: current.title,
            dueText: formatDue(current.due, tz),
            closed,
            done: p.done,
            writing: p.writing,
            notStarted: p.notStarted,
            total: p.total,
            ...(missingNames ? { missingNames } : {}),
          }),
          'interactive',
        );
        if (await isAdmin(ev.chatId, ev.senderOpenId)) {
          const chatName = (await chatInfo(ev.chatId)).name;
          await deps.port.sendMessage({
            receiveIdType: 'open_id',
            receiveId: ev.senderOpenId,
            msgType: 'interactive',
            content: collectorView(current, chatName, p, closed),
            uuid: safeJobId('dlcol', ev.messageId).slice(0, 50),
          });
        }
        return true;
      }
      case 'exclude':
      case 'include': {
        const me = await bot();
        const people = ev.mentions.filter((m, i, all) => m.openId && m.openId !== me && all.findIndex((x) => x.openId === m.openId) === i);
        if (people.length === 0) {
          await reply(ev, { text: cmd.kind === 'exclude' ? DL_TEXT.excludeUsage : DL_TEXT.includeUsage });
          return true;
        }
        const ids = people.map((m) => m.openId as string);
        const prior = await rosterOf(ev.chatId, current);
        const written = await rosters.update(ev.chatId, (r) => {
          const base = prior.rev === -1 ? prior.roster : r;
          const ex = new Set(base.excluded);
          const inc = new Set(base.included);
          for (const id of ids) {
            if (cmd.kind === 'exclude') {
              ex.add(id);
              inc.delete(id);
            } else {
              ex.delete(id);
              inc.add(id);
            }
          }
          return { v: 1, excluded: [...ex], included: [...inc] };
        });
        const names = people.map((m) => m.name || '该同志').join('、');
        await reply(ev, { text: !written ? DL_TEXT.conflict : cmd.kind === 'exclude' ? DL_TEXT.excluded(names) : DL_TEXT.included(names) });
        return true;
      }
    }
  }

  // ---- Card actions -----------------------------------------------------------------------------------

  const toast = (type: 'info' | 'success' | 'error' | 'warning', content: string) => ({ toast: { type, content } });
  const raw = (data: object) => ({ card: { type: 'raw' as const, data } });

  /** The settings and roster intent a submitted form asks for; an error when the date is missing or unusable. */
  function formSettings(
    form: Record<string, unknown>,
    active: Deadline | null,
    shown: string[] | undefined,
  ): { settings: DeadlineSettings & { due: number }; intent: RosterIntent } | { error: DueError | 'missing' } {
    const day = pickerDay(form[FORM_FIELDS.day]);
    if (!day) return { error: 'missing' };
    const time = parseHhmm(form[FORM_FIELDS.time]) ?? (active ? localParts(active.due, tz) : { hour: DEFAULT_DUE_HOUR, minute: DEFAULT_DUE_MINUTE });
    const due = zonedMs(day, time.hour, time.minute, tz);
    const err = dueError(due, now());
    if (err) return { error: err };
    const s: DeadlineSettings & { due: number } = { due };
    const title = typeof form[FORM_FIELDS.title] === 'string' ? cleanTitle(form[FORM_FIELDS.title] as string) : undefined;
    s.title = title ?? defaultTitle(due);
    // A field the client did not send as an array (untouched, or not on the card) keeps its current value.
    const offs = form[FORM_FIELDS.offsets];
    if (Array.isArray(offs)) s.offsets = offs.map(Number).filter((n) => Number.isInteger(n));
    const bool = (k: string): boolean | undefined => (typeof form[k] === 'boolean' ? (form[k] as boolean) : undefined);
    const wd = bool(FORM_FIELDS.workdays);
    if (wd !== undefined) s.workdaysOnly = wd;
    const at = bool(FORM_FIELDS.mention);
    if (at !== undefined) s.mention = at;
    const dm = bool(FORM_FIELDS.private);
    if (dm !== undefined) s.private = dm;
    const self = bool(FORM_FIELDS.self);
    const intent: RosterIntent = { self: self === undefined ? 'default' : self ? 'include' : 'exclude' };
    const ex = form[FORM_FIELDS.exclude];
    if (Array.isArray(ex) && shown) {
      const shownSet = new Set(shown);
      intent.shown = shown;
      intent.selected = ex.filter((x): x is string => typeof x === 'string' && shownSet.has(x));
    }
    return { settings: s, intent };
  }

  const errorToast = (e: DueError | 'missing') =>
    toast('error', e === 'past' ? DL_TEXT.pastToast : e === 'far' ? DL_TEXT.farToast : DL_TEXT.badForm);

  /** Applies settings (after the checks and, where needed, the confirmation) and announces them. */
  async function apply(a: {
    tenantKey: string;
    chatId: string;
    by: string;
    settings: DeadlineSettings & { due: number };
    intent: RosterIntent;
    rev: number;
  }): Promise<{ answer: CallbackAnswer; rev?: number }> {
    const r = await upsert({ tenantKey: a.tenantKey, chatId: a.chatId, setBy: a.by, settings: a.settings, expectedRev: a.rev, roster: a.intent }, { announced: true });
    if (!r.ok) return { answer: r.reason === 'bad-due' ? errorToast(dueError(a.settings.due, now()) ?? 'missing') : toast('warning', DL_TEXT.conflict) };
    await announce(r.deadline, r.changed);
    return { answer: savedAnswer(r.deadline, r.changed), rev: r.deadline.rev };
  }

  const savedAnswer = (d: Deadline, changed: boolean): CallbackAnswer => ({
    ...toast('success', DL_TEXT.saved),
    ...raw(setNoteCard({ title: d.title, dueText: formatDue(d.due, tz), changed })),
  });

  async function onSet(ev: CardActionEvent, chatId: string, v: { r?: number; g?: number; q?: string }): Promise<CallbackAnswer> {
    const current = await store.get(chatId);
    const active = current?.state === 'active' ? current : null;
    const [rev, r] = await Promise.all([storedRevOf(chatId, current), rosterOf(chatId, current)]);
    if ((v.r !== undefined && v.r !== rev) || (v.g !== undefined && v.g !== r.rev)) {
      return { ...toast('warning', DL_TEXT.staleForm), ...raw(await formCard(chatId, ev.operatorOpenId)) };
    }
    const list = await members(chatId);
    const shown = list.length - (v.q ? 1 : 0) <= FORM_MAX_MEMBERS ? list.map((m) => m.openId).filter((id) => id !== v.q) : undefined;
    const f = formSettings(ev.formValue ?? {}, active, shown);
    if ('error' in f) return errorToast(f.error);
    const confirm = await confirmIfNear(
      { chatId, tenantKey: ev.tenantKey, by: ev.operatorOpenId, rev, settings: f.settings, intent: f.intent },
      active,
    );
    if (confirm) return { ...toast('info', DL_TEXT.confirmFirst), ...raw(confirm) };
    return (await apply({ tenantKey: ev.tenantKey, chatId, by: ev.operatorOpenId, settings: f.settings, intent: f.intent, rev })).answer;
  }

  async function onConfirm(ev: CardActionEvent, chatId: string, pendingId: string, ok: boolean): Promise<CallbackAnswer> {
    const p = await pendings.get(pendingId);
    if (!p || p.chatId !== chatId) return { ...toast('warning', DL_TEXT.confirmExpired), ...raw(noteCard('确认已失效', DL_TEXT.confirmExpired)) };
    const current = await store.get(chatId);
    // Applied already: by an earlier click whose answer was lost or came too late (the client then shows an error
    // and the person clicks again), or by the same click, still running, delivered twice. Answer as it did:
    // telling the admin that the confirmation is void would have them set the same deadline once more.
    const mine = current?.state === 'active' && (p.applied === current.rev || (p.applied === undefined && current.rev === p.rev + 1 && current.due === p.settings.due));
    if (ok && current && mine) {
      const changed = current.createdAt !== current.updatedAt;
      // Its jobs and announcement are there or on their way, unless the first click failed after saving (Redis
      // gone in between): this makes sure of both.
      await ensureJobs(current, now());
      await announce(current, changed);
      return savedAnswer(current, changed);
    }
    const rev = await storedRevOf(chatId, current);
    if (rev !== p.rev) {
      await pendings.delete(pendingId);
      return { ...toast('warning', DL_TEXT.staleConfirm), ...raw(await formCard(chatId, ev.operatorOpenId, { note: DL_TEXT.staleForm })) };
    }
    const settings = { ...p.settings };
    const prefill: FormPrefill = {
      title: settings.title ?? current?.title ?? defaultTitle(settings.due),
      due: settings.due,
      offsets: settings.offsets ?? current?.offsets ?? DEFAULT_OFFSETS,
      workdaysOnly: settings.workdaysOnly ?? current?.workdaysOnly ?? true,
      mention: settings.mention ?? current?.mention ?? false,
      private: settings.private ?? current?.private ?? true,
    };
    if (!ok) {
      await pendings.delete(pendingId);
      return raw(await formCard(chatId, ev.operatorOpenId, { prefill }));
    }
    const err = dueError(settings.due, now());
    if (err) {
      await pendings.delete(pendingId);
      return { ...errorToast(err), ...raw(await formCard(chatId, ev.operatorOpenId, { prefill })) };
    }
    // The admin who asked sets it (and is the one the roster intent is about); any admin may confirm.
    const r = await apply({ tenantKey: p.tenantKey, chatId, by: p.by, settings, intent: p.intent ?? { self: 'default' }, rev: p.rev });
    if (r.rev === undefined) await pendings.delete(pendingId);
    else await pendings.put(pendingId, { ...p, applied: r.rev });
    return r.answer;
  }

  async function onCancel(chatId: string, v: { d?: string; r?: number }, confirmed: boolean): Promise<CallbackAnswer> {
    const current = await store.get(chatId);
    if (current?.state !== 'active' || current.id !== v.d || current.rev !== v.r) {
      return { ...toast('warning', DL_TEXT.staleConfirm), ...raw(noteCard('确认已失效', DL_TEXT.staleConfirm)) };
    }
    if (!confirmed) return { ...toast('info', DL_TEXT.kept), ...raw(noteCard('已保留截止时间', DL_TEXT.kept)) };
    const done = await closeOrCancel(chatId, 'cancelled', current.id, current.rev);
    if (!done) return { ...toast('warning', DL_TEXT.staleConfirm), ...raw(noteCard('确认已失效', DL_TEXT.staleConfirm)) };
    // The note replaces the confirmation; the cancellation itself is a new message at the bottom of the group.
    await deps.port.sendMessage({
      receiveIdType: 'chat_id',
      receiveId: chatId,
      msgType: 'text',
      content: { text: DL_TEXT.cancelled(done.title) },
      uuid: sendUuid(done.id, 'cancelled'),
    });
    return { ...toast('success', DL_TEXT.cancelledToast), ...raw(noteCard('已取消截止时间', DL_TEXT.cancelledNote(done.title))) };
  }

  async function onAction(ev: CardActionEvent): Promise<CallbackAnswer> {
    const parsed = dlValueSchema.safeParse(ev.value);
    if (!parsed.success) return toast('warning', DL_TEXT.badAction);
    const v = parsed.data;
    switch (v.a) {
      case 'go': {
        const card = await deps.openWalkthrough(ev.tenantKey, ev.operatorOpenId);
        if (v.p === 1) return raw(card);
        await deps.port.sendMessage({
          receiveIdType: 'open_id',
          receiveId: ev.operatorOpenId,
          msgType: 'interactive',
          content: card,
          uuid: safeJobId('dlgo', ev.eventId).slice(0, 50),
        });
        return toast('success', DL_TEXT.openedPrivately);
      }
      case 'mute': {
        if (!v.c || !v.d) return toast('warning', DL_TEXT.badAction);
        await store.mute(v.d, ev.operatorOpenId);
        const d = await store.get(v.c);
        const title = d && d.id === v.d ? d.title : '述职报告';
        return { ...toast('success', DL_TEXT.muted), ...raw(mutedCard(title)) };
      }
      case 'csv': {
        if (!v.c || !v.d) return toast('warning', DL_TEXT.badAction);
        if (!(await isAdmin(v.c, ev.operatorOpenId))) return toast('warning', DL_TEXT.notAdminToast);
        const data: ExportJobData = { c: v.c, d: v.d, u: ev.operatorOpenId, e: ev.eventId };
        await deps.jobs.enqueue(EXPORT_JOB, data, { jobId: safeJobId('dlcsv', ev.eventId), attempts: 5, backoffMs: 3000 });
        return toast('success', DL_TEXT.exporting);
      }
      default: {
        // Group cards: the chat is where the card is.
        const chatId = ev.chatId;
        if (!chatId) return toast('warning', DL_TEXT.badAction);
        if (!(await isAdmin(chatId, ev.operatorOpenId))) return toast('warning', DL_TEXT.notAdminToast);
        if (v.a === 'set') return onSet(ev, chatId, v);
        if (v.a === 'ok' || v.a === 'redo') return v.x ? onConfirm(ev, chatId, v.x, v.a === 'ok') : toast('warning', DL_TEXT.badAction);
        return onCancel(chatId, v, v.a === 'cx');
      }
    }
  }

  // ---- The CSV export ---------------------------------------------------------------------------------

  async function runExport(j: ExportJobData): Promise<void> {
    const d = await store.get(j.c);
    const uuid = (what: string) => sendUuid(j.d, `csv.${what}.${j.e}`);
    if (!d || d.id !== j.d) {
      await deps.port.sendMessage({ receiveIdType: 'open_id', receiveId: j.u, msgType: 'text', content: { text: DL_TEXT.exportNone }, uuid: uuid('none') });
      return;
    }
    const [p, chat] = await Promise.all([progress(d), chatInfo(d.chatId)]);
    const data = collectorCsv(p.people, (ms) => formatDue(ms, tz).replace(/（.*?）/, ' '));
    const { fileKey } = await deps.port.uploadFile({ fileName: safeFileName(`${d.title}-${chat.name}-收取情况.csv`), fileType: 'stream', data });
    await deps.port.sendMessage({ receiveIdType: 'open_id', receiveId: j.u, msgType: 'file', content: { file_key: fileKey }, uuid: uuid('file') });
  }

  const feature: Feature = {
    name: 'deadlines',
    onMessage,
    actionKinds: ['dl'],
    onAction,
    jobNames: [NUDGE_JOB, EXPORT_JOB, ANNOUNCE_JOB],
    async process(name, data) {
      if (name === EXPORT_JOB) return runExport(data as ExportJobData);
      if (name === ANNOUNCE_JOB) return runAnnounce(data as AnnounceJobData);
      if (name !== NUDGE_JOB) throw new Error(`deadlines: unknown job ${name}`);
      const outcome = await processNudge(data as NudgeJobData);
      if (outcome !== 'sent' && outcome !== 'summary') log.info({ job: data, outcome }, 'nudge job finished without a nudge');
    },
  };

  return {
    feature,
    upsert,
    cancel: (chatId) => closeOrCancel(chatId, 'cancelled'),
    get: (chatId) => store.get(chatId),
    progress,
    processNudge,
    replay: () => reconcile(),
    reconcile,
    store,
    rosters,
  };
}
