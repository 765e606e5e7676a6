// Card JSON 2.0 renderers for the report walk-through: one card per step, updated in place, plus the
// preview, the "saved" and "publishing" cards, the welcome card and the resume card. Pure.
//
// User-typed text reaches a card in two ways only: markdown content through escapeMd, and an input's
// default_value (plain text, never parsed). Every button carries the session id, step and rev.
import { composeReport } from '../src/report/compose.ts';
import { type Finding, lintReport } from '../src/report/lint/index.ts';
import { chineseNumber } from '../src/report/punctuation.ts';
import { countChars, renderText } from '../src/report/render-text.ts';
import { statSentence } from '../src/report/stats-sentence.ts';
import { ORG_TYPES } from '../src/report/types.ts';
import {
  achievementTemplate,
  achIdOf,
  activeAchievements,
  type Ctx,
  type Session,
  type StepId,
  statsOf,
  steps,
  TEMPLATE,
  textLength,
  toReportAnswers,
  yearOptions,
} from '../src/report/walkthrough-state.ts';
import type { WtAction, WtActionValue } from './action.ts';
import { clip, escapeMd } from './escape.ts';
import { button, card, type El, fieldLabel, fitCard, form, grey, hr, input, line, md, panel, plain, row, select, trimmedNote } from './parts.ts';

/** Feishu caps an input at 1,000 characters. */
export const INPUT_MAX = 1000;

export interface RenderOpts {
  /** Values the user typed, shown again as default values (after a rejected submit). */
  draft?: Record<string, string>;
  /** A line shown at the top (e.g. "继续上次的填写"). Static text of ours, never user text (not escaped). */
  note?: string;
  /** The state of a 帮我起草 / 润色这段 request shown on the card (src/drafting/feature.ts). */
  assist?: AssistView;
}

/** What the card says about a draft: being written, written (in the input box), or failed. */
export type AssistView =
  | { state: 'pending'; mode: 'draft' | 'polish' }
  | {
      state: 'done';
      mode: 'draft' | 'polish';
      /** Figures marked 【请核实】. */
      flagged: number;
      /** The checker's findings on the draft (static messages quoting the draft: escaped). */
      findings: readonly string[];
      /** What the secretary had typed before (kept, shown, and restorable). */
      original?: string;
    }
  | { state: 'failed'; message: string };

/** The input a draft goes into on the current step: the analysis of a problem, else the paragraph. */
export function draftField(step: StepId): 'analysis' | 'para' {
  return step === 'problems' ? 'analysis' : 'para';
}

/** Notes shown at the top of a card: the caller's, then TRIMMED_NOTE when a smaller budget had to be used. */
function notes(o: RenderOpts, trimmed: boolean): El[] {
  const out: El[] = [];
  if (o.note) out.push(md(grey(o.note)));
  if (trimmed) out.push(trimmedNote());
  return out;
}

interface Budget {
  /** Characters shown per paragraph. */
  para: number;
  /** Characters of last year's text shown. */
  ref: number;
  /** Paragraph rows with their own 修改 button. */
  rows: number;
}
const BUDGETS: readonly Budget[] = [
  { para: 300, ref: 800, rows: 10 },
  { para: 120, ref: 300, rows: 6 },
  { para: 40, ref: 80, rows: 3 },
];

function val(s: Session, a: WtAction, t?: string | number): WtActionValue {
  const v: WtActionValue = { k: 'wt', a, s: s.id, st: s.step, r: s.rev };
  if (t !== undefined) v.t = t;
  return v;
}

function reportYear(s: Session): number {
  return s.answers.setup.year ?? s.year;
}

/** The section a step is about, in static words (no user text). */
export function stepLabel(s: Session, step: StepId): string {
  switch (step) {
    case 'setup':
      return '基本信息';
    case 'opening':
      return '开头段落';
    case 'rectification':
      return '上年度问题整改情况';
    case 'problems':
      return '二、存在的突出问题';
    case 'plan':
      return `三、${reportYear(s) + 1}年工作思路`;
    case 'preview':
      return '预览与检查';
    default: {
      const id = achIdOf(step);
      const i = activeAchievements(s).findIndex((a) => a.id === id);
      return `一、主要成绩及经验（${chineseNumber(i + 1)}）`;
    }
  }
}

