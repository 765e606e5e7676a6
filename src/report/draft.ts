// 帮我起草 / 润色这段, the pure part: what the model is told (prompt), and the guard rails applied to its answer
// (chat markup stripped, every number checked against the inputs, garbage refused). No I/O.
import { lintReport } from './lint/index.ts';

export type DraftMode = 'draft' | 'polish';

/** Everything the model gets for one section: only this secretary's session and log, never anyone else's. */
export interface DraftInput {
  mode: DraftMode;
  /** The section's heading as it appears in the report (e.g. 一、主要成绩及经验（二）加强组织建设…). */
  heading: string;
  /** The template's guidance for the section. */
  guidance: string;
  unit?: string;
  orgType?: string;
  year: number;
  /** What the secretary typed for this section and has not saved (draft), or the paragraph to polish. */
  typed: string;
  /** Paragraphs already saved in this section. */
  saved: readonly string[];
  /** The section's activities from the log: kind and yearly count. */
  activities: ReadonlyArray<{ kind: string; count: number }>;
  studyHours?: number;
  /** Last year's text for the section, when last year's report was imported. */
  lastYear?: string;
  /** The plan step wants one measure per line; every other step one paragraph. */
  lines?: boolean;
}

export const DRAFT_MIN_CHARS = 150;
export const DRAFT_MAX_CHARS = 400;
/** Feishu caps an input at 1,000 characters: a longer answer is cut there. */
export const DRAFT_HARD_MAX = 1000;
export const VERIFY_MARK = '【请核实】';

export const REGISTER_RULES = [
  '以党组织书记本人的口吻（第一人称“我”）撰写，采用党政机关公文语体，庄重、平实、简洁。',
  '列举多项举措时使用“一是……；二是……；三是……”的形式。',
  '只使用下面提供的材料中的事实、名称和数字，不得编造任何人名、单位名、文件名或数字；材料中没有的数字一律不写。',
  `篇幅 ${DRAFT_MIN_CHARS} 至 ${DRAFT_MAX_CHARS} 字，只输出正文，不要标题、编号、Markdown 标记或任何解释说明。`,
] as const;

/** Section markers of the user message (the fake endpoint reads them back to build its deterministic draft). */
export const PROMPT_LABELS = {
  heading: '【小节】',
  guidance: '【写作要求】',
  unit: '【单位】',
  year: '【年度】',
  typed: '【已输入】',
  saved: '【本节已保存】',
  activities: '【活动记录】',
  lastYear: '【去年报告本节原文】',
  task: '【任务】',
} as const;

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

function clipText(s: string, max: number): string {
  const cp = [...s];
  return cp.length <= max ? s : `${cp.slice(0, max).join('')}…`;
}

