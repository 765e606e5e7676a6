// 帮我起草 / 重新起草 / 润色这段 on the walk-through's text step cards. The click answers at once (正在起草…, the
// secretary's typed text kept in the card); a job asks the model, puts the answer through the guard rails
// (src/report/draft.ts) and updates the clicked card in place with the draft in the input box. Nothing is saved
// to the report: the session is never written here, the secretary saves with the card's own save buttons.
//
// Redis keys (all with the shuzhi: prefix, one day TTL):
//   draft:n:{sid}              request counter of a session (the job id is draft-{sid}-{n}: deterministic)
//   draft:req:{sid}            the latest request: rev, step, mode, what was typed, the card to update, the result
//   draft:quota:{tenant}:{openId}:{day}   drafts asked today (LLM_DAILY_LIMIT)
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { drValueSchema, type DrActionValue } from '../../cards/action.ts';
import { type AssistView, draftField, guide, referenceText, renderCard, stepLabel } from '../../cards/walkthrough.ts';
import type { BotLogger } from '../bot/index.ts';
import type { CardActionEvent, Feature, StatsSource } from '../bot/feature.ts';
import type { CallbackAnswer } from '../feishu/edge.ts';
import type { FeishuPort } from '../feishu/port.ts';
import { type Jobs, safeJobId } from '../jobs/queue.ts';
import type { Metrics } from '../metrics.ts';
import { buildMessages, type DraftInput, type DraftMode, guardDraft } from '../report/draft.ts';
import { ACTIVITY_KINDS } from '../activity/kinds.ts';
import type { ReportStats } from '../report/types.ts';
import { achievementTemplate, achIdOf, type Ctx, type Session, statsOf, TEMPLATE } from '../report/walkthrough-state.ts';
import { KEY_PREFIX } from '../store/redis.ts';
import { SessionStore } from '../store/sessions.ts';
import type { Llm } from './llm.ts';

export const JOB_DRAFT = 'draft';
/** The edge answers the click within this (src/feishu/edge.ts): the card is updated only after it. */
export const CALLBACK_SETTLE_MS = 2000;
const TTL_S = 24 * 3600;

export const DRAFT_TEXT = {
  toastDraft: '正在起草…',
  toastPolish: '正在润色…',
  foreign: '这是其他同志的述职报告，您无法操作',
  stale: '这张卡片已过期，请在最新的卡片上操作',
  missing: '没有找到这份述职报告，请发送“写述职报告”重新打开',
  badFormat: '操作格式不正确，请在最新的卡片上操作',
  notText: '本步骤不支持起草',
  noOriginal: '没有找到您原来输入的内容',
  restored: '已用回您原来输入的内容',
  polishEmpty: '请先在输入框中填写要润色的内容',
  limit: (n: number) => `今天的起草次数已用完（每人每天 ${n} 次），请明天再试，或直接在输入框中填写。`,
  timeout: '模型服务响应超时（超过 30 秒），请稍后点击“重新起草”再试。',
  rateLimited: '模型服务当前繁忙（请求过于频繁），请稍等一分钟后再试。',
  serverError: '模型服务暂时出现故障，请稍后再试。',
  empty: '模型服务没有返回内容，请稍后再试。',
  garbage: '模型返回的内容无法使用，请稍后再试，或直接在输入框中填写。',
  error: '暂时无法连接模型服务，请稍后再试；如持续出现，请联系管理员检查模型服务配置。',
  done: '初稿已填入输入框，请修改后保存',
} as const;

export interface DraftingDeps {
  redis: Redis;
  jobs: Jobs;
  port: FeishuPort;
  /** Default: a SessionStore on `redis`. */
  sessions?: SessionStore;
  llm: Llm;
  /** Drafts per secretary per day. */
  dailyLimit: number;
  tz: string;
  logger: BotLogger;
  stats?: StatsSource;
  metrics?: Pick<Metrics, 'draft'>;
  now?: () => number;
  /** Test seam: the wait before the card is updated (default CALLBACK_SETTLE_MS after the click). */
  settleMs?: number;
}

