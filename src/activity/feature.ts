// The activity log as a bot feature: messages that read as activities are logged (p2p: any message; group:
// "@bot 记录 …"), confirmed, edited and undone from cards; 统计/台账, 列表 and 导出 answer privately; on the
// first working day of each month a private reminder names last month's gaps (BullMQ delayed job, one per
// month, deterministic id). The statistics feed the report's walk-through through `stats`.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  ACT_K,
  type ActValue,
  confirmCard,
  editCard,
  gapCard,
  helpCard,
  kindChoices,
  ledgerCard,
  listCard,
  PAGE_SIZE,
  parseActValue,
  plannedCard,
  remindCard,
  undoneCard,
} from '../../cards/activity.ts';
import type { BotLogger } from '../bot/index.ts';
import type { CardActionEvent, Feature, MessageEvent, StatsSource } from '../bot/feature.ts';
import type { CallbackAnswer } from '../feishu/edge.ts';
import type { FeishuPort } from '../feishu/port.ts';
import { type Jobs, safeJobId } from '../jobs/queue.ts';
import { ActivityStore } from '../store/activities.ts';
import { KEY_PREFIX } from '../store/redis.ts';
import { firstWorkingDay, isIsoDate, localTime, makeDate, monthKey, parts, shiftMonth, todayIn } from './dates.ts';
import { isActivityKind } from './kinds.ts';
import { buildLedger, type Frequencies, ledgerCsv, monthGaps, toReportStats } from './ledger.ts';
import { parseActivities, plannedKind } from './parse.ts';
import { type ActivityRecord, datePending, type Owner, RECORD_VERSION, recordId } from './record.ts';

export const ACTIVITY_JOBS = { gaps: 'act-gaps', export: 'act-export' } as const;
/** Local hour at which the monthly reminder goes out. */
export const REMIND_HOUR = 9;

export const ACT_TEXT = {
  notFound: '未找到这条记录（可能已被删除，或不是您记录的活动）',
  chooseKind: '请选择活动类型',
  members: '请填写本支部党员人数（1 至 100000 的整数）',
  confirmed: '已记入台账',
  confirmedSome: '已记入台账；请继续为其余活动选择类型',
  undone: '已撤销',
  saved: '已保存',
  deleted: '已删除',
  conflict: '这条记录刚刚在别处被修改过，已为您显示最新内容，请再试一次',
  badDate: '请选择有效的活动日期',
  pickDate: '日期有误的活动，请先选择正确的日期',
  planned: '已按计划记录，活动开展后请修改日期或确认',
  yearFixed: '已改为去年的日期',
  notFuture: '这条记录的日期已不在今天之后，无需此操作',
  noDate: (m: number, d: number) => `消息中没有写日期，已按今天（${m}月${d}日）记录；如不是今天，请点“修改”`,
  futureDate: '活动日期不能晚于今天',
  badNumber: (what: string) => `${what}请填写数字`,
  topicTooLong: '主题最多 200 字',
  exporting: '正在导出，稍后将以文件形式发送给您',
  remindOff: '已关闭每月提醒',
  remindOn: '已开启每月提醒',
  badFormat: '操作无效，请在最新的卡片上操作',
  groupPrivate: '已在单聊中发送给您，请在与“述职助手”的单聊中查看。',
  groupLogged: '已记录，请在与“述职助手”的单聊中确认。',
  groupHelp: '记录支部活动请 @我 并发送“记录 + 活动内容”，例如：@述职助手 记录 昨天召开支委会，研究第二季度工作',
  exportEmpty: (y: number) => `${y}年还没有活动记录，暂无可导出的台账。`,
  exportCaption: (y: number) => `${y}年度支部活动台账已导出，请查收文件。`,
} as const;

export interface ActivityDeps {
  port: FeishuPort;
  redis: Redis;
  jobs: Jobs;
  logger: BotLogger;
  /** BOT_TZ: "today", month boundaries and the reminder time. */
  tz: string;
  now?: () => number;
  /** Required frequencies (defaults: DEFAULT_FREQUENCIES of kinds.ts). */
  frequencies?: Frequencies;
}

