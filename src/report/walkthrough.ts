// The report walk-through as a pure state machine: (session, button value, form, context) → outcome.
// The handler loads the session, calls handleAction, saves `session` with compare-and-set on `rev`
// and answers the callback with `card` (and `toast`). Nothing here does I/O or reads the clock.
import { z } from 'zod';
import type { ActionValue, Toast, WtActionValue } from '../../cards/action.ts';
import { laterCard, publishingCard, type RenderOpts, renderCard, resumeCard, statFor } from '../../cards/walkthrough.ts';
import { normalizeChinese, stripEnumeration, stripNumbering } from './punctuation.ts';
import { ORG_TYPES, type OrgType } from './types.ts';
import {
  achIdOf,
  achievementTemplate,
  achStep,
  type Ctx,
  completeSetup,
  isStepId,
  MAX_ACHIEVEMENTS,
  MAX_PARAGRAPHS,
  MAX_PLAN_ITEMS,
  MAX_PROBLEMS,
  type Session,
  type StepId,
  steps,
  yearOptions,
} from './walkthrough-state.ts';

export { actionValueSchema, type ActionValue, type Toast } from '../../cards/action.ts';
export { laterCard, publishingCard, renderCard, resumeCard, welcomeCard } from '../../cards/walkthrough.ts';
export * from './walkthrough-state.ts';

export type Outcome =
  | { kind: 'update'; session: Session; card: object; toast?: Toast }
  | { kind: 'reject'; toast: Toast; card?: object }
  | { kind: 'effect'; effect: 'publish' | 'later'; session: Session; card: object; toast?: Toast };

export const MESSAGES = {
  stale: '这张卡片已过期，请在最新的卡片上操作',
  foreign: '这是其他同志的述职报告，您无法操作',
  notHere: '当前步骤不支持该操作，请在最新的卡片上操作',
  badFormat: '提交的内容格式不正确，请重新填写',
  tooLong: (what: string, max: number) => `${what}最多 ${max} 字，请分段提交或适当精简`,
  unit: '请填写单位名称，例如：区财政局',
  orgType: '请选择党组织类型（党委、党总支或党支部）',
  year: (years: number[]) => `请选择述职年度（${years.join('、')}）`,
  setupFirst: '请先填写基本信息',
  first: '已经是第一步了',
  last: '已经是最后一步，请点击“生成文档”',
  empty: '请先在输入框中填写内容',
  full: (what: string, max: number) => `${what}最多 ${max} 项，已达上限`,
  heading: '请填写小节标题',
  problemFirst: '请先用一句话写出问题，再填写分析',
  noStat: '本节暂无可用的活动统计数据',
  statEmpty: '请填写统计数据句，或点击“不采用”',
  noTarget: '该部分不存在或已删除，请在最新的卡片上操作',
  startAgain: '您已有正在填写的述职报告，已为您打开',
} as const;

const ok = (content: string): Toast => ({ type: 'success', content });
const info = (content: string): Toast => ({ type: 'info', content });
const warn = (content: string): Toast => ({ type: 'warning', content });
const err = (content: string): Toast => ({ type: 'error', content });

/** A rejected input: nothing changes; the card comes back with what the user typed still in it. */
class InputError {
  constructor(readonly message: string) {}
}

type Form = Record<string, unknown> | undefined;

/** Everything the user typed, as strings, to put back into the card after a rejection. */
function draftOf(form: Form): Record<string, string> | undefined {
  if (!form) return undefined;
  const d: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    if (typeof v === 'string') d[k] = v;
    else if (typeof v === 'number') d[k] = String(v);
  }
  return d;
}

