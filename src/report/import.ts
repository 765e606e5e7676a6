// Splits last year's report (pasted text) into its parts, so the walk-through can offer last year's
// paragraphs as a starting point and ask what was done about last year's problems. Pure.
import {
  type Line,
  continuesSentence,
  findTitle,
  isAchievementsHeading,
  isDateLine,
  isPlanHeading,
  isProblemsHeading,
  markerFor,
  parseHeading,
  splitLines,
  titleYear,
} from './lint/structure.ts';
import { isPageDebris } from './lint/index.ts';
import { endsSentence, stripEnumeration, stripNumbering } from './punctuation.ts';
import type { AchievementTemplate, ReportTemplate } from './template.ts';

export interface ImportedSection {
  level: 1 | 2;
  /** Canonical marker: 一、 or （一）. */
  number: string;
  /** Heading without its number and without trailing punctuation. */
  heading: string;
  /** The section's own paragraphs (not those of its sub-sections), one per line. */
  text: string;
  /** For a sub-section of the achievements part: the template achievement it corresponds to. */
  templateId?: string;
  /** The part of the report it is (a part heading) or belongs to (a sub-section). */
  part?: ReportPart;
  /** The sentence end the numbered line had after its heading (「（一）理论学习不够深入。」 → 。). */
  end?: string;
  /** The heading ran into its body on the same line: 「（一）理论学习不够深入。具体表现在……」 (its first paragraph). */
  runIn?: true;
}

export type ReportPart = 'achievements' | 'problems' | 'plan';

export interface ImportedReport {
  title?: string;
  year?: number;
  opening: string;
  sections: ImportedSection[];
  /** The problems named in the problems part, one sentence each, without numbering or end mark. */
  problems: string[];
}

/** Joins lines into paragraphs where a line was broken in mid-sentence. */
function joinParagraphs(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    if (prev !== undefined && !parseHeading(line) && continuesSentence(prev, line)) out[out.length - 1] = prev + line;
    else out.push(line);
  }
  return out;
}

function trimHeading(text: string): string {
  return text.replace(/[。！？；，、：.,;:!?\s]+$/u, '').trim();
}

/**
 * A run-in heading "（一）理论学习不够深入。具体表现在……" → heading + the rest as a paragraph; `end` is the sentence end
 * the heading had (a numbered sentence such as a measure keeps it for display).
 */
function splitRunIn(rest: string): { heading: string; body: string; end?: string } {
  const m = /^(.+?[。！？])(.+)$/su.exec(rest);
  const [head, body] = m && [...m[1]!].length <= 60 ? [m[1]!, m[2]!.trim()] : [rest, ''];
  const end = /[。！？；]$/u.exec(head.trim())?.[0];
  return { heading: trimHeading(head), body, ...(end ? { end } : {}) };
}

function hanBigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const run of text.match(/[\u3400-\u9fff]+/g) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/**
 * Words that name each section of the duty report in the headings people actually write (last year's
 * report rarely reuses the template's wording). Keyed by template achievement id; ids of other
 * templates simply have no hints. Hints count like words of the section's own heading.
 */
const SECTION_HINTS: Record<string, string> = {
  duty: '责任制 第一责任人 主体责任 管党治党 履职尽责 责任清单 三会一课 述职',
  study: '理论武装 学习教育 思想政治 政治理论 学习型 教育培训 主题教育 党性教育 学懂弄通',
  organization: '组织建设 组织力 凝聚力 战斗力 基层基础 党员队伍 支部建设 标准化规范化 换届 民主集中制 发展党员',
  conduct: '作风建设 作风 效能 形式主义 官僚主义 营商环境 工作效率 转变作风',
  integrity: '党风廉政 廉洁 清廉 廉政 纪律规矩 警示教育 一岗双责 全面从严治党 正风肃纪 拒腐防变',
  rules: '制度建设 制度体系 规章 党务公开 责任追究 建章立制 制度化',
  service: '服务型 为民服务 服务群众 志愿服务 双报到 乡村振兴 服务企业 服务发展 先锋模范 办实事',
};

interface SectionProfile {
  id: string;
  heading: Set<string>;
  other: Set<string>;
}