export interface ActivityFeature {
  feature: Feature;
  stats: StatsSource;
  /** Registers the next monthly reminder job (idempotent: one job id per month). */
  schedule(): Promise<void>;
  /**
   * Playground only: the fake clock jumped from `from` to `to`; runs the monthly reminders planned in (from, to],
   * in order, as if the time had passed (idempotent with the BullMQ jobs: per-person sent markers).
   */
  replay(from: number, to: number): Promise<number>;
  store: ActivityStore;
}

/** A Feishu uuid (≤ 50 chars) derived from the parts: the same work sends at most one message. */
function uuidOf(...p: string[]): string {
  return `a${createHash('sha256').update(p.join('\u0000')).digest('hex').slice(0, 40)}`;
}

type Cmd = { a: 'stats'; y?: number } | { a: 'list' } | { a: 'export'; y?: number } | { a: 'help' } | { a: 'remind'; on: boolean };

/** The commands of the activity log, typed alone (after an @ in a group). */
export function readCommand(text: string): Cmd | null {
  const t = text.replace(/\s+/g, '').replace(/[。！!.?？]+$/, '').replace(/^(?:记录|活动)/, '');
  let m = /^(?:统计|台账|活动统计|活动台账|查看台账|查看统计)(?:(\d{4})年?)?$/.exec(t) ?? /^(\d{4})年?(?:统计|台账|活动台账)$/.exec(t);
  if (m) return m[1] ? { a: 'stats', y: Number(m[1]) } : { a: 'stats' };
  if (/^(?:列表|活动列表|记录列表|查看列表|查看记录)$/.test(t)) return { a: 'list' };
  m = /^(?:导出|导出台账|导出活动|下载台账)(?:(\d{4})年?)?$/.exec(t);
  if (m) return m[1] ? { a: 'export', y: Number(m[1]) } : { a: 'export' };
  if (/^(?:帮助|记录帮助|怎么记录|如何记录|help)$/i.test(t)) return { a: 'help' };
  if (/^(?:关闭提醒|不再提醒|关闭每月提醒)$/.test(t)) return { a: 'remind', on: false };
  if (/^(?:开启提醒|打开提醒|开启每月提醒)$/.test(t)) return { a: 'remind', on: true };
  return null;
}

/** Longer messages are documents, not activity logs. */
export const MAX_MESSAGE_CHARS = 2000;

const GROUP_LOG = /^\s*(?:记录|记一下|记一笔|登记|补记|补录)\s*[：:，,]?\s*/;