function progress(s: Session): { n: number; total: number } {
  const list = steps(s);
  return { n: list.indexOf(s.step) + 1, total: list.length };
}

function header(s: Session): { title: string; subtitle: string } {
  const { n, total } = progress(s);
  return { title: `述职报告 · 第 ${n}/${total} 步`, subtitle: stepLabel(s, s.step) };
}

function fill(pattern: string, year: number): string {
  return pattern.replace(/\{year\}/g, String(year)).replace(/\{nextYear\}/g, String(year + 1));
}

const CUSTOM_GUIDE = {
  prompt: '写这一小节的具体做法和取得的成效，尽量用事例和数字说明。请先在下方填写小节标题。',
  example: '',
};

/** The template's guidance for the current step. */
export function guide(s: Session): { prompt: string; example: string } {
  const t = TEMPLATE;
  const y = reportYear(s);
  switch (s.step) {
    case 'opening':
      return t.opening;
    case 'rectification':
      return t.rectification;
    case 'problems':
      return t.problems;
    case 'plan':
      return { prompt: t.plan.prompt, example: fill(t.plan.example, y) };
    default: {
      const id = achIdOf(s.step);
      const at = id ? achievementTemplate(id) : undefined;
      return at ?? CUSTOM_GUIDE;
    }
  }
}

/** The statistics sentence offered for the current achievement step, and the text shown in its input. */
export function statFor(s: Session, ctx: Ctx, achId: string): { generated: string; shown: string } | null {
  const at = achievementTemplate(achId);
  if (!at) return null;
  const stats = statsOf(s, ctx);
  // Figures of another year are not offered (the composer ignores them too).
  if (!stats || stats.year !== reportYear(s)) return null;
  const generated = statSentence(at, stats);
  if (!generated) return null;
  const choice = s.answers.achievements.find((a) => a.id === achId)?.stat;
  return { generated, shown: choice?.mode === 'edit' ? choice.text : generated };
}

/** One line of last year's text: a heading (bold) and/or text, unescaped. */
interface RefLine {
  strong?: string;
  text?: string;
}

type ImportedSection = NonNullable<Session['imported']>['sections'][number];

