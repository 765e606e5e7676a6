// The composer: (template, answers, statistics) → report tree. Pure.
//
// Tree conventions (the renderers rely on them):
// - nodes[0] is the title node; tree.title holds the same text.
// - heading.number is the full marker as printed: '一、' (level 1), '（一）' (level 2); the renderers
//   print number + text with nothing in between.
// - every paragraph is normalized (full-width punctuation, numbering the user typed stripped) and ends
//   a sentence; headings never end with punctuation.
//
// Layout: title; opening; 一、achievements (（一）… in answers order); 二、problems, with last year's
// rectification as its first content; 三、next year's plan (intro + one 一是……二是…… paragraph). Empty
// parts are omitted and the numbering stays consecutive.
import {
  chineseNumber,
  endsSentence,
  ensureSentenceEnd,
  normalizeChinese,
  stripEnumeration,
  stripNumbering,
} from './punctuation.ts';
import { statSentence } from './stats-sentence.ts';
import type { ReportTemplate } from './template.ts';
import type { Achievement, ReportAnswers, ReportNode, ReportSetup, ReportStats, ReportTree } from './types.ts';

function fill(pattern: string, vars: Record<string, string | number>): string {
  return pattern.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** `{year}年度{unit}{orgType}书记抓基层党建工作述职报告`; a unit that already ends with its orgType is not doubled. */
export function reportTitle(template: ReportTemplate, setup: ReportSetup): string {
  const unit = normalizeChinese(setup.unit);
  const orgType = unit.endsWith(setup.orgType) ? '' : setup.orgType;
  return fill(template.title, { year: setup.year, unit, orgType });
}

/**
 * Splits what the user typed into paragraphs: blank lines separate paragraphs, and a single line break
 * separates paragraphs only after a sentence end (a break in mid-sentence, typical of pasted text, is
 * joined). Each paragraph is normalized, stripped of typed numbering and ended with 。.
 */
export function toParagraphs(text: string): string[] {
  const out: string[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n[ \t\u3000]*\n/)) {
    let current = '';
    for (const rawLine of block.split('\n')) {
      const line = rawLine.trim();
      if (line === '') continue;
      if (current === '') current = line;
      else if (endsSentence(current, { colon: true })) {
        out.push(current);
        current = line;
      } else {
        const glue = /[A-Za-z0-9]$/.test(current) && /^[A-Za-z0-9]/.test(line) ? ' ' : '';
        current += glue + line;
      }
    }
    if (current !== '') out.push(current);
  }
  return out.map((p) => ensureSentenceEnd(normalizeChinese(stripNumbering(normalizeChinese(p))))).filter((p) => p !== '');
}

function allParagraphs(texts: readonly string[]): string[] {
  return texts.flatMap(toParagraphs);
}

/** A heading phrase: one line, normalized, no typed numbering, no trailing punctuation. */
export function toHeading(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, '');
  return normalizeChinese(stripNumbering(normalizeChinese(oneLine))).replace(/[。！？；，、：.,;:!?\s]+$/u, '');
}

/** One list item for a 一是……二是…… paragraph: no numbering, no typed 一是, ends with 。 (not ；). */
function toListItem(text: string): string {
  const joined = toParagraphs(text).join('');
  const bare = stripEnumeration(joined).replace(/^[，、：；。]+/, '');
  if (bare === '') return '';
  return ensureSentenceEnd(bare.replace(/[；;]$/, ''));
}

/** Items → one paragraph "一是……。二是……。三是……。" (empty items skipped). */
export function enumerationParagraph(items: readonly string[]): string {
  return items
    .map(toListItem)
    .filter((t) => t !== '')
    .map((t, i) => `${chineseNumber(i + 1)}是${t}`)
    .join('');
}

function statParagraph(template: ReportTemplate, a: Achievement, stats: ReportStats | undefined): string[] {
  if (!a.stat || a.stat.mode === 'drop') return [];
  if (a.stat.mode === 'edit') return toParagraphs(a.stat.text);
  const section = template.achievements.find((s) => s.id === a.id);
  const sentence = section ? statSentence(section, stats) : null;
  return sentence ? [sentence] : [];
}

