// Punctuation and numbering clean-up for Chinese report text. Pure functions.
// The same edit engine serves the composer (normalizeChinese applies the edits) and the checker
// (lint reports them), so both always agree on what counts as a half-width mark in Chinese text.

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
/** Full-width punctuation and other marks that only appear in Chinese text. */
const FULL_PUNCT = /[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’…—]/;

export function isHan(ch: string | undefined): boolean {
  return ch !== undefined && HAN.test(ch);
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** A character that marks its side of a punctuation mark as Chinese text. */
function isChineseSide(ch: string | undefined): boolean {
  return ch !== undefined && (HAN.test(ch) || FULL_PUNCT.test(ch));
}

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\u3000';

export type PunctEditKind = 'punct' | 'bracket' | 'mixed-bracket';

/** One replacement the normalizer would make: `length` characters at `index` become `to`. */
export interface PunctEdit {
  index: number;
  length: number;
  from: string;
  to: string;
  kind: PunctEditKind;
}

const HALF_TO_FULL: Record<string, string> = {
  ',': '，',
  '.': '。',
  ';': '；',
  ':': '：',
  '!': '！',
  '?': '？',
};

// URLs and e-mail addresses are never touched (a URL stops at whitespace, brackets, quotes and Chinese).
const PROTECTED =
  /(?:https?:\/\/|www\.)[^\s()<>"'\u3000-\u303f\uff00-\uffef\u3400-\u9fff“”‘’]+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

function protectedMask(text: string): boolean[] {
  const mask = new Array<boolean>(text.length).fill(false);
  for (const m of text.matchAll(PROTECTED)) {
    // A trailing sentence mark belongs to the sentence, not to the URL.
    let end = m.index + m[0].length;
    while (end > m.index && /[.,;:!?]/.test(text[end - 1]!)) end--;
    for (let i = m.index; i < end; i++) mask[i] = true;
  }
  return mask;
}

/** Nearest non-space character on one side, stopping at a line break. */
function neighbour(text: string, i: number, step: 1 | -1): string | undefined {
  for (let j = i + step; j >= 0 && j < text.length; j += step) {
    const ch = text[j]!;
    if (ch === '\n' || ch === '\r') return undefined;
    if (!isSpace(ch)) return ch;
  }
  return undefined;
}

/** Is the ASCII token ending right before `i` (a number, unit or word) itself preceded by Chinese? */
function tokenFollowsChinese(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && /[A-Za-z0-9%.]/.test(text[j]!)) j--;
  if (j === i - 1) return false;
  return isChineseSide(text[j]);
}

function atLineEnd(text: string, i: number): boolean {
  return neighbour(text, i, 1) === undefined;
}

/** A `1.` or `12.` that opens a line is heading numbering, not a sentence end. */
function isLineNumbering(text: string, i: number): boolean {
  let j = i - 1;
  let digits = 0;
  while (j >= 0 && isDigit(text[j])) {
    j--;
    digits++;
  }
  if (digits === 0 || digits > 2) return false;
  while (j >= 0 && isSpace(text[j])) j--;
  return j < 0 || text[j] === '\n';
}

/**
 * The edits that turn half-width punctuation in Chinese text into full-width punctuation: sentence
 * marks next to Chinese, brackets (including mixed pairs such as `(五）`), double quotes around Chinese
 * and `...` ellipses. ASCII-only runs, URLs, decimals (3.5, 1.2万), thousands (1,000), times (9:30)
 * and `1.` line numbering are left alone. Edits are sorted by index and never overlap.
 */
export function findPunctuationEdits(text: string): PunctEdit[] {
  if (!hasHan(text)) return [];
  const mask = protectedMask(text);
  const edits: PunctEdit[] = [];
  const converted = new Set<number>();

  // Ellipses written as three or more dots (or 。。。) next to Chinese.
  for (const m of text.matchAll(/\.{3,}|。{3,}|\.{2}|…(?!…)/g)) {
    if (mask[m.index]) continue;
    const before = neighbour(text, m.index, -1);
    const after = neighbour(text, m.index + m[0].length - 1, 1);
    if (m[0] === '..' && !(isChineseSide(before) || isChineseSide(after))) continue;
    if (m[0] === '…' && text[m.index - 1] === '…') continue;
    if (isChineseSide(before) || isChineseSide(after) || tokenFollowsChinese(text, m.index)) {
      edits.push({ index: m.index, length: m[0].length, from: m[0], to: '……', kind: 'punct' });
      for (let k = 0; k < m[0].length; k++) converted.add(m.index + k);
    }
  }

  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const full = HALF_TO_FULL[ch];
    if (!full || mask[i] || converted.has(i)) continue;
    const prevCh = text[i - 1];
    const nextCh = text[i + 1];
    if ((ch === '.' || ch === ',' || ch === ':') && isDigit(prevCh) && isDigit(nextCh)) continue;
    if (ch === '.' && isLineNumbering(text, i)) continue;
    const before = neighbour(text, i, -1);
    const after = neighbour(text, i, 1);
    const chinese =
      isChineseSide(before) || isChineseSide(after) || (atLineEnd(text, i) && tokenFollowsChinese(text, i));
    if (chinese) edits.push({ index: i, length: 1, from: ch, to: full, kind: 'punct' });
  }

  // Brackets: pair them across both widths; a pair in Chinese text becomes full-width.
  const stack: number[] = [];
  const pairs: Array<[number, number]> = [];
  const unpaired: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (mask[i]) continue;
    const ch = text[i]!;
    if (ch === '(' || ch === '（') stack.push(i);
    else if (ch === ')' || ch === '）') {
      const open = stack.pop();
      if (open === undefined) unpaired.push(i);
      else pairs.push([open, i]);
    }
  }
  unpaired.push(...stack);
  // Han characters before each index, so that "is there Chinese inside this pair" is O(1).
  const hanBefore = new Uint32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) hanBefore[i + 1] = hanBefore[i]! + (HAN.test(text[i]!) ? 1 : 0);
  for (const [open, close] of pairs) {
    const o = text[open]!;
    const c = text[close]!;
    if (o === '（' && c === '）') continue;
    const mixed = (o === '（') !== (c === '）');
    const chinese =
      mixed ||
      hanBefore[close]! > hanBefore[open + 1]! ||
      isChineseSide(neighbour(text, open, -1)) ||
      isChineseSide(neighbour(text, close, 1));
    if (!chinese) continue;
    const kind: PunctEditKind = mixed ? 'mixed-bracket' : 'bracket';
    if (o === '(') edits.push({ index: open, length: 1, from: '(', to: '（', kind });
    if (c === ')') edits.push({ index: close, length: 1, from: ')', to: '）', kind });
  }
  for (const i of unpaired) {
    const ch = text[i]!;
    if (ch !== '(' && ch !== ')') continue;
    if (isChineseSide(neighbour(text, i, -1)) || isChineseSide(neighbour(text, i, 1))) {
      edits.push({ index: i, length: 1, from: ch, to: ch === '(' ? '（' : '）', kind: 'bracket' });
    }
  }

  // Straight double quotes around or next to Chinese become curly quotes.
  for (const m of text.matchAll(/"([^"\n]*)"/g)) {
    if (mask[m.index]) continue;
    const close = m.index + m[0].length - 1;
    const chinese =
      hasHan(m[1]!) || isChineseSide(neighbour(text, m.index, -1)) || isChineseSide(neighbour(text, close, 1));
    if (!chinese) continue;
    edits.push({ index: m.index, length: 1, from: '"', to: '“', kind: 'punct' });
    edits.push({ index: close, length: 1, from: '"', to: '”', kind: 'punct' });
  }
  // Single quotes only around Chinese (an apostrophe in English stays).
  for (const m of text.matchAll(/'([^'\n]*)'/g)) {
    if (mask[m.index] || !hasHan(m[1]!)) continue;
    edits.push({ index: m.index, length: 1, from: "'", to: '‘', kind: 'punct' });
    edits.push({ index: m.index + m[0].length - 1, length: 1, from: "'", to: '’', kind: 'punct' });
  }

  edits.sort((a, b) => a.index - b.index);
  return edits;
}

