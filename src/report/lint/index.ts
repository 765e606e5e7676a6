// The format checker: works on any report text (ours or pasted), returns findings with 1-based line and
// column, a Chinese message and, when there is an obvious fix, a suggestion. Pure.
import { type PunctEdit, endsSentence, findPunctuationEdits, hasHan } from '../punctuation.ts';
import { countNonWhitespace } from '../render-text.ts';
import {
  type HeadingMark,
  type Level,
  type Line,
  columnOf,
  continuesSentence,
  findTitle,
  hasOwnBody,
  isDateLine,
  isNumberedSentence,
  isAchievementsHeading,
  isPlanHeading,
  isProblemsHeading,
  markerFor,
  parseHeading,
  splitLines,
  titleYear,
  yearsIn,
} from './structure.ts';

export interface Finding {
  rule: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters (code points) of the line as given. */
  column: number;
  message: string;
  suggestion?: string;
}

export interface LintOptions {
  /** The report year; defaults to the year in the title. */
  year?: number;
  /** Length cap in characters without whitespace; default 5000. */
  maxChars?: number;
}

export const DEFAULT_MAX_CHARS = 5000;

export const LINT_RULES: ReadonlyArray<{ id: string; description: string }> = [
  { id: 'numbering-skip', description: '标题编号跳号：同一级编号应连续（一、二、三……），下级编号在每个上级标题下从头开始。' },
  { id: 'numbering-repeat', description: '标题编号重复：同一级出现两个相同编号。' },
  { id: 'numbering-order', description: '标题编号顺序颠倒：编号小于前一个同级编号。' },
  { id: 'heading-missing-number', description: '缺少标题编号：一行看起来是标题，夹在有编号的同级标题之间却没有编号。' },
  { id: 'bracket-width', description: '中文中使用了半角括号，或括号全角半角混用（如“(五）”）。' },
  { id: 'punctuation-width', description: '中文中使用了半角标点（, . ; : ! ? " ...），应使用全角标点。' },
  { id: 'number-punctuation', description: '编号后多了标点，如“（一）、”“1、，”。' },
  { id: 'heading-period', description: '一级、二级标题末尾不加句号（编号后是完整句子的措施、问题，以及标题后同一行接正文的，不在此列）。' },
  { id: 'title-year', description: '标题应写明报告年度，且与报告年度一致。' },
  { id: 'year-future', description: '正文（第三部分工作思路除外）出现晚于报告年度的年份。' },
  { id: 'plan-year', description: '工作思路部分应写下一年度，出现报告年度本身（“{year}年”）属于笔误。' },
  { id: 'date-format', description: '日期写法不规范：不用“2023.03.05”“2023-3-5”之类写法，月、日前不加“0”。' },
  { id: 'paragraph-broken', description: '段落在句子中间断行：本行未以句末标点结束，下一行接续本句。' },
  { id: 'markup', description: '残留的排版标记或模板占位符（**、#、<at>、{unit}、XXX、××、【请填写】、TODO 等）。' },
  { id: 'enumeration-order', description: '“一是、二是、三是”顺序不对：跳号、重复或不是从“一是”开始。' },
  { id: 'length', description: '篇幅超过上限（默认5000字，不计空白字符）。' },
  { id: 'quotes', description: '引号有误：写成“〞”“〝”，“”中间没有内容，或前引号“没有对应的后引号”。' },
  { id: 'page-debris', description: '从 PDF、文库网站复制时带入的页码（“— 3 —”“第3页”）和网站附加文字。' },
  { id: 'heading-run-in', description: '标题与正文接在同一行：标题后应另起一段写正文（问题部分“（一）问题。具体表现……”的写法不在此列）。' },
  { id: 'heading-year', description: '成绩部分的标题写了报告年度以外的年份。' },
];

