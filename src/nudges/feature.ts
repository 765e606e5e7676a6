// Deadlines and nudges in group chats (issue 7).
//
// Commands (group, after @述职助手): 设置截止 / 修改截止 (card form), 截止 <日期> [时间] [名称], 取消截止, 进度,
// 排除 @某某 / 恢复 @某某. Admins (group owner and managers) only, except 进度.
//
// Scheduling: the nudge plan is computed purely (plan.ts) and stored with the deadline in Redis. Each planned
// nudge is one BullMQ delayed job whose id is derived from the deadline id and the nudge id, so enqueueing
// the same plan again is a no-op, and a changed plan removes exactly the jobs that left it and adds those that
// joined. The job re-reads the deadline when it runs: a job whose nudge is no longer planned does nothing.
// Every message a job sends is guarded by a Redis marker (SET NX lease, then "sent"), and carries a
// deterministic Feishu uuid, so two instances, a retried job or a worker killed mid-send never send it twice.
// A job that fails is retried with backoff for about half an hour; a job that runs more than an hour after
// its planned time drops its nudge instead of sending it late.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  allDoneCard,
  collectorCard,
  type DeadlineView,
  deadlineCard,
  deadlineFormCard,
  dlValueSchema,
  FORM_FIELDS,
  groupNudgeCard,
  mutedCard,
  type PersonLine,
  privateNudgeCard,
  progressCard,
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
import { cleanTitle, DEFAULT_DUE_HOUR, DEFAULT_DUE_MINUTE, parseCommand, parseHhmm, pickerDay } from './parse.ts';
import { DEFAULT_OFFSETS, MAX_OFFSET, type PlannedNudge, planNudges } from './plan.ts';
import { type Person, type Progress, progressOf, reportStatusSource, type StatusSource, statusText } from './progress.ts';
import { type Deadline, DeadlineStore } from './store.ts';
import { DL_TEXT } from './texts.ts';
import { daysBetween, dayOf, formatDay, formatDue, hhmm, localParts, zonedMs } from '../time.ts';

export const NUDGE_JOB = 'deadline.nudge';
/** A nudge is never sent more than this long after its planned time. */
export const LATE_MS = 3600_000;
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
  /** Where each person stands; default: published mark, then walk-through session. */
  statusOf?: StatusSource;
  /** Limits the calls the port does not limit itself (chat members, chat info). Default: the shared Redis limiter. */
  limiter?: RateLimiter;
  /**
   * How long a send holds its marker before another worker may take over (a worker that died mid-send). The
   * Feishu uuid keeps a takeover during a slow but live send from posting twice. Default 30 s.
   */
  leaseMs?: number;
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

export type NudgeOutcome = 'sent' | 'all-done' | 'summary' | 'nobody' | 'stale' | 'late';

export interface DeadlineSettings {
  title?: string;
  due?: number;
  offsets?: number[];
  workdaysOnly?: boolean;
  mention?: boolean;
  private?: boolean;
  excluded?: string[];
}

export type UpsertResult =
  | { ok: true; deadline: Deadline; changed: boolean }
  | { ok: false; reason: 'conflict' | 'bad-due' };