const requestSchema = z.object({
  n: z.number().int(),
  sid: z.string(),
  openId: z.string(),
  rev: z.number().int(),
  step: z.string(),
  mode: z.enum(['draft', 'polish']),
  /** What was in the card's inputs when the secretary first asked (kept across redrafts). */
  typed: z.record(z.string(), z.string()),
  edit: z.number().int().optional(),
  messageId: z.string().optional(),
  token: z.string().optional(),
  at: z.number(),
  /** The daily-limit counter this request was counted in (given back when the model fails). */
  quota: z.string().optional(),
  result: z.object({ text: z.string(), flagged: z.number().int(), findings: z.array(z.string()) }).optional(),
});
type DraftRequest = z.infer<typeof requestSchema>;

const toast = (type: 'info' | 'success' | 'error' | 'warning', content: string) => ({ type, content });

function formStrings(form: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form ?? {})) {
    if (typeof v === 'string') out[k] = v.slice(0, 2000);
    else if (typeof v === 'number') out[k] = String(v);
  }
  return out;
}

function dayOf(now: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
}

/** The paragraphs already saved in the session's current step. */
function savedOf(s: Session): string[] {
  const a = s.answers;
  switch (s.step) {
    case 'opening':
      return [...a.opening];
    case 'rectification':
      return [...a.rectification];
    case 'problems':
      return a.problems.flatMap((p) => [p.problem, ...p.analysis]);
    case 'plan':
      return [...(a.plan.intro ? [a.plan.intro] : []), ...a.plan.items];
    default: {
      const id = achIdOf(s.step);
      return [...(a.achievements.find((x) => x.id === id)?.paragraphs ?? [])];
    }
  }
}

function savedAt(s: Session, i: number): string | undefined {
  if (s.step === 'problems') return s.answers.problems[i]?.analysis.join('\n');
  if (s.step === 'plan') return s.answers.plan.items[i];
  return savedOf(s)[i];
}

function activitiesOf(s: Session, stats: ReportStats | undefined): Array<{ kind: string; count: number }> {
  const year = s.answers.setup.year ?? s.year;
  if (!stats || stats.year !== year) return [];
  const id = achIdOf(s.step);
  const kinds: readonly string[] =
    s.step === 'opening' ? ACTIVITY_KINDS : id ? (achievementTemplate(id)?.statKinds ?? ACTIVITY_KINDS) : [];
  const counts = stats.counts as Record<string, number | undefined>;
  return kinds.flatMap((k) => (counts[k] ? [{ kind: k, count: counts[k]! }] : []));
}

/** What the model gets for this session's current step. Only this session: never another secretary's data. */
export function draftInputOf(s: Session, ctx: Ctx, mode: DraftMode, typed: Record<string, string>, edit?: number): DraftInput {
  const field = draftField(s.step);
  const id = achIdOf(s.step);
  const ach = id ? s.answers.achievements.find((x) => x.id === id) : undefined;
  let heading = stepLabel(s, s.step);
  const achHeading = (typed.heading ?? ach?.heading ?? '').trim();
  if (ach && achHeading) heading += achHeading;
  const problem = (typed.problem ?? (edit !== undefined ? s.answers.problems[edit]?.problem : undefined) ?? '').trim();
  if (s.step === 'problems' && problem) heading += `：${problem}`;
  let text = (typed[field] ?? '').trim();
  if (mode === 'polish' && text === '' && edit !== undefined) text = savedAt(s, edit) ?? '';
  const stats = statsOf(s, ctx);
  const setup = s.answers.setup;
  const input: DraftInput = {
    mode,
    heading,
    guidance: s.step === 'problems' ? `${TEMPLATE.problems.analysisPrompt}本次只写这个问题的具体表现和原因分析。` : guide(s).prompt,
    year: setup.year ?? s.year,
    typed: text,
    saved: savedOf(s),
    activities: activitiesOf(s, stats),
    lines: s.step === 'plan',
  };
  if (setup.unit) input.unit = setup.unit;
  if (setup.orgType) input.orgType = setup.orgType;
  const ref = referenceText(s);
  if (ref) input.lastYear = ref;
  if (stats?.studyHours !== undefined && stats.year === input.year && (s.step === 'opening' || id === 'study')) input.studyHours = stats.studyHours;
  return input;
}

const FAILURE: Record<string, string> = {
  timeout: DRAFT_TEXT.timeout,
  rate_limited: DRAFT_TEXT.rateLimited,
  server_error: DRAFT_TEXT.serverError,
  empty: DRAFT_TEXT.empty,
  garbage: DRAFT_TEXT.garbage,
  error: DRAFT_TEXT.error,
};