/**
 * Similarity of a typed heading to each template section: shared character bigrams, weighted by how
 * specific they are to one section (inverse document frequency over the template's headings, prompts
 * and examples), counting double when they occur in the section's own heading.
 */
function scorer(sections: readonly AchievementTemplate[]): (heading: string) => Map<string, number> {
  const profiles: SectionProfile[] = sections.map((s) => ({
    id: s.id,
    heading: hanBigrams(`${s.heading} ${SECTION_HINTS[s.id] ?? ''}`),
    other: hanBigrams(`${s.prompt}${s.example}${s.statKinds.join('')}`),
  }));
  const df = new Map<string, number>();
  for (const p of profiles) for (const b of new Set([...p.heading, ...p.other])) df.set(b, (df.get(b) ?? 0) + 1);
  const n = profiles.length;
  return (heading) => {
    const scores = new Map<string, number>();
    const grams = hanBigrams(heading);
    for (const p of profiles) {
      let score = 0;
      for (const b of grams) {
        const idf = Math.log(n / (df.get(b) ?? n));
        if (p.heading.has(b)) score += 2 * idf;
        else if (p.other.has(b)) score += idf;
      }
      scores.set(p.id, score);
    }
    return scores;
  };
}

/** Below this the heading is not taken to be any template section. */
const MIN_SCORE = 2;

/** Greedy one-to-one assignment of sub-sections to template ids, best matches first. */
function assignTemplateIds(sections: ImportedSection[], template: ReportTemplate): void {
  const score = scorer(template.achievements);
  const candidates: Array<{ section: ImportedSection; id: string; score: number }> = [];
  for (const section of sections) {
    for (const [id, s] of score(section.heading)) if (s >= MIN_SCORE) candidates.push({ section, id, score: s });
  }
  candidates.sort((a, b) => b.score - a.score);
  const used = new Set<string>();
  for (const c of candidates) {
    if (c.section.templateId !== undefined || used.has(c.id)) continue;
    c.section.templateId = c.id;
    used.add(c.id);
  }
}

/** Problems written without sub-headings: the 一是/二是 clauses of a paragraph, else its first sentence. */
function problemsFromParagraphs(paragraphs: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paragraphs) {
    const clauses = [...p.matchAll(/(?:^|[，。；：！？])[一二三四五六七八九十]+是([^；。！？]+)/gu)].map((m) => m[1]!);
    if (clauses.length >= 2) out.push(...clauses.map(trimHeading));
    else {
      const first = /^[^。！？；]+/u.exec(stripEnumeration(stripNumbering(p)))?.[0];
      if (first) out.push(trimHeading(first));
    }
  }
  return out.filter((p) => p !== '');
}

/**
 * The lines without the closing under the report: the date, and the signature lines just above it (short,
 * no sentence end, no number: 「区财政局党委书记　李明」). Without a date nothing is taken for a signature.
 */
function withoutClosing(lines: Line[]): Line[] {
  let end = lines.length;
  while (end > 0 && isDateLine(lines[end - 1]!.text)) end--;
  if (end === lines.length) return lines;
  for (let k = 0; k < 2 && end > 0; k++) {
    const t = lines[end - 1]!.text;
    if ([...t].length > 40 || endsSentence(t, { colon: true }) || parseHeading(t)) break;
    end--;
  }
  return lines.slice(0, end);
}

const SEPARATOR = /^\s*(?:[*＊]{3,}|[-—_=]{3,})\s*$/u;

/** Part headings people write without a number. Short lines only, without sentence punctuation. */
const UNNUMBERED_PART =
  /^(?:(?:\d{4}年度?)?(?:主要工作(?:及|和)?成效|主要成绩(?:及|和)?经验|履职情况(?:和|及)?工作亮点)|存在的?(?:主要)?(?:问题|不足|差距)(?:(?:和|及|与)(?:不足|短板|差距))?|存在的?差距和短板|(?:下一步|今后|明年|\d{4}年)(?:的)?(?:工作)?(?:打算|思路|计划|努力方向))$/u;