/** A page number between pages of a PDF or Word copy: "— 3 —", "- 12 -", "3", "第3页", "第 3 页 共 8 页", "3/8". */
export const PAGE_NUMBER = /^[\s\-—–－]*\d{1,3}[\s\-—–－]*$|^[\s\-—–－]*第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?[\s\-—–－]*$|^\s*\d{1,3}\s*\/\s*\d{1,3}\s*$/u;
/** What 文库 sites and download pages add to a copied document. */
export const SITE_DEBRIS = /本文档由用户上传|如有侵权请联系删除|下载后查看|此处隐藏\d*字|本文来源[:：]|百度文库|道客巴巴|豆丁网|原创力文档|文档可自由编辑|侵删|(?:更多|免费)(?:精品)?(?:文档|范文)(?:请|尽在)/u;
/** A separator line ("***", "———", "==="): layout, not text. */
const SEPARATOR = /^\s*(?:[*＊]{3,}|[-—_=]{3,})\s*$/u;

/** Lines that are page furniture, not report text (the checker reports them once and reads past them). */
export function isPageDebris(text: string): boolean {
  return PAGE_NUMBER.test(text) || SITE_DEBRIS.test(text);
}

interface Entry {
  line: Line;
  mark: HeadingMark | null;
}

const ENUMERATION = /(^|[，。；：！？、（“\s])([一二三四五六七八九十]+)是(?!否)/gu;
const CN_ENUM = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function enumWord(n: number): string {
  return (CN_ENUM[n] ?? String(n)) + '是';
}

function enumValue(s: string): number {
  const i = CN_ENUM.indexOf(s);
  return Math.max(i, 0);
}

