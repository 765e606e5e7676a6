// Reading the structure of any report text: lines, heading numbers (一、 （一） 1. （1）), the title and
// the report year. Shared by the checker and the last-year import splitter. Pure.
import { chineseNumber, endsSentence, parseChineseNumber } from '../punctuation.ts';

export interface Line {
  /** 0-based line index in the text. */
  index: number;
  raw: string;
  /** The line without leading/trailing whitespace and without Markdown heading marks or ** wrapping. */
  text: string;
  /** Index in `raw` where `text` starts. */
  offset: number;
}

export type Level = 1 | 2 | 3 | 4;

export interface HeadingMark {
  level: Level;
  n: number;
  /** The marker as typed, e.g. `（一）`, `(五）`, `1.`. */
  marker: string;
  /** The text after the marker (and after any stray punctuation right after it). */
  rest: string;
  /** Index in Line.text where `rest` starts. */
  restStart: number;
}

export function splitLines(text: string): Line[] {
  return text.split(/\r\n|\r|\n/).map((raw, index) => {
    let start = 0;
    let end = raw.length;
    while (start < end && /\s/u.test(raw[start]!)) start++;
    while (end > start && /\s/u.test(raw[end - 1]!)) end--;
    // Markdown leftovers are reported by the markup rule; the structure is read without them.
    const md = /^(?:#{1,6}\s*|\*\*)/.exec(raw.slice(start, end));
    if (md) {
      start += md[0].length;
      while (start < end && /\s/u.test(raw[start]!)) start++;
      if (raw.slice(start, end).endsWith('**')) end -= 2;
    }
    return { index, raw, text: raw.slice(start, end), offset: start };
  });
}

const CN = '[一二三四五六七八九十]+';
const HEADING_PATTERNS: Array<{ level: Level; re: RegExp; cn: boolean }> = [
  // 〔一〕 (the bracket of document numbers) is read as （一）; the checker reports it.
  { level: 2, re: new RegExp(`^[（(〔]\\s*(${CN})\\s*[）)〕]`), cn: true },
  { level: 4, re: /^[（(]\s*(\d{1,2})\s*[）)]/, cn: false },
  { level: 1, re: new RegExp(`^(${CN})\\s*[、.．]`), cn: true },
  { level: 3, re: /^(\d{1,2})\s*(?:[、．]|\.(?!\d))/, cn: false },
];

/** The heading number a line starts with, if any. */
export function parseHeading(text: string): HeadingMark | null {
  for (const { level, re, cn } of HEADING_PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const n = cn ? parseChineseNumber(m[1]!) : Number(m[1]);
    if (n === null || n < 1) continue;
    let restStart = m[0].length;
    while (restStart < text.length && /[\s、，,.．；;：:。]/u.test(text[restStart]!)) restStart++;
    return { level, n, marker: m[0], rest: text.slice(restStart), restStart };
  }
  return null;
}

/** The canonical marker for a level and number: 一、 （一） 1. （1）. */
export function markerFor(level: Level, n: number): string {
  switch (level) {
    case 1:
      return `${chineseNumber(n)}、`;
    case 2:
      return `（${chineseNumber(n)}）`;
    case 3:
      return `${n}.`;
    case 4:
      return `（${n}）`;
  }
}

/** Years written as 2023年 in a string, with their index. */
export function yearsIn(text: string): Array<{ year: number; index: number; length: number }> {
  const out: Array<{ year: number; index: number; length: number }> = [];
  for (const m of text.matchAll(/(?<![\d.])((?:19|20)\d{2})\s*年/g)) {
    out.push({ year: Number(m[1]), index: m.index, length: m[0].length });
  }
  return out;
}

/**
 * The title: the first non-empty line, when it carries no heading number, does not end a sentence and
 * is short enough to be a title.
 */
export function findTitle(lines: readonly Line[]): Line | undefined {
  const first = lines.find((l) => l.text !== '');
  if (!first) return undefined;
  // A first line that is a sentence ending in "：" ("现将……报告如下：") is the opening, not a title.
  if (parseHeading(first.text) || endsSentence(first.text, { colon: true }) || [...first.text].length > 80) return undefined;
  return first;
}

export function titleYear(title: Line | undefined): number | undefined {
  return title ? yearsIn(title.text)[0]?.year : undefined;
}

/** Is this part-一 heading the part about next year's plan (思路 / 打算 / 计划 …)? */
export function isPlanHeading(text: string): boolean {
  return /思路|打算|计划|下一步|努力方向|工作重点|明年/.test(text);
}

/** Is this part-一 heading the problems part? */
export function isProblemsHeading(text: string): boolean {
  return /问题|不足|差距|短板/.test(text);
}

/** Is this part-一 heading the achievements part? */
export function isAchievementsHeading(text: string): boolean {
  return /成绩|经验|成效|主要工作|工作开展|履职情况|工作情况|做法/.test(text);
}

/** A line that is only a date, as under a signature: 2024年1月10日. */
export function isDateLine(text: string): boolean {
  return /^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$/.test(text);
}

/**
 * Is a numbered line that ends with 。 a sentence rather than a heading with a stray period? `rest` is the text
 * after the number; `hasBody` whether a paragraph of its own follows before the next heading of its level or
 * above (see `hasOwnBody`). A sentence is:
 * - a run-in heading with its body on the same line (another sentence end, or a colon followed by text,
 *   before the last 。): 「（一）理论学习不够深入。具体表现在……。」;
 * - a statement of three clauses or more, as a measure (goal plus concrete actions) or a problem with its
 *   symptoms is written: 「（一）加强理论武装，建立每月集中学习制度，每季度开展一次专题研讨。」 (a heading is a
 *   phrase or a pair of phrases: 「认真履行职责，带头落实党建工作责任制」);
 * - an item with no body of its own: numbered sentences one after another;
 * - longer than any heading (over 50 characters).
 */
export function isNumberedSentence(rest: string, hasBody: boolean): boolean {
  const body = rest.replace(/[。！？；…]+[”’」』）》]*$/u, '');
  if (/[。！？；]|[：:]\s*\S/u.test(body)) return true;
  if ((body.match(/[，,；;]/g) ?? []).length >= 2) return true;
  return !hasBody || [...rest].length > 50;
}

/**
 * Does the line at `i` (a heading of `level`) have a body of its own: a paragraph that ends a sentence before
 * the next heading of its level or above? A signature or a date under the last item is not a body.
 */
export function hasOwnBody(items: ReadonlyArray<{ text: string; level: Level | null }>, i: number, level: Level): boolean {
  for (let j = i + 1; j < items.length; j++) {
    const next = items[j]!;
    if (next.level !== null && next.level <= level) return false;
    if (next.level !== null || endsSentence(next.text, { colon: true })) return true;
  }
  return false;
}

/** Column (1-based, in code points) of a UTF-16 index within a string. */
export function columnOf(s: string, index: number): number {
  return [...s.slice(0, index)].length + 1;
}

/** Characters that cannot start a sentence: the line before was cut in the middle of a sentence. */
const CONTINUATION_START = /^(?:[，、。；：！？）》”’的地得了着过和与及或并等之]|\d+(?:\.\d+)?[次名元万亿余%％])/u;
/** Characters a sentence cannot stop at. */
const DANGLING_END = /[，、的地得和与及或并在把被对向从为将以了着（《“\d]$/u;

/**
 * Does `next` continue the sentence that `line` leaves open (a paragraph broken in mid-sentence)?
 * A short line without end punctuation followed by an ordinary sentence is taken for an unnumbered
 * heading or a signature, not a broken paragraph.
 */
export function continuesSentence(line: string, next: string): boolean {
  if (endsSentence(line, { colon: true }) || isDateLine(line) || isDateLine(next) || parseHeading(next)) return false;
  return [...line].length >= 30 || CONTINUATION_START.test(next) || DANGLING_END.test(line);
}