/** A problem typed as "概括。分析……" gives the heading "概括" and a first analysis paragraph. */
function splitProblem(problem: string): { heading: string; rest: string } {
  const text = normalizeChinese(stripNumbering(normalizeChinese(problem.replace(/\s*\n\s*/g, ''))));
  const m = /^(.+?[。！？])(.+)$/su.exec(text);
  if (m) return { heading: toHeading(m[1]!), rest: m[2]! };
  return { heading: toHeading(text), rest: '' };
}

interface Part {
  heading: string;
  body: ReportNode[];
}

/**
 * Composes the report tree. Statistics whose year differs from the report year are ignored (an
 * accepted statistics sentence then yields nothing rather than last year's figures).
 */
export function composeReport(template: ReportTemplate, answers: ReportAnswers, stats?: ReportStats): ReportTree {
  const { setup } = answers;
  const year = setup.year;
  const nextYear = year + 1;
  const usableStats = stats && stats.year === year ? stats : undefined;
  const title = reportTitle(template, setup);
  const nodes: ReportNode[] = [{ type: 'title', text: title }];

  for (const text of allParagraphs(answers.opening)) nodes.push({ type: 'paragraph', text });

  const parts: Part[] = [];

  // 一、achievements
  const achievementBody: ReportNode[] = [];
  let sub = 0;
  for (const a of answers.achievements) {
    const paragraphs = [...statParagraph(template, a, usableStats), ...allParagraphs(a.paragraphs)];
    if (paragraphs.length === 0) continue;
    const fallback = template.achievements.find((s) => s.id === a.id)?.heading ?? '';
    const heading = toHeading(a.heading) || toHeading(fallback);
    if (heading !== '') {
      sub++;
      achievementBody.push({ type: 'heading', level: 2, number: `（${chineseNumber(sub)}）`, text: heading });
    }
    for (const text of paragraphs) achievementBody.push({ type: 'paragraph', text });
  }
  if (achievementBody.length > 0) {
    parts.push({ heading: toHeading(fill(template.achievementsHeading, { year, nextYear })), body: achievementBody });
  }

  // 二、problems, opened by what was done about last year's problems
  const problemBody: ReportNode[] = [];
  const rectification = allParagraphs(answers.rectification);
  if (rectification.length > 0) {
    const intro = toParagraphs(fill(template.rectification.intro, { year, nextYear, lastYear: year - 1 }));
    for (const text of [...intro, ...rectification]) problemBody.push({ type: 'paragraph', text });
  }
  let problemNo = 0;
  for (const p of answers.problems) {
    const { heading, rest } = splitProblem(p.problem);
    const analysis = allParagraphs([rest, ...p.analysis].filter((t) => t.trim() !== ''));
    if (heading !== '') {
      problemNo++;
      problemBody.push({ type: 'heading', level: 2, number: `（${chineseNumber(problemNo)}）`, text: heading });
    }
    for (const text of analysis) problemBody.push({ type: 'paragraph', text });
  }
  if (problemBody.length > 0) {
    parts.push({ heading: toHeading(fill(template.problemsHeading, { year, nextYear })), body: problemBody });
  }

  // 三、next year's plan
  const planItems = enumerationParagraph(answers.plan.items);
  const typedIntro = answers.plan.intro?.trim() ? allParagraphs([answers.plan.intro]) : [];
  if (planItems !== '' || typedIntro.length > 0) {
    const intro = typedIntro.length > 0 ? typedIntro : toParagraphs(fill(template.plan.defaultIntro, { year, nextYear }));
    const body: ReportNode[] = intro.map((text) => ({ type: 'paragraph', text }));
    if (planItems !== '') body.push({ type: 'paragraph', text: planItems });
    parts.push({ heading: toHeading(fill(template.planHeading, { year, nextYear })), body });
  }

  parts.forEach((part, i) => {
    nodes.push({ type: 'heading', level: 1, number: `${chineseNumber(i + 1)}、`, text: part.heading });
    nodes.push(...part.body);
  });

  return { title, nodes };
}