function applyEdits(text: string, edits: readonly PunctEdit[]): string {
  let out = '';
  let pos = 0;
  for (const e of edits) {
    if (e.index < pos) continue;
    out += text.slice(pos, e.index) + e.to;
    pos = e.index + e.length;
  }
  return out + text.slice(pos);
}

/**
 * Half-width → full-width punctuation in Chinese text; keeps URLs, numbers like 3.5 and 1.2万 and
 * ASCII-only runs intact; fixes mixed bracket pairs; turns full-width digits into Arabic numerals;
 * removes stray spaces around full-width punctuation and between Chinese characters; trims.
 */
export function normalizeChinese(text: string): string {
  let s = text.replace(/\r\n?/g, '\n').replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (!hasHan(s)) return s.trim();
  s = applyEdits(s, findPunctuationEdits(s));
  s = s
    .replace(/(?<![ \t\u3000])[ \t\u3000]+(?=[，。；：！？、）》”’…])/g, '')
    .replace(/([（《“‘，。；：！？、])[ \t\u3000]+/g, '$1')
    .replace(/([\u3400-\u9fff])[ \t\u3000]+(?=[\u3400-\u9fff])/g, '$1');
  return s.trim();
}

const CN_NUM = '[一二三四五六七八九十百〇零]+';
const NUMBERING_PREFIX = new RegExp(
  '^[\\s\\u3000]*(?:' +
    [
      `[（(]\\s*(?:${CN_NUM}|\\d{1,3})\\s*[）)]`, // （一） (1)
      `${CN_NUM}\\s*[、.．]`, // 一、 一.
      '\\d{1,3}\\s*(?:[、．)）]|\\.(?!\\d))', // 1. 1、 1)
      '[①-⑳]', // ①
      `第${CN_NUM}[，,、：:]`, // 第一，
    ].join('|') +
    ')[\\s\\u3000]*[、，,.．:：]?[\\s\\u3000]*',
);