export interface DeadlineFeature {
  feature: Feature;
  /** Sets (or changes) the chat's deadline: the command path without the admin check. */
  upsert(a: {
    tenantKey: string;
    chatId: string;
    setBy: string;
    settings: DeadlineSettings;
    /** The revision the change was based on; -1 = "there was none"; undefined = whatever is there now. */
    expectedRev?: number;
  }): Promise<UpsertResult>;
  cancel(chatId: string): Promise<Deadline | null>;
  get(chatId: string): Promise<Deadline | null>;
  progress(d: Deadline): Promise<Progress>;
  /** What the BullMQ worker runs for a nudge job. */
  /** Runs one nudge. `asOf` evaluates it at that time instead of now() (the playground's clock replay). */
  processNudge(data: NudgeJobData, asOf?: number): Promise<NudgeOutcome>;
  /**
   * Playground only: the fake clock jumped from `from` to `to`; runs, in time order and as of their planned time,
   * the nudges planned in (from, to], as if the time had passed. Idempotent with the BullMQ jobs (sent markers).
   */
  replay(from: number, to: number): Promise<number>;
  /** Enqueues again every pending nudge of every active deadline (idempotent; call at start-up). */
  reconcile(): Promise<number>;
  store: DeadlineStore;
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

export function createDeadlineFeature(deps: DeadlineDeps): DeadlineFeature {
  const now = deps.now ?? Date.now;
  const tz = deps.tz;
  const calendar = deps.calendar ?? chinaCalendar;
  const statusOf = deps.statusOf ?? reportStatusSource(deps.redis);
  const limiter = deps.limiter ?? new RedisRateLimiter({ redis: deps.redis });
  const leaseMs = deps.leaseMs ?? 30_000;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const newId = deps.newId ?? (() => randomBytes(6).toString('base64url'));
  const store = new DeadlineStore(deps.redis);
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

  function normalizeOffsets(list: readonly number[]): number[] {
    return [...new Set(list)].filter((o) => Number.isInteger(o) && o >= 0 && o <= MAX_OFFSET).sort((a, b) => b - a).slice(0, 10);
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

  async function upsert(a: Parameters<DeadlineFeature['upsert']>[0]): Promise<UpsertResult> {
    for (let attempt = 0; attempt < (a.expectedRev === undefined ? 3 : 1); attempt++) {
      const current = await store.get(a.chatId);
      const active = current?.state === 'active' ? current : null;
      if (a.expectedRev !== undefined && a.expectedRev !== (active ? active.rev : -1)) return { ok: false, reason: 'conflict' };
      const s = a.settings;
      const due = s.due ?? active?.due;
      const t = now();
      if (due === undefined || due <= t) return { ok: false, reason: 'bad-due' };
      const title = cleanTitle(s.title ?? '') ?? active?.title ?? defaultTitle(due);
      const base = {
        offsets: normalizeOffsets(s.offsets ?? active?.offsets ?? DEFAULT_OFFSETS),
        workdaysOnly: s.workdaysOnly ?? active?.workdaysOnly ?? true,
        mention: s.mention ?? active?.mention ?? false,
        private: s.private ?? active?.private ?? true,
        excluded: [...new Set(s.excluded ?? active?.excluded ?? [])].slice(0, 1000),
      };
      const plan = planNudges({ due, offsets: base.offsets, workdaysOnly: base.workdaysOnly, tz, calendar });
      const storedRev = current ? current.rev : await store.storedRev(a.chatId);
      const next: Deadline = {
        v: 1,
        id: active?.id ?? newId(),
        tenantKey: a.tenantKey,
        chatId: a.chatId,
        title,
        year: yearOf(title, due),
        due,
        ...base,
        // The admin who set the deadline receives the collector's list; a later change by another admin keeps it.
        setBy: active?.setBy ?? a.setBy,
        createdAt: active?.createdAt ?? t,
        updatedAt: t,
        rev: (storedRev ?? -1) + 1,
        state: 'active',
        plan,
      };
      if (!(await store.save(storedRev, next))) continue;
      await schedule(active, next);
      return { ok: true, deadline: next, changed: active !== null };
    }
    return { ok: false, reason: 'conflict' };
  }

  async function closeOrCancel(chatId: string, state: 'closed' | 'cancelled', id?: string): Promise<Deadline | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await store.get(chatId);
      if (current?.state !== 'active' || (id && current.id !== id)) return null;
      const next: Deadline = { ...current, state, rev: current.rev + 1, updatedAt: now() };
      if (!(await store.save(current.rev, next))) continue;
      if (state === 'cancelled') await schedule(current, next);
      return next;
    }
    return null;
  }

  async function progress(d: Deadline): Promise<Progress> {
    return progressOf({ members: await members(d.chatId), excluded: d.excluded, tenantKey: d.tenantKey, year: d.year, statusOf });
  }

  function view(d: Deadline): DeadlineView {
    const t = now();
    return {
      title: d.title,
      dueText: formatDue(d.due, tz),
      nudgeDays: d.plan.filter((p) => p.kind === 'nudge' && p.at > t).map((p) => formatDay(p.day)),
      offsets: d.offsets,
      workdaysOnly: d.workdaysOnly,
      mention: d.mention,
      private: d.private,
      excludedCount: d.excluded.length,
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
    });
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