const TEXT_STEPS = (step: string) => step !== 'setup' && step !== 'preview';

export function createDraftingFeature(d: DraftingDeps): Feature {
  const now = d.now ?? Date.now;
  const sessions = d.sessions ?? new SessionStore(d.redis);
  const reqKey = (sid: string) => `${KEY_PREFIX}draft:req:${sid}`;

  async function loadRequest(sid: string): Promise<DraftRequest | null> {
    const raw = await d.redis.get(reqKey(sid));
    if (!raw) return null;
    try {
      const r = requestSchema.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  async function ctxOf(s: Session): Promise<Ctx> {
    const ctx: Ctx = { now: now(), tz: d.tz, operatorOpenId: s.openId, assist: { host: d.llm.host } };
    const stats = await d.stats?.(s.tenantKey, s.openId, s.answers.setup.year ?? s.year);
    if (stats) ctx.stats = stats;
    return ctx;
  }

  const card = (s: Session, ctx: Ctx, draft: Record<string, string>, assist?: AssistView): CallbackAnswer['card'] => ({
    type: 'raw',
    data: renderCard(s, ctx, { draft, ...(assist ? { assist } : {}) }),
  });

  async function onAction(ev: CardActionEvent): Promise<CallbackAnswer> {
    const r = drValueSchema.safeParse(ev.value);
    if (!r.success) return { toast: toast('warning', DRAFT_TEXT.badFormat) };
    const v: DrActionValue = r.data;
    const loaded = await sessions.byId(v.s);
    if (!loaded || !('session' in loaded)) return { toast: toast('warning', DRAFT_TEXT.missing) };
    const s = loaded.session;
    if (s.openId !== ev.operatorOpenId) return { toast: toast('warning', DRAFT_TEXT.foreign) };
    const ctx = await ctxOf(s);
    const typedNow = formStrings(ev.formValue);
    if (v.r !== s.rev || v.st !== s.step) {
      return { toast: toast('warning', DRAFT_TEXT.stale), card: { type: 'raw', data: renderCard(s, ctx) } };
    }
    if (!TEXT_STEPS(s.step)) return { toast: toast('warning', DRAFT_TEXT.notText) };
    const field = draftField(s.step);
    const prior = await loadRequest(s.id);
    const samePlace = prior && prior.rev === s.rev && prior.step === s.step ? prior : null;

    if (v.a === 'mine') {
      if (!samePlace) return { toast: toast('warning', DRAFT_TEXT.noOriginal) };
      return { toast: toast('success', DRAFT_TEXT.restored), card: card(s, ctx, { ...typedNow, [field]: samePlace.typed[field] ?? '' }) };
    }

    const mode: DraftMode = v.a === 'polish' ? 'polish' : 'draft';
    // A redraft of an untouched draft starts again from what the secretary had typed before the first draft; a
    // draft the secretary has since changed is their text now.
    const untouched = samePlace?.result !== undefined && (typedNow[field] ?? '').trim() === samePlace.result.text.trim();
    const typed = v.a !== 'draft' && samePlace && untouched ? { ...typedNow, [field]: samePlace.typed[field] ?? '' } : typedNow;
    const edit = mode === 'polish' ? (v.t ?? s.edit) : undefined;
    if (mode === 'polish' && (typed[field] ?? '').trim() === '' && (edit === undefined || !savedAt(s, edit))) {
      return { toast: toast('warning', DRAFT_TEXT.polishEmpty), card: card(s, ctx, typedNow) };
    }

    const quotaKey = `${KEY_PREFIX}draft:quota:${s.tenantKey || '-'}:${s.openId}:${dayOf(ctx.now, d.tz)}`;
    const used = await d.redis.incr(quotaKey);
    if (used === 1) await d.redis.expire(quotaKey, 2 * TTL_S);
    if (used > d.dailyLimit) {
      d.metrics?.draft('limit');
      d.logger.info({ model: d.llm.model, outcome: 'limit' }, 'draft refused: daily limit');
      return { toast: toast('warning', '今天的起草次数已用完'), card: card(s, ctx, typedNow, { state: 'failed', message: DRAFT_TEXT.limit(d.dailyLimit) }) };
    }

    const n = await d.redis.incr(`${KEY_PREFIX}draft:n:${s.id}`);
    await d.redis.expire(`${KEY_PREFIX}draft:n:${s.id}`, TTL_S);
    const req: DraftRequest = {
      n,
      sid: s.id,
      openId: s.openId,
      rev: s.rev,
      step: s.step,
      mode,
      typed,
      at: ctx.now,
      quota: quotaKey,
      ...(edit !== undefined ? { edit } : {}),
      ...(ev.messageId ? { messageId: ev.messageId } : {}),
      ...(ev.updateToken ? { token: ev.updateToken } : {}),
    };
    await d.redis.set(reqKey(s.id), JSON.stringify(req), 'EX', TTL_S);
    await d.jobs.enqueue(JOB_DRAFT, { sid: s.id, n }, { jobId: safeJobId('draft', s.id, n), attempts: 1 });
    return {
      toast: toast('info', mode === 'polish' ? DRAFT_TEXT.toastPolish : DRAFT_TEXT.toastDraft),
      card: card(s, ctx, typedNow, { state: 'pending', mode }),
    };
  }

  async function update(req: DraftRequest, data: object): Promise<void> {
    if (req.messageId) await d.port.patchCard(req.messageId, data);
    else if (req.token) await d.port.updateCardByToken(req.token, data);
  }

  async function runDraft(sid: string, n: number): Promise<void> {
    const req = await loadRequest(sid);
    if (!req || req.n !== n) return; // a newer request for this session replaced it
    const loaded = await sessions.byId(sid);
    if (!loaded || !('session' in loaded)) return;
    const s = loaded.session;
    // The card moved on (saved, another step) or is not this secretary's: nothing to update.
    if (s.openId !== req.openId || s.rev !== req.rev || s.step !== req.step) return;
    const ctx = await ctxOf(s);
    const input = draftInputOf(s, ctx, req.mode, req.typed, req.edit);
    const answer = await d.llm.complete(buildMessages(input));
    const guarded = answer.outcome === 'ok' ? guardDraft(answer.text ?? '', input) : null;
    const outcome = answer.outcome === 'ok' ? (guarded ? (guarded.flagged.length > 0 ? 'flagged' : 'ok') : 'garbage') : answer.outcome;
    // No content in the log: the model, the time, the tokens and what came of it.
    d.logger.info(
      { model: d.llm.model, latencyMs: answer.ms, promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, outcome, ...(answer.status ? { status: answer.status } : {}), chars: guarded?.chars },
      'draft',
    );
    d.metrics?.draft(outcome, answer.ms / 1000, { prompt: answer.promptTokens, completion: answer.completionTokens });
    // A draft the model failed to give does not count against the secretary's daily limit.
    if (!guarded && req.quota) await d.redis.decr(req.quota);

    const wait = req.at + (d.settleMs ?? CALLBACK_SETTLE_MS) - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, CALLBACK_SETTLE_MS)));
    const latest = await loadRequest(sid);
    if (!latest || latest.n !== n) return;
    const field = draftField(s.step);
    const typed = { ...req.typed };
    if (!guarded) {
      await update(req, renderCard(s, ctx, { draft: typed, assist: { state: 'failed', message: FAILURE[outcome] ?? DRAFT_TEXT.error } }));
      return;
    }
    latest.result = { text: guarded.text, flagged: guarded.flagged.length, findings: guarded.findings };
    await d.redis.set(reqKey(sid), JSON.stringify(latest), 'EX', TTL_S);
    const original = (req.typed[field] ?? '').trim();
    const view: AssistView = {
      state: 'done',
      mode: req.mode,
      flagged: guarded.flagged.length,
      findings: guarded.findings,
      ...(original ? { original } : {}),
    };
    await update(req, renderCard(s, ctx, { draft: { ...typed, [field]: guarded.text }, assist: view }));
  }

  return {
    name: 'drafting',
    actionKinds: ['dr'],
    jobNames: [JOB_DRAFT],
    onAction,
    async process(name, data) {
      const x = data as { sid?: unknown; n?: unknown };
      if (name !== JOB_DRAFT || typeof x?.sid !== 'string' || typeof x.n !== 'number') throw new Error('bad draft job');
      await runDraft(x.sid, x.n);
    },
  };
}