export function createActivityFeature(deps: ActivityDeps): ActivityFeature {
  const now = deps.now ?? Date.now;
  const store = new ActivityStore(deps.redis);
  const freqs = deps.frequencies;
  const today = () => todayIn(now(), deps.tz);
  const thisYear = () => parts(today()).y;

  async function sendCardTo(openId: string, card: object, uuid: string): Promise<void> {
    await deps.port.sendMessage({ receiveIdType: 'open_id', receiveId: openId, msgType: 'interactive', content: card, uuid });
  }

  async function batchRecords(o: Owner, m: string, n: number): Promise<ActivityRecord[]> {
    return store.getMany(
      o,
      Array.from({ length: n }, (_, i) => recordId(m, i)),
    );
  }

  async function batchCard(o: Owner, m: string, n: number): Promise<object> {
    const records = await batchRecords(o, m, n);
    const settings = await store.settings(o);
    return confirmCard(records, { m, n }, { askMembers: needsMembers(records, settings.memberCount) });
  }

  function needsMembers(records: ActivityRecord[], memberCount: number | undefined): boolean {
    return !memberCount && records.some((r) => r.status !== 'deleted' && r.allMembers && r.attendees === null);
  }

  async function listPage(o: Owner, page: number): Promise<object> {
    let p = page;
    let { records, total } = await store.recent(o, p * PAGE_SIZE, PAGE_SIZE);
    if (records.length === 0 && p > 0 && total > 0) {
      // The page emptied (deletions): show the last one that has records.
      p = Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);
      ({ records, total } = await store.recent(o, p * PAGE_SIZE, PAGE_SIZE));
    }
    return listCard(records, p, total);
  }

  async function ledger(o: Owner, year: number): Promise<object> {
    return ledgerCard(buildLedger(await store.inYear(o, year), year, today(), freqs));
  }

  async function enqueueExport(o: Owner, year: number, key: string): Promise<void> {
    await deps.jobs.enqueue(ACTIVITY_JOBS.export, { tenant: o.tenant, openId: o.openId, year, key }, { jobId: safeJobId('act-export', uuidOf(key, String(year))), attempts: 5, backoffMs: 3000 });
  }

  // ---- messages ------------------------------------------------------------------------------------------

  async function onMessage(ev: MessageEvent): Promise<boolean> {
    if (ev.messageType !== 'text' && ev.messageType !== 'post') return false;
    const inGroup = ev.chatType !== 'p2p';
    const o: Owner = { tenant: ev.tenantKey, openId: ev.senderOpenId };
    const reply = (content: object, msgType: 'text' | 'interactive', tag: string) =>
      deps.port.replyMessage({ messageId: ev.messageId, msgType, content, uuid: uuidOf(tag, ev.messageId), chatId: ev.chatId });
    // A private answer: in p2p a reply; from a group, a message in the p2p chat and a short note in the group.
    const privately = async (card: object, tag: string) => {
      if (!inGroup) {
        await reply(card, 'interactive', tag);
        return;
      }
      await sendCardTo(o.openId, card, uuidOf(tag, 'p2p', ev.messageId));
      await reply({ text: tag === 'log' ? ACT_TEXT.groupLogged : ACT_TEXT.groupPrivate }, 'text', `${tag}-note`);
    };

    const cmd = readCommand(ev.text);
    if (cmd) {
      switch (cmd.a) {
        case 'stats':
          await privately(await ledger(o, cmd.y ?? thisYear()), 'stats');
          return true;
        case 'list':
          await privately(await listPage(o, 0), 'list');
          return true;
        case 'export':
          await enqueueExport(o, cmd.y ?? thisYear(), ev.messageId);
          if (inGroup) await reply({ text: ACT_TEXT.groupPrivate }, 'text', 'export-note');
          return true;
        case 'help':
          await privately(helpCard(), 'help');
          return true;
        case 'remind':
          await store.setRemind(o, cmd.on);
          await privately(remindCard(cmd.on), 'remind');
          return true;
      }
    }

    // A pasted document (last year's report…) is not a log entry: leave it to the others.
    if ([...ev.text].length > MAX_MESSAGE_CHARS) return false;
    let text = ev.text;
    if (inGroup) {
      const m = GROUP_LOG.exec(text);
      if (!m) return false;
      text = text.slice(m[0].length);
    }
    const settings = await store.settings(o);
    const found = parseActivities(text, { today: today(), ...(settings.memberCount ? { memberCount: settings.memberCount } : {}) });
    if (found.length === 0) {
      // "下周三召开支委会": a plan, not an activity; say so rather than show the generic help.
      const planned = plannedKind(text, { today: today() });
      if (planned) {
        await privately(plannedCard(planned), 'planned');
        return true;
      }
      if (inGroup) await reply({ text: ACT_TEXT.groupHelp }, 'text', 'help');
      else await reply(helpCard(), 'interactive', 'help');
      return true;
    }
    const t = now();
    const { m: tm, d: td } = parts(today());
    const noteOf = (a: (typeof found)[number]): ActivityRecord['dateNote'] =>
      a.dateNote ? { kind: a.dateNote.kind, text: a.dateNote.text } : a.dateGiven ? undefined : { kind: 'none', text: ACT_TEXT.noDate(tm, td) };
    const records: ActivityRecord[] = found.map((a) => ({
      v: RECORD_VERSION,
      id: recordId(ev.messageId, a.index),
      msg: ev.messageId,
      idx: a.index,
      date: a.date,
      kind: a.kind,
      attendees: a.attendees,
      allMembers: a.allMembers,
      topic: a.topic,
      hours: a.hours,
      source: [...a.source].slice(0, 1000).join(''),
      ...(noteOf(a) ? { dateNote: noteOf(a) } : {}),
      status: 'logged',
      rev: 0,
      createdAt: t,
      updatedAt: t,
    }));
    const saved = await store.insertAll(o, records);
    const n = Math.max(...found.map((a) => a.index)) + 1;
    const card = confirmCard(saved.records, { m: ev.messageId, n }, { askMembers: needsMembers(saved.records, settings.memberCount) });
    deps.logger.info({ records: saved.records.length, created: saved.created }, 'activities logged');
    await privately(card, 'log');
    return true;
  }

  // ---- card actions --------------------------------------------------------------------------------------

  const toast = (type: 'info' | 'success' | 'error' | 'warning', content: string) => ({ type, content });
  const raw = (card: object) => ({ type: 'raw' as const, data: card });

  async function originCard(o: Owner, v: ActValue): Promise<object> {
    if (v.o === 'c' && v.m && v.n) return batchCard(o, v.m, v.n);
    return listPage(o, v.p ?? 0);
  }

  function readEdit(form: Record<string, unknown>, current: ActivityRecord): { error: string } | { patch: Partial<ActivityRecord> } {
    const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : form[k] === undefined ? undefined : String(form[k]));
    const patch: Partial<ActivityRecord> = {};
    const date = str('date');
    if (date !== undefined && date !== '') {
      const d = /^(\d{4}-\d{2}-\d{2})/.exec(date)?.[1];
      if (!d || !isIsoDate(d)) return { error: ACT_TEXT.badDate };
      // A planned record keeps its date to come until the activity has taken place.
      const keptPlan = current.planned === true && d === current.date;
      if (d > today() && !keptPlan) return { error: ACT_TEXT.futureDate };
      patch.date = d;
      if (!keptPlan) {
        // A date picked on the form settles the date, whatever the message said.
        patch.dateNote = undefined;
        patch.planned = undefined;
      }
    }
    const kind = str('kind');
    if (kind !== undefined && kind !== '') {
      if (!isActivityKind(kind)) return { error: ACT_TEXT.chooseKind };
      patch.kind = kind;
    }
    const att = str('att');
    if (att !== undefined) {
      if (att === '') patch.attendees = null;
      else if (!/^\d{1,6}$/.test(att) || Number(att) > 100_000) return { error: ACT_TEXT.badNumber('参加人数') };
      else patch.attendees = Number(att);
      if (patch.attendees !== current.attendees) patch.allMembers = false;
    }
    const topic = str('topic');
    if (topic !== undefined) {
      if ([...topic].length > 200) return { error: ACT_TEXT.topicTooLong };
      patch.topic = topic === '' ? null : topic;
    }
    const hours = str('hours');
    if (hours !== undefined) {
      if (hours === '') patch.hours = null;
      else if (!/^\d{1,3}(?:\.\d{1,2})?$/.test(hours) || Number(hours) > 1000) return { error: ACT_TEXT.badNumber('学时') };
      else patch.hours = Number(hours);
    }
    return { patch };
  }

  async function onAction(ev: CardActionEvent): Promise<CallbackAnswer> {
    const v = parseActValue(ev.value);
    if (!v) return { toast: toast('warning', ACT_TEXT.badFormat) };
    const o: Owner = { tenant: ev.tenantKey, openId: ev.operatorOpenId };
    const t = now();
    switch (v.a) {
      case 'ok': {
        if (!v.m || !v.n) return { toast: toast('warning', ACT_TEXT.badFormat) };
        const records = (await batchRecords(o, v.m, v.n)).filter((r) => r.status !== 'deleted');
        if (records.length === 0) return { toast: toast('warning', ACT_TEXT.notFound) };
        const form = ev.formValue ?? {};
        const settings = await store.settings(o);
        // Everything is checked before anything is written.
        const kinds = new Map<string, string>();
        // The card asks for the kinds of some records at a time (kindChoices); the others are asked next.
        for (const r of kindChoices(records)) {
          const k = String(form[`kind${r.idx}`] ?? '');
          if (!isActivityKind(k)) return { toast: toast('error', ACT_TEXT.chooseKind) };
          kinds.set(r.id, k);
        }
        // Dates the card asked for: required where the written date was impossible, optional for a month.
        const dates = new Map<string, string>();
        for (const r of records) {
          if (r.dateNote?.kind !== 'invalid' && r.dateNote?.kind !== 'month') continue;
          const raw = /^(\d{4}-\d{2}-\d{2})/.exec(String(form[`date${r.idx}`] ?? ''))?.[1];
          if (!raw || !isIsoDate(raw) || raw > today()) {
            if (r.dateNote.kind === 'invalid') return { toast: toast('error', raw ? ACT_TEXT.futureDate : ACT_TEXT.pickDate) };
            continue;
          }
          if (r.dateNote.kind === 'invalid' || raw !== r.date) dates.set(r.id, raw);
        }
        let members = settings.memberCount;
        if (needsMembers(records, members)) {
          const raw = String(form.members ?? '').trim();
          if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100_000) return { toast: toast('error', ACT_TEXT.members) };
          members = Number(raw);
          await store.setMemberCount(o, members);
        }
        // Records whose kind this card did not ask for yet stay logged: the next card asks for them.
        const left = records.filter((r) => r.kind === null && !kinds.has(r.id)).length;
        for (const r of records) {
          await store.update(
            o,
            r.id,
            (cur) => {
              const k = kinds.get(cur.id);
              const kind = cur.kind ?? (k && isActivityKind(k) ? k : null);
              const date = dates.get(cur.id);
              // A date still to come stays to be settled with 按计划记录 or 改为去年.
              const keepNote = cur.dateNote && !date && cur.dateNote.kind !== 'none' ? cur.dateNote : undefined;
              return {
                ...cur,
                status: cur.status === 'deleted' ? 'deleted' : kind === null || datePending({ dateNote: keepNote }) ? cur.status : 'confirmed',
                kind,
                attendees: cur.attendees ?? (cur.allMembers && members ? members : null),
                date: date ?? cur.date,
                dateNote: keepNote,
              };
            },
            t,
          );
        }
        const done = left > 0 ? ACT_TEXT.confirmedSome : ACT_TEXT.confirmed;
        return { toast: toast('success', done), card: raw(await batchCard(o, v.m, v.n)) };
      }
      case 'plan':
      case 'year': {
        const r = v.id ? await store.get(o, v.id) : null;
        if (!r || r.status === 'deleted') return { toast: toast('warning', ACT_TEXT.notFound) };
        if (r.dateNote?.kind !== 'future') return { toast: toast('info', ACT_TEXT.notFuture), card: raw(await originCard(o, v)) };
        const { y, m, d } = parts(r.date);
        const last = makeDate(y - 1, m, d);
        if (v.a === 'year' && !last) return { toast: toast('error', ACT_TEXT.badDate) };
        await store.update(
          o,
          r.id,
          (cur) =>
            v.a === 'plan'
              ? { ...cur, dateNote: undefined, planned: true, status: cur.kind === null ? cur.status : 'confirmed' }
              : { ...cur, dateNote: undefined, date: last!, status: cur.kind === null ? cur.status : 'confirmed' },
          t,
        );
        return { toast: toast('success', v.a === 'plan' ? ACT_TEXT.planned : ACT_TEXT.yearFixed), card: raw(await originCard(o, v)) };
      }
      case 'undo': {
        if (!v.m || !v.n) return { toast: toast('warning', ACT_TEXT.badFormat) };
        const records = (await batchRecords(o, v.m, v.n)).filter((r) => r.status !== 'deleted');
        if (records.length === 0) {
          // Already undone (a second click), or not this person's records.
          const any = await batchRecords(o, v.m, v.n);
          return any.length > 0 ? { card: raw(undoneCard()) } : { toast: toast('warning', ACT_TEXT.notFound) };
        }
        for (const r of records) await store.update(o, r.id, (cur) => ({ ...cur, status: 'deleted' }), t);
        return { toast: toast('success', ACT_TEXT.undone), card: raw(undoneCard()) };
      }
      case 'edit': {
        const r = v.id ? await store.get(o, v.id) : null;
        if (!r || r.status === 'deleted') return { toast: toast('warning', ACT_TEXT.notFound) };
        return { card: raw(editCard(r, { o: v.o ?? 'l', ...(v.p !== undefined ? { p: v.p } : {}), ...(v.m ? { m: v.m } : {}), ...(v.n ? { n: v.n } : {}) })) };
      }
      case 'save': {
        const r = v.id ? await store.get(o, v.id) : null;
        if (!r || r.status === 'deleted') return { toast: toast('warning', ACT_TEXT.notFound) };
        const read = readEdit(ev.formValue ?? {}, r);
        if ('error' in read) return { toast: toast('error', read.error) };
        const res = await store.update(o, r.id, (cur) => ({ ...cur, ...read.patch, status: 'confirmed' }), t, v.r);
        if (!res.ok) {
          if (res.reason === 'missing' || !res.record || res.record.status === 'deleted') return { toast: toast('warning', ACT_TEXT.notFound) };
          const back = { o: v.o ?? 'l', ...(v.p !== undefined ? { p: v.p } : {}), ...(v.m ? { m: v.m } : {}), ...(v.n ? { n: v.n } : {}) } as const;
          return { toast: toast('warning', ACT_TEXT.conflict), card: raw(editCard(res.record, back)) };
        }
        return { toast: toast('success', ACT_TEXT.saved), card: raw(await originCard(o, v)) };
      }
      case 'back':
        return { card: raw(await originCard(o, v)) };
      case 'del': {
        if (!v.id) return { toast: toast('warning', ACT_TEXT.badFormat) };
        const res = await store.update(o, v.id, (cur) => ({ ...cur, status: 'deleted' }), t, v.r);
        if (!res.ok && res.reason === 'missing') return { toast: toast('warning', ACT_TEXT.notFound) };
        if (!res.ok && res.record?.status !== 'deleted') return { toast: toast('warning', ACT_TEXT.conflict), card: raw(await listPage(o, v.p ?? 0)) };
        return { toast: toast('success', ACT_TEXT.deleted), card: raw(await listPage(o, v.p ?? 0)) };
      }
      case 'page':
      case 'list':
        return { card: raw(await listPage(o, v.p ?? 0)) };
      case 'stats':
        return { card: raw(await ledger(o, v.y ?? thisYear())) };
      case 'export':
        await enqueueExport(o, v.y ?? thisYear(), ev.eventId);
        return { toast: toast('info', ACT_TEXT.exporting) };
      case 'off':
      case 'on':
        await store.setRemind(o, v.a === 'on');
        return { toast: toast('success', v.a === 'on' ? ACT_TEXT.remindOn : ACT_TEXT.remindOff), card: raw(remindCard(v.a === 'on')) };
      case 'help':
        return { card: raw(helpCard()) };
    }
  }

  // ---- jobs ----------------------------------------------------------------------------------------------

  /** The month whose first working day (at REMIND_HOUR local) is the next reminder at or after `from`. */
  function nextRun(from: number): { run: string; at: number } {
    const { y, m } = parts(todayIn(from, deps.tz));
    for (let i = 0; i < 3; i++) {
      const s = shiftMonth(y, m, i);
      const at = localTime(firstWorkingDay(s.y, s.m), REMIND_HOUR, deps.tz);
      if (at >= from) return { run: monthKey(s.y, s.m), at };
    }
    throw new Error('no reminder date found');
  }

  async function scheduleRun(run: string, at: number): Promise<void> {
    await deps.jobs.enqueue(ACTIVITY_JOBS.gaps, { run }, { jobId: safeJobId('act-gaps', run), delayMs: Math.max(0, at - now()), attempts: 5, backoffMs: 60_000 });
  }

  async function schedule(): Promise<void> {
    const next = nextRun(now());
    await scheduleRun(next.run, next.at);
  }

  async function runGaps(run: string): Promise<void> {
    const [ry, rm] = run.split('-').map(Number) as [number, number];
    const prev = shiftMonth(ry, rm, -1);
    let sent = 0;
    for (const o of await store.owners()) {
      const settings = await store.settings(o);
      if (settings.remindOff) continue;
      const records = await store.inYear(o, prev.y);
      // Only secretaries who use the log this year are reminded ("no formalism": reminders are few).
      if (records.length === 0) continue;
      const gaps = monthGaps(records, prev.y, prev.m, freqs);
      if (gaps.length === 0) continue;
      const marker = `${KEY_PREFIX}act:gapsent:${run}:${o.tenant || '-'}:${o.openId}`;
      if ((await deps.redis.set(marker, '1', 'PX', 40 * 24 * 3600 * 1000, 'NX')) !== 'OK') continue;
      try {
        await sendCardTo(o.openId, gapCard(prev.y, prev.m, gaps), uuidOf('gaps', run, o.tenant, o.openId));
        sent += 1;
      } catch (err) {
        await deps.redis.del(marker);
        throw err;
      }
    }
    deps.logger.info({ run, sent }, 'monthly activity reminders sent');
    // The next month's reminder: computed from this run, so a late run never skips or repeats a month.
    const next = shiftMonth(ry, rm, 1);
    await scheduleRun(monthKey(next.y, next.m), localTime(firstWorkingDay(next.y, next.m), REMIND_HOUR, deps.tz));
  }

  async function runExport(d: { tenant: string; openId: string; year: number; key: string }): Promise<void> {
    const o: Owner = { tenant: d.tenant, openId: d.openId };
    const records = await store.inYear(o, d.year);
    if (records.length === 0) {
      await deps.port.sendMessage({ receiveIdType: 'open_id', receiveId: o.openId, msgType: 'text', content: { text: ACT_TEXT.exportEmpty(d.year) }, uuid: uuidOf('export-empty', d.key) });
      return;
    }
    const { fileKey } = await deps.port.uploadFile({ fileName: `${d.year}年度支部活动台账.csv`, fileType: 'stream', data: ledgerCsv(records, d.year) });
    await deps.port.sendMessage({ receiveIdType: 'open_id', receiveId: o.openId, msgType: 'file', content: { file_key: fileKey }, uuid: uuidOf('export', d.key, String(d.year)) });
  }

  const feature: Feature = {
    name: 'activity',
    onMessage,
    actionKinds: [ACT_K],
    onAction,
    jobNames: [ACTIVITY_JOBS.gaps, ACTIVITY_JOBS.export],
    async process(name, data) {
      const d = (data ?? {}) as Record<string, unknown>;
      if (name === ACTIVITY_JOBS.gaps && typeof d.run === 'string' && /^\d{4}-\d{2}$/.test(d.run)) return runGaps(d.run);
      if (name === ACTIVITY_JOBS.export && typeof d.openId === 'string' && typeof d.year === 'number' && typeof d.key === 'string') {
        return runExport({ tenant: typeof d.tenant === 'string' ? d.tenant : '', openId: d.openId, year: d.year, key: d.key });
      }
      throw new Error(`activity: bad job ${name}`);
    },
  };

  const stats: StatsSource = async (tenantKey, openId, year) => toReportStats(await store.inYear({ tenant: tenantKey, openId }, year), year);

  async function replay(from: number, to: number): Promise<number> {
    let n = 0;
    let t = from;
    // At most two years of months in one jump.
    for (let i = 0; i < 24; i++) {
      const next = nextRun(t + 1);
      if (next.at > to) break;
      await deps.jobs.remove(safeJobId('act-gaps', next.run)).catch(() => undefined);
      await runGaps(next.run);
      n += 1;
      t = next.at;
    }
    return n;
  }

  return { feature, stats, schedule, replay, store };
}