/** The chat messages for one draft or polish request. */
export function buildMessages(i: DraftInput): ChatMessage[] {
  const L = PROMPT_LABELS;
  const system = [
    '你是协助基层党组织书记撰写《书记抓基层党建工作述职报告》的写作助手。',
    ...REGISTER_RULES.map((r, k) => `${k + 1}. ${r}`),
    ...(i.lines ? ['本节为工作措施，每行写一条措施，不加编号。'] : []),
  ].join('\n');
  const acts = i.activities.filter((a) => a.count > 0);
  const user = [
    `${L.heading}${i.heading}`,
    `${L.guidance}${i.guidance}`,
    `${L.unit}${[i.unit, i.orgType].filter(Boolean).join('') || '（未填写）'}`,
    `${L.year}${i.year}年`,
    `${L.typed}${i.typed.trim() ? clipText(i.typed.trim(), 2000) : '（无）'}`,
    `${L.saved}${i.saved.length > 0 ? clipText(i.saved.join('\n'), 3000) : '（无）'}`,
    `${L.activities}${
      acts.length > 0 || i.studyHours !== undefined
        ? [...acts.map((a) => `${a.kind}${a.count}次`), ...(i.studyHours !== undefined ? [`学习时长${i.studyHours}小时`] : [])].join('；')
        : '（无）'
    }`,
    `${L.lastYear}${i.lastYear?.trim() ? clipText(i.lastYear.trim(), 3000) : '（无）'}`,
    `${L.task}${
      i.mode === 'polish'
        ? '对【已输入】的段落进行润色：保留原意和其中的全部事实、数字，使表述符合公文规范，不增加新的事实或数字。'
        : '根据以上材料起草本节正文初稿；【已输入】有内容时，在其基础上扩写完善。'
    }`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

// --- numbers -----------------------------------------------------------------------------------------------

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** 十二 → 12, 一百零五 → 105, 二〇二六 → 2026 (digit by digit when there are no units). NaN when not a number. */
export function chineseToNumber(s: string): number {
  if (!/[十百千万]/.test(s)) {
    let v = 0;
    for (const ch of s) {
      const d = CN_DIGITS[ch];
      if (d === undefined) return Number.NaN;
      v = v * 10 + d;
    }
    return v;
  }
  let total = 0;
  let section = 0;
  let digit = 0;
  for (const ch of s) {
    const d = CN_DIGITS[ch];
    if (d !== undefined) {
      digit = d;
      continue;
    }
    const u = CN_UNITS[ch];
    if (u === undefined) return Number.NaN;
    if (u === 10000) {
      total += (section + digit) * u;
      section = 0;
    } else section += (digit === 0 ? 1 : digit) * u;
    digit = 0;
  }
  return total + section + digit;
}

/** Measure words after which a Chinese numeral is a figure (not an idiom like 一岗双责 or 第一责任人). */
const MEASURE = '次名人个项场篇条期天户家所件元万课批轮份';
const ARABIC = /\d+(?:\.\d+)?/g;
const CHINESE = new RegExp(`[零〇一二两三四五六七八九十百千万]+(?=[${MEASURE}])`, 'g');

export interface NumberHit {
  index: number;
  end: number;
  value: number;
  text: string;
}

/** Every figure in `text`: Arabic numbers, and Chinese numerals followed by a measure word. */
export function numbersIn(text: string): NumberHit[] {
  const out: NumberHit[] = [];
  for (const m of text.matchAll(ARABIC)) out.push({ index: m.index, end: m.index + m[0].length, value: Number(m[0]), text: m[0] });
  for (const m of text.matchAll(CHINESE)) {
    const v = chineseToNumber(m[0]);
    if (Number.isFinite(v)) out.push({ index: m.index, end: m.index + m[0].length, value: v, text: m[0] });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The figures the draft may use: those in the inputs (never the template's examples). */
export function allowedNumbers(i: DraftInput): Set<number> {
  const allowed = new Set<number>([i.year, i.year - 1, i.year + 1]);
  for (const a of i.activities) allowed.add(a.count);
  if (i.studyHours !== undefined) allowed.add(i.studyHours);
  for (const t of [i.typed, ...i.saved, i.lastYear ?? '', i.unit ?? '', i.heading]) {
    for (const n of numbersIn(t)) allowed.add(n.value);
  }
  return allowed;
}

/** Marks every figure not found in the inputs with 【请核实】 (after the figure and its measure word). */
export function guardNumbers(text: string, allowed: ReadonlySet<number>): { text: string; flagged: string[] } {
  const flagged: string[] = [];
  let out = '';
  let at = 0;
  for (const n of numbersIn(text)) {
    if (n.index < at) continue;
    // "一" alone before a measure word is usually an idiom (每月一次, 一名党员) rather than a count.
    if (allowed.has(n.value) || n.text === '一') continue;
    let end = n.end;
    if (end < text.length && MEASURE.includes(text[end]!)) end += 1;
    if (text.startsWith(VERIFY_MARK, end)) continue;
    out += text.slice(at, end) + VERIFY_MARK;
    at = end;
    flagged.push(text.slice(n.index, end));
  }
  return { text: out + text.slice(at), flagged };
}

// --- markup and garbage ----------------------------------------------------------------------------------------

/** Removes what chat models add around prose: reasoning blocks, fences, Markdown, HTML, a preamble line. */
export function stripMarkup(raw: string): string {
  let t = raw.replace(/\r\n?/g, '\n');
  t = t.replace(/<think>[\s\S]*?<\/think>/gi, '');
  t = t.replace(/```[a-zA-Z]*\n?/g, '');
  t = t.replace(/<\/?[a-zA-Z][^>]*>/g, '');
  t = t.replace(/!\[[^\]]*\]\([^)]*\)/g, '');
  t = t.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  t = t.replace(/(\*\*|__|~~|`)/g, '');
  const lines = t
    .split('\n')
    .map((l) =>
      l
        .replace(/^\s*#{1,6}\s*/, '')
        .replace(/^\s*>\s?/, '')
        .replace(/^\s*(?:[-*+•]|\d+[.)、])\s+/, '')
        .replace(/^\s*\*(?=\S)/, '')
        .trim(),
    )
    .filter((l) => l !== '' && !/^[-*_=]{3,}$/.test(l));
  // A preamble ("好的，以下是初稿：") or a closing offer ("如需调整请告诉我") is not report text.
  while (lines.length > 0 && /^(?:好的|当然|以下是|下面是|根据您|这是)[^\n]{0,40}[:：]$/.test(lines[0]!)) lines.shift();
  while (lines.length > 0 && /(?:如需|如有需要|希望对您|需要我).{0,30}$/.test(lines[lines.length - 1]!) && lines.length > 1) lines.pop();
  return lines.join('\n');
}

/** True when the text is not usable prose: too short, or mostly not Chinese. */
export function isGarbage(text: string): boolean {
  const cp = [...text.replace(/\s+/g, '')];
  if (cp.length < 20) return true;
  const cjk = cp.filter((c) => /[\u4e00-\u9fff]/.test(c)).length;
  return cjk / cp.length < 0.5;
}

export interface GuardedDraft {
  text: string;
  /** Figures not found in the inputs, each marked 【请核实】 in `text`. */
  flagged: string[];
  /** The checker's findings on the draft, as messages. */
  findings: string[];
  chars: number;
}

/** The model's answer through every guard rail; null when nothing usable is left (garbage or empty). */
export function guardDraft(raw: string, i: DraftInput): GuardedDraft | null {
  let t = stripMarkup(raw);
  if (!i.lines) t = t.replace(/\n+/g, '');
  if (t.trim() === '' || isGarbage(t)) return null;
  const g = guardNumbers(t, allowedNumbers(i));
  let text = g.text;
  if ([...text].length > DRAFT_HARD_MAX) text = [...text].slice(0, DRAFT_HARD_MAX).join('');
  const findings = lintReport(text, { year: i.year, maxChars: 5000 })
    .filter((f) => f.rule !== 'title' && f.rule !== 'structure')
    .map((f) => (f.suggestion ? `${f.message}（建议：${f.suggestion}）` : f.message));
  return { text, flagged: g.flagged, findings, chars: [...text.replace(/\s+/g, '')].length };
}