/** Checks a report text against the format rules of report-outline.md. */
export function lintReport(text: string, opts: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const lines = splitLines(text);
  const title = findTitle(lines);
  const year = opts.year ?? titleYear(title);
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;

  // Columns count code points; only lines with astral characters need the slow count.
  const astral = new Map<number, boolean>();
  const at = (line: Line, rawIndex: number): { line: number; column: number } => {
    let slow = astral.get(line.index);
    if (slow === undefined) {
      slow = /[\uD800-\uDFFF]/.test(line.raw);
      astral.set(line.index, slow);
    }
    return { line: line.index + 1, column: slow ? columnOf(line.raw, rawIndex) : rawIndex + 1 };
  };
  const add = (rule: string, line: Line, rawIndex: number, message: string, suggestion?: string): void => {
    findings.push({ rule, ...at(line, rawIndex), message, ...(suggestion ? { suggestion } : {}) });
  };

  const furniture = (l: Line) => SEPARATOR.test(l.raw) || isPageDebris(l.raw);
  for (const line of lines) {
    if (line.raw.trim() === '' || SEPARATOR.test(line.raw)) continue;
    if (isPageDebris(line.raw)) {
      const what = PAGE_NUMBER.test(line.text) ? '页码' : '网站附加文字';
      add('page-debris', line, line.offset, `残留${what}“${line.text.trim()}”（复制时带入）。`, '删去此行');
      continue;
    }
    checkMarkup(line, add);
    checkPunctuation(line, add);
    checkQuotes(line, add);
    checkDates(line, add);
  }

  if (title) checkTitleYear(title, year, opts.year !== undefined, add);

  const entries: Entry[] = lines
    .filter((l) => l.text !== '' && l !== title && !furniture(l))
    .map((line) => ({ line, mark: parseHeading(line.text) }));
  // Between two entries only blank lines and page furniture: the paragraph may go on across them.
  const onlyGap = (from: Line, to: Line) => lines.slice(from.index + 1, to.index).every((l) => l.text === '' || furniture(l));
  const anyPlanHeading = entries.some((e) => e.mark?.level === 1 && isPlanHeading(e.mark.rest));

  const last: number[] = [0, 0, 0, 0, 0];
  let inPlan = false;
  let inProblems = false;
  let inAchievements = false;
  let enumLast = 0;
  const enterHeading = (level: Level, n: number, headingText: string): void => {
    last[level] = Math.max(last[level]!, n);
    for (let l = level + 1; l <= 4; l++) last[l] = 0;
    if (level === 1) {
      inPlan = anyPlanHeading ? isPlanHeading(headingText) : n === 3;
      inProblems = isProblemsHeading(headingText);
      inAchievements = !inPlan && !inProblems && (isAchievementsHeading(headingText) || n === 1);
    }
    enumLast = 0;
  };

  const levels = entries.map((e) => ({ text: e.line.text, level: e.mark?.level ?? null }));
  // Lines starting "2、" found to continue the sentence before them: body text, not headings.
  const continued = new Set<number>();
  entries.forEach((entry, i) => {
    const { line } = entry;
    const mark = continued.has(line.index) ? null : entry.mark;
    if (mark) {
      checkNumbering(line, mark, last, add);
      checkNumberPunctuation(line, mark, add);
      if (mark.marker.trim().startsWith('〔')) {
        add('bracket-width', line, line.offset, `二级标题编号“${mark.marker.trim()}”应使用“（）”。`, `改为“${markerFor(2, mark.n)}”`);
      }
      if (mark.level <= 2) checkHeadingPeriod(line, mark, hasOwnBody(levels, i, mark.level), add);
      if (mark.level <= 2 && !inProblems && !(mark.level === 1 && isProblemsHeading(mark.rest))) checkRunIn(line, mark, add);
      enterHeading(mark.level, mark.n, mark.rest);
      // When the title already has another year, that one finding says it.
      const titleOk = titleYear(title) === undefined || titleYear(title) === year;
      if (mark.level === 1 && year !== undefined && inAchievements && titleOk) checkHeadingYear(line, mark, year, add);
      // "（七）…一是…。" then a paragraph "二是…": the list goes on from the heading's line.
      enumLast = checkEnumeration(line, 0, () => undefined);
    } else {
      const missing = missingNumber(entries, i, last);
      if (missing) {
        add(
          'heading-missing-number',
          line,
          line.offset,
          '此行像是标题，但缺少编号，前后同级标题都有编号。',
          `在行首加上“${markerFor(missing.level, missing.n)}”`,
        );
        enterHeading(missing.level, missing.n, line.text);
      } else {
        if (checkBroken(entries, i, last, onlyGap, add)) continued.add(entries[i + 1]!.line.index);
        enumLast = checkEnumeration(line, enumLast, add);
      }
    }
    if (year !== undefined) checkYears(line, year, inPlan, add);
  });

  const total = countNonWhitespace(text);
  if (total > maxChars) {
    const pos = positionOfChar(lines, maxChars + 1);
    if (pos) {
      add('length', pos.line, pos.rawIndex, `全文${total}字（不计空白），超过${maxChars}字的篇幅上限。`, `精简到${maxChars}字以内`);
    }
  }

  return findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

type Add = (rule: string, line: Line, rawIndex: number, message: string, suggestion?: string) => void;

function checkNumbering(line: Line, mark: HeadingMark, last: readonly number[], add: Add): void {
  const prev = last[mark.level]!;
  const expected = prev + 1;
  const idx = line.offset;
  if (mark.n === expected) return;
  const want = markerFor(mark.level, expected);
  const got = markerFor(mark.level, mark.n);
  if (mark.n === prev) {
    add('numbering-repeat', line, idx, `编号“${got}”与上一个同级编号重复。`, `改为“${want}”`);
  } else if (mark.n > expected) {
    const skipped = [];
    for (let k = expected; k < mark.n; k++) skipped.push(markerFor(mark.level, k));
    add('numbering-skip', line, idx, `编号跳号：缺少“${skipped.join('')}”。`, `改为“${want}”`);
  } else {
    add('numbering-order', line, idx, `编号顺序颠倒：“${got}”出现在“${markerFor(mark.level, prev)}”之后。`, `改为“${want}”`);
  }
}

function checkNumberPunctuation(line: Line, mark: HeadingMark, add: Add): void {
  let i = mark.marker.length;
  while (i < line.text.length && /\s/u.test(line.text[i]!)) i++;
  const ch = line.text[i];
  if (ch !== undefined && /[、，。,.；;：:]/.test(ch)) {
    add('number-punctuation', line, line.offset + i, `编号“${mark.marker.trim()}”后多了标点“${ch}”。`, `删去“${ch}”`);
  }
}

function checkHeadingPeriod(line: Line, mark: HeadingMark, hasBody: boolean, add: Add): void {
  const rest = mark.rest;
  if (!rest.endsWith('。') || isNumberedSentence(rest, hasBody)) return;
  add('heading-period', line, line.offset + line.text.length - 1, '标题末尾不加句号。', '删去标题末尾的“。”');
}

/** An unnumbered, heading-like line whose number is missing from the sequence of its siblings. */
function missingNumber(entries: readonly Entry[], i: number, last: readonly number[]): { level: Level; n: number } | null {
  const text = entries[i]!.line.text;
  if (endsSentence(text, { colon: true }) || /[。！？]/.test(text) || [...text].length > 40 || isDateLine(text)) {
    return null;
  }
  // A long line that stops on 的, 和, a comma…: a sentence going on, not a heading.
  if ([...text].length >= 20 && /[的和与及在对把将为了，、]$/.test(text)) return null;
  let j = i + 1;
  while (j < entries.length && entries[j]!.mark === null) j++;
  if (j >= entries.length) return null;
  const next = entries[j]!.mark!;
  if (next.n === last[next.level]! + 2) return { level: next.level, n: last[next.level]! + 1 };
  // "（一）" right after the line while earlier siblings exist: the line is the missing parent heading.
  if (next.n === 1 && next.level > 1 && last[next.level]! > 0) {
    const parentLevel = (next.level - 1) as Level;
    const parent = entries.slice(j + 1).find((e) => e.mark !== null && e.mark.level <= parentLevel)?.mark;
    if (parent && parent.level === parentLevel && parent.n === last[parentLevel]! + 2) {
      return { level: parentLevel, n: last[parentLevel]! + 1 };
    }
  }
  return null;
}

/** Reports a paragraph broken in mid-sentence; true when the next line's "2、" is part of the sentence. */
function checkBroken(entries: readonly Entry[], i: number, last: readonly number[], onlyGap: (a: Line, b: Line) => boolean, add: Add): boolean {
  const { line } = entries[i]!;
  const next = entries[i + 1];
  if (!next) return false;
  const text = line.text;
  const adjacent = next.line.index === line.index + 1;
  // "…推动形成书记抓、抓书记的⏎2、工作格局。": a "2、" with no "1、" before it, after a line that ends in mid-sentence.
  if (next.mark) {
    const m = next.mark;
    if (m.level >= 3 && m.n >= 2 && last[m.level] !== m.n - 1 && [...text].length >= 20 && !endsSentence(text, { colon: true }) && !/[，、]$/.test(text) && onlyGap(line, next.line)) {
      add('paragraph-broken', line, line.offset + text.length - 1, `段落在句子中间断行：下一行的“${m.marker.trim()}”不是编号，是本句的接续。`, `将第${next.line.index + 1}行并入本行`);
      return true;
    }
    return false;
  }
  // Across blank lines (and page numbers) only a long line that clearly stops in mid-sentence.
  if (!adjacent && !(onlyGap(line, next.line) && [...text].length >= 24 && !/[，、；：,;:]$/.test(text))) return false;
  if (continuesSentence(text, next.line.text)) {
    add(
      'paragraph-broken',
      line,
      line.offset + text.length - 1,
      '段落在句子中间断行：本行没有句末标点，下一行接续本句。',
      `将第${next.line.index + 1}行并入本行`,
    );
  }
  return false;
}

function checkEnumeration(line: Line, enumLast: number, add: Add): number {
  let lastN = enumLast;
  let first = true;
  for (const m of line.text.matchAll(ENUMERATION)) {
    const n = enumValue(m[2]!);
    if (n === 0) continue;
    // 一是 always (re)starts a list; a paragraph may continue the list of the paragraph before.
    const expected = n === 1 || (first && lastN === 0) ? 1 : lastN + 1;
    if (n !== expected) {
      const where = line.offset + m.index + m[1]!.length;
      const message =
        expected === 1 ? `“${enumWord(n)}”前缺少“一是”。` : `“${enumWord(lastN)}”之后应为“${enumWord(expected)}”，此处写成了“${enumWord(n)}”。`;
      add('enumeration-order', line, where, message, `改为“${enumWord(expected)}”`);
    }
    lastN = n;
    first = false;
  }
  return lastN;
}

/** 「（一）履行管党治党责任。全年召开……」: a short heading and its body on one line. */
function checkRunIn(line: Line, mark: HeadingMark, add: Add): void {
  const m = /^([^，。；：！？,;:]{2,18})[。！]\s*(\S.{9,})$/su.exec(mark.rest);
  if (!m) return;
  const at = line.text.indexOf(m[2]!, mark.marker.length);
  add('heading-run-in', line, line.offset + at, '标题与正文接在同一行。', `在“${[...m[1]!].slice(-6).join('')}”后分段，标题末尾的“。”删去`);
}

function checkHeadingYear(line: Line, mark: HeadingMark, year: number, add: Add): void {
  for (const y of yearsIn(mark.rest)) {
    if (y.year === year) continue;
    add('heading-year', line, line.offset + mark.marker.length + y.index, `成绩部分标题中的“${y.year}年”与报告年度${year}年不符。`, `改为“${year}年”`);
  }
}

/** 〞〝 for “”; “” with nothing inside; a “ never closed in its paragraph. */
function checkQuotes(line: Line, add: Add): void {
  for (const m of line.raw.matchAll(/[〞〝]/gu)) {
    add('quotes', line, m.index, `引号“${m[0]}”写法不规范。`, m[0] === '〞' ? '改为“””' : '改为““”');
  }
  for (const m of line.raw.matchAll(/“\s*”/gu)) add('quotes', line, m.index, '引号中间没有内容。', '补上引号中的内容，或删去引号');
  let open = -1;
  let depth = 0;
  for (let i = 0; i < line.raw.length; i++) {
    const c = line.raw[i];
    if (c === '“') {
      if (depth === 0) open = i;
      depth++;
    } else if ((c === '”' || c === '〞') && depth > 0) depth--;
  }
  if (depth > 0 && open >= 0 && !/[〞]/.test(line.raw)) add('quotes', line, open, '前引号“没有对应的后引号”。', '补上后引号，或删去前引号');
}

function checkYears(line: Line, year: number, inPlan: boolean, add: Add): void {
  if (isDateLine(line.text)) return;
  for (const y of yearsIn(line.text)) {
    const idx = line.offset + y.index;
    if (inPlan && y.year === year) {
      add(
        'plan-year',
        line,
        idx,
        `工作思路部分写的是${year + 1}年的工作，这里却写成了“${year}年”。`,
        `改为“${year + 1}年”`,
      );
    } else if (!inPlan && y.year > year) {
      add('year-future', line, idx, `出现了晚于报告年度（${year}年）的“${y.year}年”。`, `核对年份，是否应为“${year}年”`);
    }
  }
}

function checkTitleYear(title: Line, year: number | undefined, given: boolean, add: Add): void {
  const years = yearsIn(title.text);
  const bare = /(?<!\d)((?:19|20)\d{2})(?![\d年])/.exec(title.text);
  if (years.length === 0 && bare) {
    // "2018抓基层党建工作述职报告": the year is there without 年度.
    const y = given && year !== undefined ? year : Number(bare[1]);
    add('title-year', title, title.offset + bare.index, `标题中的“${bare[1]}”后缺少“年度”。`, `改为“${y}年度”`);
  } else if (years.length === 0) {
    add('title-year', title, title.offset, '标题中没有写明报告年度。', year ? `在标题开头写上“${year}年度”` : undefined);
  } else if (given && year !== undefined && !years.some((y) => y.year === year)) {
    const y = years[0]!;
    add('title-year', title, title.offset + y.index, `标题中的“${y.year}年”与报告年度${year}年不符。`, `改为“${year}年”`);
  }
}

const DOTTED_DATE = /(?<![\d.])((?:19|20)\d{2})[.．\-/／](\d{1,2})(?:[.．\-/／](\d{1,2}))?(?![\d万亿元%％])/g;
const ZERO_PADDED = /(?<!\d)0(\d)\s*(月|日)/g;

function checkDates(line: Line, add: Add): void {
  for (const m of line.raw.matchAll(DOTTED_DATE)) {
    const month = Number(m[2]);
    const day = m[3] === undefined ? undefined : Number(m[3]);
    if (month < 1 || month > 12 || (day !== undefined && (day < 1 || day > 31))) continue;
    const fixed = `${m[1]}年${month}月` + (day === undefined ? '' : `${day}日`);
    add('date-format', line, m.index, `日期“${m[0]}”写法不规范。`, `改为“${fixed}”`);
  }
  for (const m of line.raw.matchAll(ZERO_PADDED)) {
    add('date-format', line, m.index, `日期“${m[0]}”中的月、日前不加“0”。`, `改为“${m[1]}${m[2]}”`);
  }
}

const MARKUP: Array<{ re: RegExp; what: string }> = [
  { re: /\*\*/g, what: 'Markdown 加粗标记' },
  { re: /^[ \t\u3000]*#{1,6}/g, what: 'Markdown 标题标记' },
  { re: /<\/?at\b[^>]*>?/gi, what: '@提及标记' },
  { re: /<\/?(?!at\b)[a-z][a-z0-9]*\b[^>]*>/gi, what: 'HTML 标签' },
  { re: /\{\{[^}]*\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}/g, what: '模板占位符' },
  { re: /(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])/g, what: '占位符' },
  // "X次", "X人", "×党委" (never "1+X证书").
  { re: /(?<![A-Za-z0-9+＋-])[XxＸ](?![A-Za-z0-9])(?=\s*(?:次|人|名|个|项|件|场|期|篇|户|家|所|支|批|余|多|万|元|%|％|年|月|日|届|局|党|支部|镇|乡|村|县|区|市|省|街道|单位|公司|委))/g, what: '占位符' },
  { re: /(?<![\d×])×(?=[\u4e00-\u9fff])/g, what: '占位符' },
  { re: /[×＊]{2,}/g, what: '占位符' },
  { re: /【[^】]*(?:填|补充|待|示例|输入|此处)[^】]*】|【\s*】/g, what: '模板提示' },
  { re: /(?<![A-Za-z])(?:TODO|FIXME|TBD)(?![A-Za-z])/g, what: '待办标记' },
];

function checkMarkup(line: Line, add: Add): void {
  for (const { re, what } of MARKUP) {
    for (const m of line.raw.matchAll(re)) {
      const idx = m.index + (m[0].length - m[0].trimStart().length);
      add('markup', line, idx, `残留${what}“${m[0].trim()}”。`, '删去，或换成实际内容');
    }
  }
}

function checkPunctuation(line: Line, add: Add): void {
  if (!hasHan(line.raw)) return;
  const edits = findPunctuationEdits(line.raw);
  const brackets = edits.filter((e) => e.kind !== 'punct');
  for (let k = 0; k < brackets.length; k++) {
    const e = brackets[k]!;
    if (e.kind === 'mixed-bracket') {
      add('bracket-width', line, e.index, `括号全角半角混用，“${e.from}”是半角括号。`, `改为“${e.to}”`);
      continue;
    }
    const partner: PunctEdit | undefined = brackets[k + 1];
    if (e.from === '(' && partner && partner.kind === 'bracket' && partner.from === ')') {
      const inner = line.raw.slice(e.index, partner.index + 1);
      add('bracket-width', line, e.index, `中文中使用了半角括号“${inner}”。`, `改为“（${inner.slice(1, -1)}）”`);
      k++;
    } else {
      add('bracket-width', line, e.index, `中文中使用了半角括号“${e.from}”。`, `改为“${e.to}”`);
    }
  }
  for (const e of edits) {
    if (e.kind !== 'punct') continue;
    add('punctuation-width', line, e.index, `中文中使用了半角标点“${e.from}”。`, `改为“${e.to}”`);
  }
}

/** Where the n-th non-whitespace character (1-based) of the text is. */
function positionOfChar(lines: readonly Line[], n: number): { line: Line; rawIndex: number } | null {
  let seen = 0;
  for (const line of lines) {
    let idx = 0;
    for (const ch of line.raw) {
      if (!/\s/u.test(ch)) {
        seen++;
        if (seen === n) return { line, rawIndex: idx };
      }
      idx += ch.length;
    }
  }
  return null;
}