/** One form field: absent → undefined; not a string or too long → InputError. Trimmed, CRLF → LF. */
function field(form: Form, name: string, what: string, max: number): string | undefined | InputError {
  const v = form?.[name];
  if (v === undefined || v === null) return undefined;
  const r = z.string().safeParse(v);
  if (!r.success) return new InputError(MESSAGES.badFormat);
  const text = r.data.replace(/\r\n?/g, '\n').trim();
  if (!z.string().max(max).safeParse(text).success) return new InputError(MESSAGES.tooLong(what, max));
  return text;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Appends `added` to `list`, or replaces entry `edit` with it (nothing added = the entry is deleted). */
function putParagraphs(list: string[], added: string[], edit: number | undefined, max: number, what: string): void {
  if (edit !== undefined && edit < list.length) list.splice(edit, 1, ...added);
  else list.push(...added);
  if (list.length > max) throw new InputError(MESSAGES.full(what, max));
}

function setupFromForm(s: Session, form: Form, ctx: Ctx, strict: boolean): InputError | null {
  const unit = field(form, 'unit', '单位名称', 60);
  if (unit instanceof InputError) return unit;
  const sup = field(form, 'sup', '上级党委名称', 60);
  if (sup instanceof InputError) return sup;
  const orgRaw = form?.org;
  const yearRaw = form?.year;
  const setup = { ...s.answers.setup };
  if (unit !== undefined) setup.unit = unit === '' ? undefined : normalizeChinese(unit);
  if (sup !== undefined) setup.superior = sup === '' ? undefined : normalizeChinese(sup);
  if (orgRaw !== undefined && orgRaw !== '') {
    if (typeof orgRaw !== 'string' || !(ORG_TYPES as readonly string[]).includes(orgRaw)) {
      return new InputError(MESSAGES.orgType);
    }
    setup.orgType = orgRaw as OrgType;
  }
  const years = yearOptions(ctx.now, ctx.tz);
  if (yearRaw !== undefined && yearRaw !== '') {
    const y = typeof yearRaw === 'number' ? yearRaw : typeof yearRaw === 'string' ? Number(yearRaw) : Number.NaN;
    // The year already chosen stays valid (a session resumed after New Year).
    if (!Number.isInteger(y) || !(years.includes(y) || y === s.answers.setup.year)) {
      return new InputError(MESSAGES.year(years));
    }
    setup.year = y;
  }
  if (strict) {
    if (!setup.unit) return new InputError(MESSAGES.unit);
    if (!setup.orgType) return new InputError(MESSAGES.orgType);
    if (setup.year === undefined) return new InputError(MESSAGES.year(years));
  }
  for (const k of Object.keys(setup) as (keyof typeof setup)[]) if (setup[k] === undefined) delete setup[k];
  s.answers.setup = setup;
  if (setup.year !== undefined) s.year = setup.year;
  return null;
}

/**
 * Saves what was typed into the current step of `n` (a working copy). Returns whether anything was
 * typed. Throws InputError for input that must be refused.
 */
function applyInput(n: Session, form: Form, ctx: Ctx, opts: { stat?: boolean } = {}): boolean {
  if (!form) return false;
  const get = (name: string, what: string, max: number): string | undefined => {
    const v = field(form, name, what, max);
    if (v instanceof InputError) throw v;
    return v;
  };
  const edit = n.edit;
  let typed = false;
  const a = n.answers;
  switch (n.step) {
    case 'setup': {
      const e = setupFromForm(n, form, ctx, false);
      if (e) throw e;
      return true;
    }
    case 'preview':
      return false;
    case 'opening':
    case 'rectification': {
      const para = get('para', '每段', 1000);
      if (para === undefined || (para === '' && edit === undefined)) break;
      const list = n.step === 'opening' ? a.opening : a.rectification;
      putParagraphs(list, para === '' ? [] : [para], edit, MAX_PARAGRAPHS[n.step], '段落');
      typed = true;
      break;
    }
    case 'problems': {
      const problem = get('problem', '问题概括', 500);
      const analysis = get('analysis', '分析', 1000);
      const p = problem ? stripNumbering(problem) : '';
      const an = analysis ?? '';
      if (edit !== undefined && a.problems[edit]) {
        if (problem === undefined && analysis === undefined) break;
        if (p === '' && an === '') a.problems.splice(edit, 1);
        else {
          const target = a.problems[edit]!;
          if (p !== '') target.problem = p;
          if (an !== '') target.analysis = [an];
        }
        typed = true;
      } else if (p !== '') {
        if (a.problems.length >= MAX_PROBLEMS) throw new InputError(MESSAGES.full('问题', MAX_PROBLEMS));
        a.problems.push({ problem: p, analysis: an === '' ? [] : [an] });
        typed = true;
      } else if (an !== '') {
        const last = a.problems[a.problems.length - 1];
        if (!last) throw new InputError(MESSAGES.problemFirst);
        if (last.analysis.length >= MAX_PARAGRAPHS.analysis) {
          throw new InputError(MESSAGES.full('分析段落', MAX_PARAGRAPHS.analysis));
        }
        last.analysis.push(an);
        typed = true;
      }
      break;
    }
    case 'plan': {
      const intro = get('intro', '引言', 1000);
      if (intro !== undefined && intro !== (a.plan.intro ?? '')) {
        if (intro === '') delete a.plan.intro;
        else a.plan.intro = intro;
        typed = true;
      }
      const para = get('para', '工作措施', 1000);
      if (para === undefined || (para === '' && edit === undefined)) break;
      const items = lines(para)
        .map((l) => stripEnumeration(stripNumbering(l)))
        .filter((l) => l !== '');
      putParagraphs(a.plan.items, items, edit, MAX_PLAN_ITEMS, '工作措施');
      typed = true;
      break;
    }
    default: {
      const id = achIdOf(n.step);
      const ach = a.achievements.find((x) => x.id === id);
      if (!ach || id === null) break;
      const headingRaw = get('heading', '小节标题', 200);
      const para = get('para', '每段', 1000);
      if (headingRaw !== undefined) {
        const heading = stripNumbering(headingRaw.replace(/\s*\n\s*/g, ''));
        if (heading !== ach.heading) {
          ach.heading = heading;
          typed = true;
        }
      }
      if (opts.stat !== false) {
        const statText = get('stat', '统计数据句', 1000);
        const stat = statFor(n, ctx, id);
        if (statText !== undefined && stat && statText !== stat.shown) {
          ach.stat = statText === '' ? { mode: 'drop' } : statText === stat.generated ? { mode: 'accept' } : { mode: 'edit', text: statText };
          typed = true;
        }
      }
      if (para !== undefined && !(para === '' && edit === undefined)) {
        putParagraphs(ach.paragraphs, para === '' ? [] : [para], edit, MAX_PARAGRAPHS.achievement, '段落');
        typed = true;
      }
      const hasText = ach.paragraphs.length > 0;
      if (ach.heading.trim() === '' && (achievementTemplate(id) !== undefined || hasText)) {
        throw new InputError(MESSAGES.heading);
      }
      break;
    }
  }
  if (edit !== undefined && typed) delete n.edit;
  return typed;
}

function neighbourStep(n: Session, delta: 1 | -1): StepId | null {
  const list = steps(n);
  const i = list.indexOf(n.step);
  const j = i + delta;
  return i < 0 || j < 0 || j >= list.length ? null : list[j]!;
}

function clearStep(n: Session): void {
  const a = n.answers;
  switch (n.step) {
    case 'opening':
      a.opening = [];
      return;
    case 'rectification':
      a.rectification = [];
      return;
    case 'problems':
      a.problems = [];
      return;
    case 'plan':
      a.plan = { items: [] };
      return;
    default: {
      const ach = a.achievements.find((x) => x.id === achIdOf(n.step));
      if (ach) {
        ach.paragraphs = [];
        delete ach.stat;
      }
    }
  }
}

function listLength(n: Session): number {
  const a = n.answers;
  switch (n.step) {
    case 'opening':
      return a.opening.length;
    case 'rectification':
      return a.rectification.length;
    case 'problems':
      return a.problems.length;
    case 'plan':
      return a.plan.items.length;
    case 'setup':
    case 'preview':
      return 0;
    default:
      return a.achievements.find((x) => x.id === achIdOf(n.step))?.paragraphs.length ?? 0;
  }
}

function nextCustomId(n: Session): string {
  let max = 0;
  for (const x of n.answers.achievements) {
    const m = /^custom-(\d+)$/.exec(x.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `custom-${max + 1}`;
}

/** Applies one card action. Pure: `s` is not modified. */
export function handleAction(s: Session, value: ActionValue, form: Record<string, unknown> | undefined, ctx: Ctx): Outcome {
  if (ctx.operatorOpenId !== s.openId) return { kind: 'reject', toast: warn(MESSAGES.foreign) };
  if (value.k !== 'wt') return { kind: 'reject', toast: info(MESSAGES.startAgain), card: resumeCard(s, ctx) };
  if (value.s !== s.id) return { kind: 'reject', toast: warn(MESSAGES.stale) };
  // An outdated card (or the same click delivered twice): refresh it to the current state.
  if (value.r !== s.rev || value.st !== s.step) {
    return { kind: 'reject', toast: warn(MESSAGES.stale), card: renderCard(s, ctx) };
  }
  const n: Session = structuredClone(s);
  try {
    return transition(s, n, value, form, ctx);
  } catch (e) {
    if (e instanceof InputError) {
      const o: RenderOpts = {};
      const draft = draftOf(form);
      if (draft) o.draft = draft;
      return { kind: 'reject', toast: err(e.message), card: renderCard(s, ctx, o) };
    }
    throw e;
  }
}

function transition(s: Session, n: Session, v: WtActionValue, form: Form, ctx: Ctx): Outcome {
  const reject = (message: string): Outcome => ({ kind: 'reject', toast: warn(message) });
  const done = (toast?: Toast): Outcome => {
    n.rev = s.rev + 1;
    n.updatedAt = ctx.now;
    if (ctx.stats) n.stats = ctx.stats;
    const out: Outcome = { kind: 'update', session: n, card: renderCard(n, ctx) };
    if (toast) out.toast = toast;
    return out;
  };
  const effect = (kind: 'publish' | 'later', card: (x: Session) => object, toast?: Toast): Outcome => {
    n.rev = s.rev + 1;
    n.updatedAt = ctx.now;
    if (ctx.stats) n.stats = ctx.stats;
    const out: Outcome = { kind: 'effect', effect: kind, session: n, card: card(n) };
    if (toast) out.toast = toast;
    return out;
  };
  const achId = achIdOf(n.step);

  switch (v.a) {
    case 'next': {
      if (n.step === 'preview') return reject(MESSAGES.last);
      if (n.step === 'setup') {
        const e = setupFromForm(n, form, ctx, true);
        if (e) throw e;
      } else applyInput(n, form, ctx);
      delete n.edit;
      n.step = neighbourStep(n, 1) ?? n.step;
      return done();
    }
    case 'back': {
      const prev = neighbourStep(n, -1);
      if (!prev) return reject(MESSAGES.first);
      applyInput(n, form, ctx);
      delete n.edit;
      n.step = prev;
      return done();
    }
    case 'skip': {
      if (n.step === 'setup') {
        if (!completeSetup(n)) return reject(MESSAGES.setupFirst);
      }
      const next = neighbourStep(n, 1);
      if (!next) return reject(MESSAGES.last);
      delete n.edit;
      n.step = next;
      return done();
    }
    case 'later': {
      applyInput(n, form, ctx);
      delete n.edit;
      return effect('later', (x) => laterCard(x), ok('已保存，随时可以继续填写'));
    }
    case 'save': {
      if (n.step === 'setup' || n.step === 'preview') return reject(MESSAGES.notHere);
      const editing = n.edit !== undefined;
      if (!applyInput(n, form, ctx)) {
        if (!editing) return reject(MESSAGES.empty);
        delete n.edit;
        return done(info('内容未改动'));
      }
      return done(ok(editing ? '已保存修改' : '已保存'));
    }
    case 'edit': {
      const i = v.t;
      if (typeof i !== 'number' || i >= listLength(n)) return reject(MESSAGES.noTarget);
      n.edit = i;
      return done();
    }
    case 'cancel': {
      delete n.edit;
      return done();
    }
    case 'goto': {
      const t = v.t;
      if (!isStepId(t) || !steps(n).includes(t)) return reject(MESSAGES.noTarget);
      if (t !== 'setup' && !completeSetup(n)) return reject(MESSAGES.setupFirst);
      delete n.edit;
      n.step = t;
      return done();
    }
    case 'resume':
      return done();
    case 'stat': {
      if (!achId) return reject(MESSAGES.notHere);
      const stat = statFor(n, ctx, achId);
      if (!stat) return reject(MESSAGES.noStat);
      applyInput(n, form, ctx, { stat: false });
      const ach = n.answers.achievements.find((x) => x.id === achId)!;
      if (v.t === 'accept') {
        ach.stat = { mode: 'accept' };
        return done(ok('已采用统计数据'));
      }
      if (v.t === 'drop') {
        ach.stat = { mode: 'drop' };
        return done(info('已不采用统计数据'));
      }
      if (v.t === 'edit') {
        const text = field(form, 'stat', '统计数据句', 1000);
        if (text instanceof InputError) throw text;
        if (!text) throw new InputError(MESSAGES.statEmpty);
        ach.stat = text === stat.generated ? { mode: 'accept' } : { mode: 'edit', text };
        return done(ok('已按修改后的内容采用'));
      }
      return reject(MESSAGES.notHere);
    }
    case 'clear': {
      if (n.step === 'setup' || n.step === 'preview') return reject(MESSAGES.notHere);
      clearStep(n);
      delete n.edit;
      return done(info('本节内容已清空'));
    }
    case 'add': {
      if (!achId) return reject(MESSAGES.notHere);
      const list = n.answers.achievements;
      if (list.length >= MAX_ACHIEVEMENTS) return reject(MESSAGES.full('小节', MAX_ACHIEVEMENTS));
      const id = nextCustomId(n);
      const at = list.findIndex((x) => x.id === achId);
      list.splice(at + 1, 0, { id, heading: '', paragraphs: [] });
      delete n.edit;
      n.step = achStep(id);
      return done(ok('已新增小节，请填写标题和内容'));
    }
    case 'remove': {
      if (!achId) return reject(MESSAGES.notHere);
      const before = steps(n);
      const i = before.indexOf(n.step);
      n.removed = [...n.removed, achId];
      delete n.edit;
      n.step = before[i + 1] ?? 'preview';
      return done(info('已删除该小节，可在预览页恢复'));
    }
    case 'restore': {
      const t = v.t;
      if (typeof t !== 'string' || !n.removed.includes(t)) return reject(MESSAGES.noTarget);
      n.removed = n.removed.filter((x) => x !== t);
      return done(ok('已恢复该小节'));
    }
    case 'rename': {
      if (!achId) return reject(MESSAGES.notHere);
      const changed = applyInput(n, form, ctx);
      return done(changed ? ok('已保存') : info('内容未改动'));
    }
    case 'publish': {
      if (n.step !== 'preview') return reject(MESSAGES.notHere);
      if (!completeSetup(n)) return reject(MESSAGES.setupFirst);
      return effect('publish', (x) => publishingCard(x), info('正在生成文档，请稍候'));
    }
  }
}