  async function processNudge(data: NudgeJobData, asOf?: number): Promise<NudgeOutcome> {
    const d = await store.get(data.c);
    if (!d || d.id !== data.d || d.state !== 'active') return 'stale';
    const entry = d.plan.find((p) => p.id === data.n);
    if (!entry) return 'stale';
    const t = asOf ?? now();
    if (t > entry.at + LATE_MS) {
      log.warn({ chatId: d.chatId, deadlineId: d.id, nudge: entry.id, lateMs: t - entry.at }, 'nudge more than an hour late; dropped');
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

  async function reconcile(): Promise<number> {
    let n = 0;
    const t = now();
    for (const chatId of await store.activeChats()) {
      const d = await store.get(chatId);
      if (d?.state !== 'active') continue;
      for (const p of d.plan) {
        if (p.at + LATE_MS <= t) continue;
        await enqueue(d, p, t);
        n++;
      }
    }
    return n;
  }

  async function replay(from: number, to: number): Promise<number> {
    const due: Array<{ data: NudgeJobData; at: number }> = [];
    for (const chatId of await store.activeChats()) {
      const d = await store.get(chatId);
      if (d?.state !== 'active') continue;
      for (const p of d.plan) if (p.at > from && p.at <= to) due.push({ data: { c: d.chatId, d: d.id, n: p.id }, at: p.at });
    }
    due.sort((a, b) => a.at - b.at);
    for (const x of due) {
      await processNudge(x.data, x.at);
      await deps.jobs.remove(nudgeJobId(x.data.d, x.data.n)).catch(() => undefined);
    }
    return due.length;
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

  async function formCard(d: Deadline | null, chatId: string): Promise<object> {
    const t = now();
    const list = await members(chatId);
    if (d) {
      const lp = localParts(d.due, tz);
      return deadlineFormCard({
        modify: true,
        title: d.title,
        day: dayOf(d.due, tz),
        time: hhmm(lp.hour, lp.minute),
        offsets: d.offsets,
        workdaysOnly: d.workdaysOnly,
        mention: d.mention,
        private: d.private,
        members: list,
        excluded: d.excluded,
        rev: d.rev,
      });
    }
    // A suggested due day two weeks ahead (on a workday), 18:00.
    let day = dayOf(t + 14 * 86_400_000, tz);
    for (let i = 0; i < 10 && !calendar.isWorkday(day); i++) day = dayOf(zonedMs(day, 12, 0, tz) + 86_400_000, tz);
    return deadlineFormCard({
      modify: false,
      title: defaultTitle(t),
      day,
      time: hhmm(DEFAULT_DUE_HOUR, DEFAULT_DUE_MINUTE),
      offsets: DEFAULT_OFFSETS,
      workdaysOnly: true,
      mention: false,
      private: true,
      members: list,
      excluded: [],
      rev: -1,
    });
  }

  async function onMessage(ev: MessageEvent): Promise<boolean> {
    if (ev.chatType === 'p2p' || (ev.messageType !== 'text' && ev.messageType !== 'post')) return false;
    const cmd = parseCommand(ev.text, now(), tz);
    if (!cmd) return false;
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
        await reply(ev, await formCard(active, ev.chatId), 'interactive');
        return true;
      case 'badDate':
        await reply(ev, { text: DL_TEXT.badDate });
        return true;
      case 'set': {
        const r = await upsert({
          tenantKey: ev.tenantKey,
          chatId: ev.chatId,
          setBy: ev.senderOpenId,
          settings: { due: cmd.due, ...(cmd.title ? { title: cmd.title } : {}) },
        });
        if (!r.ok) {
          await reply(ev, { text: r.reason === 'bad-due' ? DL_TEXT.badDate : DL_TEXT.conflict });
          return true;
        }
        const p = await progress(r.deadline);
        await reply(ev, deadlineCard(view(r.deadline), p, r.changed), 'interactive');
        return true;
      }
      case 'cancel': {
        const done = active ? await closeOrCancel(ev.chatId, 'cancelled') : null;
        await reply(ev, { text: done ? DL_TEXT.cancelled(done.title) : DL_TEXT.noActiveDeadline });
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
        if (!active) {
          await reply(ev, { text: DL_TEXT.needDeadlineFirst });
          return true;
        }
        const me = await bot();
        const ids = [...new Set(ev.mentions.map((m) => m.openId ?? '').filter((id) => id && id !== me))];
        if (ids.length === 0) {
          await reply(ev, { text: cmd.kind === 'exclude' ? DL_TEXT.excludeUsage : DL_TEXT.includeUsage });
          return true;
        }
        const excluded =
          cmd.kind === 'exclude' ? [...new Set([...active.excluded, ...ids])] : active.excluded.filter((id) => !ids.includes(id));
        const r = await upsert({ tenantKey: ev.tenantKey, chatId: ev.chatId, setBy: ev.senderOpenId, settings: { excluded } });
        await reply(ev, {
          text: !r.ok ? DL_TEXT.conflict : cmd.kind === 'exclude' ? DL_TEXT.excluded(ids.length) : DL_TEXT.included(ids.length),
        });
        return true;
      }
    }
  }

  // ---- Card actions -----------------------------------------------------------------------------------

  const toast = (type: 'info' | 'success' | 'error' | 'warning', content: string) => ({ toast: { type, content } });

  function formSettings(form: Record<string, unknown>, active: Deadline | null): DeadlineSettings | null {
    const day = pickerDay(form[FORM_FIELDS.day]);
    if (!day) return null;
    const time = parseHhmm(form[FORM_FIELDS.time]) ?? (active ? localParts(active.due, tz) : { hour: DEFAULT_DUE_HOUR, minute: DEFAULT_DUE_MINUTE });
    const due = zonedMs(day, time.hour, time.minute, tz);
    const s: DeadlineSettings = { due };
    const title = typeof form[FORM_FIELDS.title] === 'string' ? cleanTitle(form[FORM_FIELDS.title] as string) : undefined;
    s.title = title ?? defaultTitle(due);
    // A field the client did not send as an array (untouched, or not on the card) keeps its current value.
    const offs = form[FORM_FIELDS.offsets];
    if (Array.isArray(offs)) s.offsets = offs.map(Number).filter((n) => Number.isInteger(n));
    const ex = form[FORM_FIELDS.exclude];
    if (Array.isArray(ex)) s.excluded = ex.filter((x): x is string => typeof x === 'string' && x.length > 0);
    const bool = (k: string): boolean | undefined => (typeof form[k] === 'boolean' ? (form[k] as boolean) : undefined);
    const wd = bool(FORM_FIELDS.workdays);
    if (wd !== undefined) s.workdaysOnly = wd;
    const at = bool(FORM_FIELDS.mention);
    if (at !== undefined) s.mention = at;
    const dm = bool(FORM_FIELDS.private);
    if (dm !== undefined) s.private = dm;
    return s;
  }

  async function onAction(ev: CardActionEvent): Promise<CallbackAnswer> {
    const parsed = dlValueSchema.safeParse(ev.value);
    if (!parsed.success) return toast('warning', DL_TEXT.badAction);
    const v = parsed.data;
    switch (v.a) {
      case 'go': {
        const card = await deps.openWalkthrough(ev.tenantKey, ev.operatorOpenId);
        if (v.p === 1) return { card: { type: 'raw', data: card } };
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
        return { ...toast('success', DL_TEXT.muted), card: { type: 'raw', data: mutedCard(title) } };
      }
      case 'set': {
        const chatId = ev.chatId;
        if (!chatId) return toast('warning', DL_TEXT.badAction);
        if (!(await isAdmin(chatId, ev.operatorOpenId))) return toast('warning', DL_TEXT.notAdminToast);
        const current = await store.get(chatId);
        const active = current?.state === 'active' ? current : null;
        const settings = formSettings(ev.formValue ?? {}, active);
        if (!settings) return toast('error', DL_TEXT.badForm);
        const r = await upsert({
          tenantKey: ev.tenantKey,
          chatId,
          setBy: ev.operatorOpenId,
          settings,
          ...(v.r === undefined ? {} : { expectedRev: v.r }),
        });
        if (!r.ok) return toast(r.reason === 'bad-due' ? 'error' : 'warning', r.reason === 'bad-due' ? DL_TEXT.badForm : DL_TEXT.conflict);
        const p = await progress(r.deadline);
        return { ...toast('success', DL_TEXT.saved), card: { type: 'raw', data: deadlineCard(view(r.deadline), p, r.changed) } };
      }
    }
  }

  const feature: Feature = {
    name: 'deadlines',
    onMessage,
    actionKinds: ['dl'],
    onAction,
    jobNames: [NUDGE_JOB],
    async process(name, data) {
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
    replay,
    reconcile,
    store,
  };
}