/** Strips heading or list numbering the user typed at the start: 一、 （一） 1. （1） 1、 (1) ① 第一， … */
export function stripNumbering(text: string): string {
  let s = text;
  for (let k = 0; k < 3; k++) {
    const m = NUMBERING_PREFIX.exec(s);
    if (!m || m[0].length === 0) break;
    s = s.slice(m[0].length);
  }
  return s.trimStart();
}

/** Strips an inline enumeration word typed at the start of a list item: 一是 / 二是 / 其一， … */
export function stripEnumeration(text: string): string {
  return text.replace(/^[\s\u3000]*(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]+)[，,：:、]?/, '').trimStart();
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (1–99). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  if (n < 10) return CN_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return (tens === 1 ? '' : CN_DIGITS[tens]!) + '十' + (ones === 0 ? '' : CN_DIGITS[ones]!);
}

/** 一 → 1, 十二 → 12, 二十一 → 21; null when the text is not a Chinese number up to 99. */
export function parseChineseNumber(s: string): number | null {
  const digit = (c: string | undefined): number => (c === undefined ? -1 : CN_DIGITS.indexOf(c === '〇' ? '零' : c));
  if (/^[一二三四五六七八九]$/.test(s)) return digit(s);
  const m = /^([二三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return null;
  return (m[1] ? digit(m[1]) : 1) * 10 + (m[2] ? digit(m[2]) : 0);
}

/** Does the text end a sentence: 。！？；… (or ：), possibly followed by a closing quote or bracket. */
export function endsSentence(text: string, opts: { colon?: boolean } = {}): boolean {
  const t = text.trimEnd();
  const marks = opts.colon ? '。！？；…：' : '。！？；…';
  const re = new RegExp(`[${marks}][”’」』）》]*$`);
  return re.test(t);
}

/** Ends a paragraph with 。 unless it already ends a sentence; a trailing ，、 or ; becomes 。. */
export function ensureSentenceEnd(text: string): string {
  const t = text.trimEnd();
  if (t === '' || endsSentence(t) || /：$/.test(t)) return t;
  if (/[，、,]$/.test(t)) return t.slice(0, -1) + '。';
  return t + '。';
}