function yearOf(text: string): number | undefined {
  const m = /(?<!\d)((?:19|20)\d{2})\s*年度/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Splits a report into title, year, opening and sections (levels 一、 and （一）; lower levels stay in
 * their section's text), maps the sub-sections of the achievements part onto template achievement ids
 * by heading similarity, and lists the problems of the problems part.
 */
export function splitReport(text: string, template: ReportTemplate): ImportedReport {
  // Page numbers, running debris of 文库 sites and separator lines are page furniture: never last year's text.
  const lines = splitLines(text).filter((l) => !isPageDebris(l.raw) && !SEPARATOR.test(l.raw));
  const title = findTitle(lines);
  const body: Line[] = withoutClosing(lines.filter((l) => l.text !== '' && l !== title));

  const opening: string[] = [];
  const sections: Array<ImportedSection & { lines: string[]; parent?: ImportedSection & { lines: string[] } }> = [];
  let currentL1: (typeof sections)[number] | undefined;
  let partsSeen = 0;
  for (const line of body) {
    const numbered = parseHeading(line.text);
    // A part heading written without its number ("存在的差距和短板", "下一步工作打算").
    const mark = numbered ?? (UNNUMBERED_PART.test(line.text) ? { level: 1 as const, n: partsSeen + 1, rest: line.text } : null);
    if (mark?.level === 1) partsSeen = mark.n;
    if (mark && mark.level <= 2) {
      const { heading, body: runIn, end } = splitRunIn(mark.rest);
      const level = mark.level as 1 | 2;
      const section = {
        level,
        number: markerFor(level, mark.n),
        heading,
        text: '',
        lines: runIn ? [runIn] : [],
        ...(end ? { end } : {}),
        ...(runIn ? { runIn: true as const } : {}),
        ...(level === 2 && currentL1 ? { parent: currentL1 } : {}),
      };
      sections.push(section);
      if (level === 1) currentL1 = section;
      continue;
    }
    const current = sections[sections.length - 1];
    if (current) current.lines.push(line.text);
    else opening.push(line.text);
  }
  for (const s of sections) s.text = joinParagraphs(s.lines).join('\n');

  const parts = sections.filter((s) => s.level === 1);
  const pick = (test: (h: string) => boolean, n: number) =>
    parts.find((p) => test(p.heading)) ?? parts.find((p) => p.number === markerFor(1, n) && !isPlanHeading(p.heading));
  const achievementsPart = pick(isAchievementsHeading, 1);
  const problemsPart = pick(isProblemsHeading, 2);
  const planPart =
    parts.find((p) => isPlanHeading(p.heading)) ??
    parts.find((p) => p.number === markerFor(1, 3) && p !== achievementsPart && p !== problemsPart);
  const partOf = (p: ImportedSection | undefined): ReportPart | undefined =>
    p === undefined
      ? undefined
      : p === achievementsPart
        ? 'achievements'
        : p === problemsPart && p !== achievementsPart
          ? 'problems'
          : p === planPart
            ? 'plan'
            : undefined;
  for (const s of sections) {
    const part = partOf(s.level === 1 ? s : s.parent);
    if (part) s.part = part;
  }

  const achievementSubs = sections.filter((s) => s.parent !== undefined && s.parent === achievementsPart);
  assignTemplateIds(achievementSubs, template);

  let problems: string[] = [];
  if (problemsPart && problemsPart !== achievementsPart) {
    const subs = sections.filter((s) => s.parent === problemsPart);
    problems =
      subs.length > 0
        ? subs.map((s) => s.heading).filter((h) => h !== '')
        : problemsFromParagraphs(problemsPart.text.split('\n').filter((p) => p !== ''));
  }

  // Without a title, the year the opening names as the report's ("现将本人2023年度……报告如下：").
  const year = titleYear(title) ?? yearOf(opening.join(''));
  return {
    ...(title ? { title: title.text } : {}),
    ...(year !== undefined ? { year } : {}),
    opening: joinParagraphs(opening).join('\n'),
    sections: sections.map(({ level, number, heading, text, templateId, part, end, runIn }) => ({
      level,
      number,
      heading,
      text,
      ...(templateId !== undefined ? { templateId } : {}),
      ...(part !== undefined ? { part } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(runIn ? { runIn } : {}),
    })),
    problems,
  };
}