function paragraphs(text: string): string[] {
  return text
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * A section of last year's report as it was written: the numbered heading on its own line (bold), then each
 * paragraph on its own line; a heading run into its body stays on the body's first line; a numbered line with
 * no body of its own (a measure or a problem written as one sentence) is an item, not a heading.
 */
function sectionLines(x: ImportedSection): RefLine[] {
  const title = `${x.number}${x.heading}${x.end ?? ''}`;
  const paras = paragraphs(x.text);
  if (paras.length === 0) return [{ text: title }];
  if (x.runIn) return [{ strong: title, text: paras[0]! }, ...paras.slice(1).map((text) => ({ text }))];
  return [{ strong: title }, ...paras.map((text) => ({ text }))];
}

/** A part of last year's report (its own paragraphs, then its numbered items), or nothing for an older import. */
function partLines(sections: readonly ImportedSection[], part: 'problems' | 'plan'): RefLine[] {
  const own = sections.filter((x) => x.part === part);
  return own.flatMap((x) => (x.level === 1 ? paragraphs(x.text).map((text) => ({ text })) : sectionLines(x)));
}

/** Last year's text for the current step, one line per paragraph and per item, when last year's report was imported. */
function reference(s: Session): RefLine[] {
  const imp = s.imported;
  if (!imp) return [];
  const problemList = () => imp.problems.map((p, k) => ({ text: `（${chineseNumber(k + 1)}）${p}` }));
  switch (s.step) {
    case 'opening':
      return (Array.isArray(imp.opening) ? imp.opening.flatMap(paragraphs) : paragraphs(imp.opening ?? '')).map((text) => ({ text }));
    case 'rectification':
      // What was done about each of last year's problems: the problems, one per line.
      return problemList();
    case 'problems': {
      const lines = partLines(imp.sections, 'problems');
      return lines.length > 0 ? lines : problemList();
    }
    case 'plan': {
      const lines = partLines(imp.sections, 'plan');
      if (lines.length > 0) return lines;
      // Imported before sections knew their part: the plan part's own text.
      return imp.sections
        .filter((x) => x.templateId === 'plan' || (x.level === 1 && /思路/.test(x.heading)))
        .flatMap((x) => paragraphs(x.text).map((text) => ({ text })));
    }
    default: {
      const id = achIdOf(s.step);
      return imp.sections.filter((x) => id !== null && x.templateId === id).flatMap(sectionLines);
    }
  }
}

/** Last year's text for the current step as plain text (one line per paragraph), '' when none was imported. */
export function referenceText(s: Session): string {
  return reference(s)
    .map((l) => `${l.strong ?? ''}${l.text ?? ''}`)
    .join('\n');
}

/** The reference lines as markdown, within `max` characters of last year's text (the last one shown is cut). */
function referenceMarkdown(lines: readonly RefLine[], max: number): string {
  const out: string[] = [];
  let left = max;
  for (const l of lines) {
    if (left <= 0) break;
    let strong = l.strong ?? '';
    let text = l.text ?? '';
    const ns = [...strong].length;
    const nt = [...text].length;
    if (ns + nt > left) {
      if (ns >= left) [strong, text] = [clip(strong, left), ''];
      else text = clip(text, left - ns);
    }
    out.push(`${strong ? `**${escapeMd(strong)}**` : ''}${escapeMd(text)}`);
    left -= ns + nt;
  }
  return out.join('\n');
}

function draftOr(o: RenderOpts, name: string, fallback: string | undefined): string | undefined {
  const d = o.draft?.[name];
  const v = d !== undefined ? d : fallback;
  // An input cannot hold more than INPUT_MAX characters: keep as much of the text as fits.
  return v === undefined ? undefined : [...v].slice(0, INPUT_MAX).join('');
}

interface Item {
  label: string;
  text: string;
}

/** What is written so far in the current step, one entry per paragraph / problem / plan item. */
function itemsOf(s: Session): Item[] {
  const a = s.answers;
  switch (s.step) {
    case 'opening':
      return a.opening.map((text, i) => ({ label: `第${i + 1}段`, text }));
    case 'rectification':
      return a.rectification.map((text, i) => ({ label: `第${i + 1}段`, text }));
    case 'problems':
      return a.problems.map((p, i) => ({
        label: `问题${chineseNumber(i + 1)}`,
        text: p.analysis.length > 0 ? `${p.problem}｜分析：${p.analysis.join(' ')}` : p.problem,
      }));
    case 'plan':
      return a.plan.items.map((text, i) => ({ label: `${chineseNumber(i + 1)}是`, text }));
    default: {
      const id = achIdOf(s.step);
      const ach = a.achievements.find((x) => x.id === id);
      return (ach?.paragraphs ?? []).map((text, i) => ({ label: `第${i + 1}段`, text }));
    }
  }
}

function currentText(s: Session, b: Budget): El[] {
  const items = itemsOf(s);
  const els: El[] = [];
  const len = textLength(items.map((x) => x.text));
  if (s.step === 'plan') {
    const intro = s.answers.plan.intro;
    els.push(
      md(
        intro
          ? `**引言：**${escapeMd(clip(intro, b.para))}`
          : `**引言：**${grey(`未填写，将使用默认引言：${escapeMd(fill(TEMPLATE.plan.defaultIntro, reportYear(s)))}`)}`,
      ),
    );
  }
  if (items.length === 0) {
    els.push(md(`**已填写：**${grey('本节尚未填写')}`));
    return els;
  }
  els.push(md(`**已填写：**${items.length} 项，共 ${len} 字`));
  const first = Math.max(0, items.length - b.rows);
  if (first > 0) {
    const hidden = items.slice(0, first);
    els.push(md(grey(`前 ${first} 项共 ${textLength(hidden.map((x) => x.text))} 字，此处从略`)));
  }
  items.slice(first).forEach((it, k) => {
    const i = first + k;
    const editing = s.edit === i;
    const chars = textLength([it.text]);
    const shown = escapeMd(clip(it.text, b.para));
    const more = [...it.text].length > b.para ? grey(`（共 ${chars} 字）`) : '';
    const content = `**${it.label}：**${shown}${more}${editing ? ` ${grey('← 正在修改')}` : ''}`;
    els.push(line(content, editing ? null : button('修改', val(s, 'edit', i), { size: 'small' })));
  });
  return els;
}

function stepCard(s: Session, ctx: Ctx, o: RenderOpts, b: Budget, trimmed: boolean): El {
  const els: El[] = notes(o, trimmed);
  const achId = achIdOf(s.step);
  const ach = achId ? s.answers.achievements.find((a) => a.id === achId) : undefined;
  const { prompt, example } = guide(s);
  const editing = s.edit;

  const title = `**${stepLabel(s, s.step)}**`;
  if (ach) {
    els.push(md(`${title}\n${ach.heading.trim() ? `**${escapeMd(ach.heading)}**` : grey('（尚未填写小节标题）')}`));
  } else els.push(md(title));
  els.push(md(`**怎么写：**${escapeMd(prompt)}`));
  if (example) els.push(md(grey(`示例：${escapeMd(fill(example, reportYear(s)))}`), { size: 'notation' }));

  const stat = achId ? statFor(s, ctx, achId) : null;
  if (stat && ach) {
    const status =
      ach.stat === undefined
        ? '可采用、修改后采用或不采用'
        : ach.stat.mode === 'accept'
          ? '已采用'
          : ach.stat.mode === 'edit'
            ? '已按修改后的内容采用'
            : '未采用';
    els.push(md(`**活动统计：**${escapeMd(stat.shown)}\n${grey(status)}`));
  }

  const ref = reference(s);
  if (ref.length > 0) els.push(panel('**去年的报告（参考）**', [md(referenceMarkdown(ref, b.ref))]));

  els.push(hr());
  els.push(...currentText(s, b));
  if (ctx.assist && o.assist) els.push(...assistStatus(s, o.assist, b));

  // The form: inputs, then the buttons that submit them.
  const fe: El[] = [];
  if (ach) {
    fe.push(
      input({
        name: 'heading',
        label: '小节标题（可修改）',
        placeholder: '例如：加强组织建设，提高党组织战斗力',
        value: draftOr(o, 'heading', ach.heading),
        maxLength: 200,
      }),
    );
    fe.push(row([button('保存标题', val(s, 'rename'), { submit: 'b_rename', size: 'small' })]));
  }
  if (stat) {
    fe.push(
      input({
        name: 'stat',
        label: '统计数据句（可修改后采用）',
        value: draftOr(o, 'stat', stat.shown),
        multiline: true,
      }),
    );
    fe.push(
      row([
        button('采用统计数据', val(s, 'stat', 'accept'), { submit: 'b_stat_ok', size: 'small' }),
        button('按修改后的采用', val(s, 'stat', 'edit'), { submit: 'b_stat_edit', size: 'small' }),
        button('不采用', val(s, 'stat', 'drop'), { submit: 'b_stat_drop', size: 'small' }),
      ]),
    );
  }
  const items = itemsOf(s);
  const editText = editing !== undefined ? items[editing] : undefined;
  if (s.step === 'problems') {
    const p = editing !== undefined ? s.answers.problems[editing] : undefined;
    const analysis = p?.analysis.join('\n');
    fe.push(
      input({
        name: 'problem',
        label: p ? `修改问题${chineseNumber((editing ?? 0) + 1)}（一句话概括）` : '问题（一句话概括）',
        placeholder: '例如：党建工作创新不够',
        value: draftOr(o, 'problem', p?.problem),
        maxLength: 500,
      }),
    );
    fe.push(
      input({
        name: 'analysis',
        label: p ? '具体表现和原因分析（留空则保留原分析）' : '具体表现和原因分析（只填这一项时，追加到上一个问题）',
        placeholder: TEMPLATE.problems.analysisPrompt,
        value: draftOr(o, 'analysis', analysis !== undefined && [...analysis].length <= INPUT_MAX ? analysis : undefined),
        multiline: true,
      }),
    );
  } else if (s.step === 'plan') {
    fe.push(
      input({
        name: 'intro',
        label: '引言（选填，不填则使用默认引言）',
        placeholder: TEMPLATE.plan.introPrompt,
        value: draftOr(o, 'intro', s.answers.plan.intro),
      }),
    );
    fe.push(
      input({
        name: 'para',
        label:
          editing !== undefined ? `修改第${editing + 1}条措施（清空后保存即删除该条）` : '工作措施（每行一条，提交后追加）',
        placeholder: '例如：持续加强理论武装，每月组织一次集中学习',
        value: draftOr(o, 'para', editText?.text),
        multiline: true,
      }),
    );
  } else {
    fe.push(
      input({
        name: 'para',
        label:
          editing !== undefined
            ? `修改第${editing + 1}段（清空后保存即删除该段）`
            : '输入一段内容（每次提交追加为新的一段，每段最多 1000 字）',
        placeholder: prompt,
        value: draftOr(o, 'para', editText?.text),
        multiline: true,
      }),
    );
  }
  if (ctx.assist) fe.push(...assistControls(s, ctx.assist, o.assist, editing));
  if (editing !== undefined) {
    fe.push(
      row([
        button('保存修改', val(s, 'save'), { submit: 'b_save', type: 'primary' }),
        button('取消修改', val(s, 'cancel'), { submit: 'b_cancel' }),
      ]),
    );
  } else {
    const saveText = s.step === 'problems' ? '添加这个问题' : s.step === 'plan' ? '添加措施' : '保存本段';
    fe.push(
      row([
        button('保存并继续', val(s, 'next'), { submit: 'b_next', type: 'primary' }),
        button(saveText, val(s, 'save'), { submit: 'b_save' }),
      ]),
    );
  }
  fe.push(
    row([
      button('上一步', val(s, 'back'), { submit: 'b_back' }),
      button('跳过', val(s, 'skip'), { submit: 'b_skip' }),
      button('稍后继续', val(s, 'later'), { submit: 'b_later' }),
    ]),
  );
  els.push(form('wt_form', fe));

  // Section management, outside the form.
  const manage: El[] = [
    button('清空本节', val(s, 'clear'), {
      type: 'danger_text',
      size: 'small',
      confirm: { title: '清空本节', text: '确定要清空本节已填写的全部内容吗？清空后无法恢复。' },
    }),
  ];
  if (ach) {
    manage.push(
      button('删除本小节', val(s, 'remove'), {
        type: 'danger_text',
        size: 'small',
        confirm: { title: '删除本小节', text: '删除后本小节不会出现在报告中，可在预览页恢复。确定删除吗？' },
      }),
      button('在本节后新增小节', val(s, 'add'), { type: 'primary_text', size: 'small' }),
    );
  }
  els.push(row(manage));
  const h = header(s);
  return card({ title: h.title, subtitle: h.subtitle, template: 'blue', elements: els, summary: h.title });
}

function dval(s: Session, a: 'draft' | 'redraft' | 'polish' | 'mine', t?: number): Record<string, unknown> {
  return { k: 'dr', a, s: s.id, st: s.step, r: s.rev, ...(t !== undefined ? { t } : {}) };
}

/** 帮我起草 (重新起草 once a draft is shown) or 润色这段 while a paragraph is edited, and where the text goes. */
function assistControls(s: Session, a: { host: string }, view: AssistView | undefined, editing: number | undefined): El[] {
  const polish = editing !== undefined;
  const again = view?.state === 'done';
  const b = polish
    ? button(again ? '重新润色' : '润色这段', dval(s, 'polish', editing), { submit: 'b_draft', size: 'small' })
    : button(again ? '重新起草' : '帮我起草', dval(s, again ? 'redraft' : 'draft'), { submit: 'b_draft', size: 'small' });
  return [
    row([b]),
    md(
      grey(
        `${polish ? '“润色这段”' : '“帮我起草”'}会把本节标题、写作要求、单位和年度、您在本节输入的内容、本节活动统计和去年报告的本节原文发送至 ${escapeMd(a.host)}，由模型生成初稿；初稿仅填入输入框，须您修改并点击保存后才会写入报告。`,
      ),
      { size: 'notation' },
    ),
  ];
}

/** The state of a draft request, above the form. */
function assistStatus(s: Session, v: AssistView, b: Budget): El[] {
  const save = s.edit !== undefined ? '保存修改' : s.step === 'problems' ? '添加这个问题' : s.step === 'plan' ? '添加措施' : '保存本段';
  if (v.state === 'pending') {
    return [md(`**${v.mode === 'polish' ? '正在润色…' : '正在起草…'}**${grey('通常需要几秒钟，完成后本卡片会自动更新。')}`)];
  }
  if (v.state === 'failed') {
    return [md(`**未能生成初稿：**${escapeMd(v.message)}\n${grey('您输入的内容未受影响，仍在下方输入框中。')}`)];
  }
  const lines = [
    `**${v.mode === 'polish' ? '润色稿' : '初稿'}已填入下方输入框**，请核对修改后点击“${save}”；未保存前不会写入报告。`,
  ];
  if (v.flagged > 0) lines.push(`有 ${v.flagged} 处数字未能在您的记录中找到，已标注“【请核实】”，请核对后修改或删除。`);
  if (v.findings.length > 0) {
    const max = b.rows >= 10 ? 5 : 2;
    lines.push(`**格式检查：**发现 ${v.findings.length} 处需要注意`);
    for (const f of v.findings.slice(0, max)) lines.push(`· ${escapeMd(clip(f, 120))}`);
    if (v.findings.length > max) lines.push(grey(`……另有 ${v.findings.length - max} 条`));
  }
  const out: El[] = [md(lines.join('\n'))];
  if (v.original !== undefined && v.original.trim() !== '') {
    out.push(
      panel('**您原来输入的内容（已保留）**', [
        md(escapeMd(clip(v.original, b.para))),
        row([button('用回我的原文', dval(s, 'mine'), { size: 'small' })]),
      ]),
    );
  }
  return out;
}

function setupCard(s: Session, ctx: Ctx, o: RenderOpts): El {
  const setup = s.answers.setup;
  const years = yearOptions(ctx.now, ctx.tz);
  const chosen = setup.year ?? s.year;
  if (!years.includes(chosen)) years.push(chosen);
  years.sort((a, b) => b - a);
  const els: El[] = notes(o, false);
  els.push(md('**基本信息**\n请先填写基本信息，用于生成报告标题。带 * 的为必填项。'));
  els.push(
    form('wt_form', [
      input({
        name: 'unit',
        label: '单位名称 *',
        placeholder: '例如：区财政局',
        value: draftOr(o, 'unit', setup.unit),
        maxLength: 60,
      }),
      fieldLabel('党组织类型 *'),
      select({
        name: 'org',
        placeholder: '请选择党组织类型',
        options: ORG_TYPES.map((t) => ({ text: t, value: t })),
        value: o.draft?.org ?? setup.orgType,
      }),
      fieldLabel('述职年度 *'),
      select({
        name: 'year',
        placeholder: '请选择述职年度',
        options: years.map((y) => ({ text: `${y}年度`, value: String(y) })),
        value: o.draft?.year ?? String(chosen),
      }),
      input({
        name: 'sup',
        label: '上级党委（选填）',
        placeholder: '例如：区直机关工委',
        value: draftOr(o, 'sup', setup.superior),
        maxLength: 60,
      }),
      row([
        button('保存并继续', val(s, 'next'), { submit: 'b_next', type: 'primary' }),
        button('稍后继续', val(s, 'later'), { submit: 'b_later' }),
      ]),
    ]),
  );
  const h = header(s);
  return card({ title: h.title, subtitle: h.subtitle, template: 'blue', elements: els, summary: h.title });
}

/** The checker's findings as display lines (messages quote report text, so they are escaped). */
function findingLines(findings: readonly Finding[], max: number): string[] {
  const out: string[] = [];
  for (const f of findings.slice(0, max)) {
    const fix = f.suggestion ? `（建议：${f.suggestion}）` : '';
    out.push(`· ${escapeMd(clip(f.message + fix, 160))}`);
  }
  if (findings.length > max) out.push(grey(`……另有 ${findings.length - max} 条`));
  return out;
}

function previewCard(s: Session, ctx: Ctx, o: RenderOpts, b: Budget, trimmed: boolean): El {
  const els: El[] = notes(o, trimmed);
  const answers = toReportAnswers(s);
  const a = s.answers;
  const year = reportYear(s);
  const edit = (step: StepId) => button('编辑', val(s, 'goto', step), { size: 'small' });
  const len = (parts: readonly string[]) => {
    const n = textLength(parts);
    return n === 0 ? grey('未填写') : `${n} 字`;
  };
  let findings: readonly Finding[] = [];
  if (answers) {
    const tree = composeReport(TEMPLATE, answers, statsOf(s, ctx));
    const text = renderText(tree);
    findings = lintReport(text, { year, maxChars: TEMPLATE.maxChars });
    els.push(md(`**${escapeMd(tree.title)}**`));
    els.push(md(`全文共 **${countChars(tree)}** 字（建议不超过 ${TEMPLATE.maxChars} 字）`));
  } else {
    els.push(md(grey('基本信息尚未填写完整，请先完成第 1 步。')));
  }
  els.push(hr());
  els.push(line(`**开头段落** · ${len(a.opening)}`, edit('opening')));
  els.push(md(`**一、${year}年基层党建主要成绩及经验**`));
  let k = 0;
  for (const x of a.achievements) {
    const heading = escapeMd(clip(x.heading.trim() || '（未填写标题）', 40));
    if (s.removed.includes(x.id)) {
      els.push(line(`${grey('已删除：')}${heading}`, button('恢复', val(s, 'restore', x.id), { size: 'small' })));
      continue;
    }
    k++;
    const parts = [...x.paragraphs];
    const stat = x.stat && x.stat.mode !== 'drop' ? ' · 含统计数据' : '';
    els.push(line(`（${chineseNumber(k)}）${heading} · ${len(parts)}${stat}`, edit(`ach:${x.id}`)));
  }
  if (s.imported) els.push(line(`**上年度问题整改情况** · ${len(a.rectification)}`, edit('rectification')));
  const problemTexts = a.problems.flatMap((p) => [p.problem, ...p.analysis]);
  els.push(line(`**二、存在的突出问题** · ${a.problems.length} 条 · ${len(problemTexts)}`, edit('problems')));
  const planTexts = [...(a.plan.intro ? [a.plan.intro] : []), ...a.plan.items];
  els.push(line(`**三、${year + 1}年工作思路** · ${a.plan.items.length} 条措施 · ${len(planTexts)}`, edit('plan')));
  els.push(hr());
  if (answers) {
    const maxFindings = b.rows >= 10 ? 15 : b.rows >= 6 ? 8 : 3;
    els.push(
      md(
        findings.length === 0
          ? '**格式检查：**未发现问题，可以生成文档。'
          : `**格式检查：**发现 ${findings.length} 处需要注意\n${findingLines(findings, maxFindings).join('\n')}`,
      ),
    );
  }
  if (ctx.published) {
    els.push(md(`已于 ${formatStamp(ctx.published.at, ctx.tz)} 生成飞书文档。修改后点击“更新文档”，将更新同一文档，链接不变。`));
  }
  els.push(
    row([
      button(ctx.published ? '更新文档' : '生成文档', val(s, 'publish'), { type: 'primary' }),
      ...(ctx.published ? [openUrlButton('打开文档', ctx.published.url)] : []),
      button('上一步', val(s, 'back')),
      button('稍后继续', val(s, 'later')),
    ]),
  );
  const h = header(s);
  return card({ title: h.title, subtitle: h.subtitle, template: 'green', elements: els, summary: h.title });
}

const stampFormats = new Map<string, Intl.DateTimeFormat>();

/** 12月10日 10:00 in `tz`. */
function formatStamp(at: number, tz: string): string {
  let f = stampFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    stampFormats.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** A button that opens a link (our own document URL; never user text). */
function openUrlButton(text: string, url: string): El {
  return { tag: 'button', text: plain(text), type: 'default', size: 'medium', behaviors: [{ type: 'open_url', default_url: url, pc_url: url, ios_url: url, android_url: url }] };
}

/** The card for the session's current step. */
export function renderCard(s: Session, ctx: Ctx, o: RenderOpts = {}): El {
  if (s.step === 'setup') return setupCard(s, ctx, o);
  if (s.step === 'preview') return fitCard(BUDGETS, (b, trimmed) => previewCard(s, ctx, o, b, trimmed));
  return fitCard(BUDGETS, (b, trimmed) => stepCard(s, ctx, o, b, trimmed));
}

/** "继续上次的填写（第 n/N 步）": the current step's card with a note on top. */
export function resumeCard(s: Session, ctx: Ctx): El {
  const { n, total } = progress(s);
  return renderCard(s, ctx, { note: `继续上次的填写（第 ${n}/${total} 步）` });
}

/** Answer to 稍后继续: progress is saved; one button brings the step back. */
export function laterCard(s: Session): El {
  const { n, total } = progress(s);
  return card({
    title: '述职报告 · 进度已保存',
    template: 'grey',
    elements: [
      md(
        `已为您保存填写进度，当前在第 ${n}/${total} 步（${stepLabel(s, s.step)}）。\n您可以随时点击下方按钮继续填写。`,
      ),
      row([button('继续填写', val(s, 'resume'), { type: 'primary' })]),
    ],
  });
}

/** Answer to 生成文档 while the document is being made (the result is sent separately). */
export function publishingCard(s: Session): El {
  return card({
    title: '述职报告 · 正在生成文档',
    template: 'green',
    elements: [
      md('已收到，正在生成述职报告文档。生成后将把文档链接发送给您，请稍候。'),
      row([button('返回修改', val(s, 'resume'))]),
    ],
  });
}

export const WELCOME_EXAMPLES = [
  '3月5日 组织集中学习党的二十届三中全会精神，28人参加',
  '4月12日 召开支委会，研究发展党员工作',
  '6月28日 开展主题党日活动，赴红色教育基地参观学习',
] as const;

/**
 * Sent when the user opens an empty chat (the first time, or after the chat was cleared): what the bot does,
 * how to log, and the start button. With `inProgress` (a report already begun) the card says how far it got,
 * and its button continues it.
 */
export function welcomeCard(inProgress?: Session): El {
  const resume = inProgress
    ? (() => {
        const { n, total } = progress(inProgress);
        return md(`您有一份尚未完成的${reportYear(inProgress)}年度述职报告，上次填写到第 ${n}/${total} 步（${stepLabel(inProgress, inProgress.step)}），点击下方按钮即可接着填写。`);
      })()
    : undefined;
  return card({
    title: '述职助手',
    subtitle: '书记抓基层党建工作述职报告',
    template: 'red',
    elements: [
      md(
        '您好！我是述职助手，协助党组织书记完成年度《书记抓基层党建工作述职报告》。\n' +
          '· **平时**：在对话框中用一句话记录党建活动，我会自动归类、统计；\n' +
          '· **年底**：按照述职报告的结构逐步引导您填写，并引用全年活动统计数据；\n' +
          '· **完成后**：检查格式规范，生成飞书文档。',
      ),
      md(`**记录活动，可以这样发送：**\n${WELCOME_EXAMPLES.map((e) => `· ${escapeMd(e)}`).join('\n')}`),
      ...(resume ? [resume] : []),
      row([button(resume ? '继续填写述职报告' : '开始写述职报告', { k: 'start' }, { type: 'primary' })]),
    ],
  });
}
