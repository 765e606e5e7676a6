// The activity parser: one chat message → the activities it logs. Pure: "today" (in BOT_TZ) is injected.
//
// A message is cut into lines (and a line into segments where a new date starts, e.g. "3月5日支委会；3月12日
//党员大会"); each segment that reads as an activity gives one ParsedActivity with its date, kind, attendance,
// topic and duration. A segment that is a question, a plan for the future, a yearly summary or small talk is
// not an activity. When the text clearly records an activity but names no kind, `kind` is null (the bot asks).
import { ACTIVITY_KINDS, type ActivityKind, KIND_WORDS } from './kinds.ts';
import { addDays, type IsoDate, isoWeekday, makeDate, parts } from './dates.ts';

export interface ParsedActivity {
  date: IsoDate;
  /** null when the text records an activity but its kind is unclear. */
  kind: ActivityKind | null;
  attendees: number | null;
  topic: string | null;
  /** Duration in hours (study hours), when written. */
  hours: number | null;
  /** 全体党员 was written; `attendees` is then the member count when it is known, else null. */
  allMembers: boolean;
  /** false when no date was written and today was assumed. */
  dateGiven: boolean;
  /**
   * What the confirmation card must say about the date: an impossible date (stored as today, to be fixed), a
   * month without a day (stored as the month's first day) or a date still to come. null when the date is plain.
   */
  dateNote: DateNote | null;
  /** Position of the segment in the message (0-based): with the message id, the record's identity. */
  index: number;
  /** The segment as written (trimmed). */
  source: string;
}

export type DateNoteKind = 'invalid' | 'month' | 'future';

export interface DateNote {
  kind: DateNoteKind;
  /** The date as written ("2月30日", "5月份"). */
  written: string;
  /** Our sentence for the card ("2月没有30日，请确认日期"). */
  text: string;
}

export interface ParseOptions {
  /** Today in BOT_TZ, YYYY-MM-DD (see todayIn). */
  today: IsoDate;
  /** The organization's member count, used for 全体党员. */
  memberCount?: number;
}

/** The JSON the `parse-activity` command prints per activity (names are a public contract). */
export interface ActivityJson {
  date: IsoDate;
  kind: ActivityKind | null;
  attendees: number | null;
  topic: string | null;
  hours: number | null;
}

export function toActivityJson(a: ParsedActivity): ActivityJson {
  return { date: a.date, kind: a.kind, attendees: a.attendees, topic: a.topic, hours: a.hours };
}

/** Most segments a message may give (a pasted ledger is cut off there). */
export const MAX_ACTIVITIES = 20;
const MAX_SEGMENT_CHARS = 200;

// ---- normalization ---------------------------------------------------------------------------------------

/** Full-width digits, letters and date punctuation to ASCII; Chinese punctuation is kept. */
export function normalizeText(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFF0E/g, '.')
    .replace(/\uFF0F/g, '/')
    .replace(/\uFF0D/g, '-')
    .replace(/\u3000/g, ' ')
    .replace(/\u00A0/g, ' ');
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN = '[零〇一二两三四五六七八九十百]';
const NUM = `(\\d+|${CN}+)`;

/** '28', '二十八', '十五', '一百零五' → number; null when not a number. */
export function toNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十百]+$/.test(s)) return null;
  let total = 0;
  let cur = 0;
  let seen = false;
  for (const c of s) {
    if (c === '百') {
      total += (seen ? cur : 1) * 100;
      cur = 0;
      seen = false;
    } else if (c === '十') {
      total += (seen ? cur : 1) * 10;
      cur = 0;
      seen = false;
    } else {
      const d = CN_DIGITS[c];
      if (d === undefined) return null;
      // "二〇二四" style digit strings.
      cur = seen ? cur * 10 + d : d;
      seen = true;
    }
  }
  return total + cur;
}

// ---- dates -----------------------------------------------------------------------------------------------

interface Span {
  start: number;
  end: number;
}

interface DateHit extends Span {
  date: IsoDate;
  note?: DateNoteKind;
  /** For an impossible date: why ("2月没有30日"). */
  why?: string;
  /** Month-only dates are looked for only when no other date is written. */
  weak?: boolean;
}

/** A rule's answer: a date, a date with a note, or an impossible date (the reason). */
type Resolved = IsoDate | { date: IsoDate; note: DateNoteKind } | { invalid: string } | null;

/** How far ahead a month-day without a year is taken as this year's (a date to come); beyond, last year's. */
const FUTURE_DAYS = 92;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Why y/m/d (y may be unknown) is no calendar day. */
function impossible(m: number, d: number, y?: number): string {
  if (m < 1 || m > 12) return `没有${m}月`;
  if (m === 2 && d === 29 && y !== undefined) return `${y}年2月没有29日`;
  return `${m}月没有${d}日`;
}

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };

/**
 * Month-day without a year: this year; a date up to FUTURE_DAYS ahead is this year's, still to come (the card
 * asks); further ahead, last year's. A day the month never has is impossible; 2月29日 is impossible only when
 * neither this year nor last year has it.
 */
function monthDay(today: IsoDate, m: number, d: number): Resolved {
  const { y } = parts(today);
  if (m < 1 || m > 12 || d < 1 || d > (m === 2 ? 29 : daysInMonth(2001, m))) return { invalid: impossible(m, d) };
  const date = makeDate(y, m, d);
  if (!date) {
    const last = makeDate(y - 1, m, d);
    if (last && last <= today) return last;
    return { invalid: impossible(m, d, y) };
  }
  if (date <= today) return date;
  if (date <= addDays(today, FUTURE_DAYS)) return { date, note: 'future' };
  return makeDate(y - 1, m, d) ?? { invalid: impossible(m, d, y - 1) };
}

/** A full date: impossible when no calendar day, to come when after today. */
function fullDate(today: IsoDate, y: number, m: number, d: number): Resolved {
  const date = makeDate(y, m, d);
  if (!date) return y >= 1900 && y <= 2200 ? { invalid: impossible(m, d, y) } : null;
  return date > today ? { date, note: 'future' } : date;
}

type DateRule = { re: RegExp; resolve: (m: RegExpExecArray, today: IsoDate) => Resolved; weak?: boolean };

const DATE_RULES: DateRule[] = [
  {
    // 2024年3月5日, 2024年三月五日
    re: new RegExp(`(\\d{4}|[〇零一二三四五六七八九]{4})\\s*年\\s*${NUM}\\s*月\\s*${NUM}\\s*[日号]?`),
    resolve: (m, today) => fullDate(today, toNumber(m[1]!) ?? 0, toNumber(m[2]!) ?? 0, toNumber(m[3]!) ?? 0),
  },
  {
    // 2024-03-05, 2024.3.5, 2024/3/5
    re: /(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)/,
    resolve: (m, today) => fullDate(today, Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    // 24年3月5日
    re: /(?<!\d)(\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/,
    resolve: (m, today) => fullDate(today, 2000 + Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    // 本月3日, 上月15号, 上个月15日, 这个月3号
    re: new RegExp(`(上上|上|本|这|当)个?月\\s*${NUM}\\s*[日号]`),
    resolve: (m, today) => {
      const { y, m: mo } = parts(today);
      const back = m[1] === '上上' ? 2 : m[1] === '上' ? 1 : 0;
      const idx = y * 12 + (mo - 1) - back;
      return makeDate(Math.floor(idx / 12), (idx % 12) + 1, toNumber(m[2]!) ?? 0);
    },
  },
  {
    // 3月5日, 3月5号, 三月五日, 3月5
    re: new RegExp(`(?<![\\d年])${NUM}\\s*月\\s*${NUM}\\s*[日号]?`),
    resolve: (m, today) => {
      const mo = toNumber(m[1]!);
      const d = toNumber(m[2]!);
      if (mo === null || d === null || mo < 1 || mo > 99 || d < 1 || d > 99) return null;
      return monthDay(today, mo, d);
    },
  },
  {
    // 3.5, 3/5 (not 1.5小时, not 2.5个)
    re: /(?<![\d./])(\d{1,2})[./](\d{1,2})(?![\d./]|\s*(?:个|小时|学时|天|h|H|人|名|%|万|亿|倍))/,
    resolve: (m, today) => {
      const mo = Number(m[1]);
      const d = Number(m[2]);
      if (mo < 1 || mo > 12) return null;
      const r = monthDay(today, mo, d);
      // "3.45" is a number, not an impossible date.
      return r !== null && typeof r === 'object' && 'invalid' in r ? null : r;
    },
  },
  {
    re: /大前天/,
    resolve: (_m, today) => addDays(today, -3),
  },
  {
    re: /前天|前日/,
    resolve: (_m, today) => addDays(today, -2),
  },
  {
    re: /昨天|昨日|昨晚|昨儿/,
    resolve: (_m, today) => addDays(today, -1),
  },
  {
    re: /今天|今日|今晚|今儿|今早|今上午|今下午/,
    resolve: (_m, today) => today,
  },
  {
    // 上周五, 上星期三, 本周二, 这周一, 周五, 礼拜天
    re: /(?<![每一两三四五六七八九十\d])(上上|上|本|这)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])(?!次|个)/,
    resolve: (m, today) => {
      const wd = WEEKDAY[m[2]!]!;
      const monday = addDays(today, 1 - isoWeekday(today));
      if (m[1] === '上上') return addDays(monday, -14 + wd - 1);
      if (m[1] === '上') return addDays(monday, -7 + wd - 1);
      const inWeek = addDays(monday, wd - 1);
      // "周五" alone: the latest Friday on or before today.
      return !m[1] && inWeek > today ? addDays(inWeek, -7) : inWeek;
    },
  },
  {
    // 5日, 15号 (this month; last month when in the future)
    re: /(?<![\d月年./])(\d{1,2})\s*[日号](?![前后内])/,
    resolve: (m, today) => {
      const d = Number(m[1]);
      const { y, m: mo } = parts(today);
      const date = makeDate(y, mo, d);
      if (date && date <= today) return date;
      const prev = mo === 1 ? { y: y - 1, m: 12 } : { y, m: mo - 1 };
      return makeDate(prev.y, prev.m, d);
    },
  },
];

/** A month without a day: "5月份", "2024年5月", "5月开展…" (this year's month, or last year's when to come). */
const MONTH_RULES: DateRule[] = [
  {
    re: new RegExp(`(\\d{4})\\s*年\\s*${NUM}\\s*月份?(?!\\s*(?:\\d|[零〇一二两三四五六七八九十]+\\s*[日号]))`),
    resolve: (m, today) => {
      const y = Number(m[1]);
      const mo = toNumber(m[2]!);
      if (mo === null || mo < 1 || mo > 12) return mo === null ? null : { invalid: impossible(mo, 1) };
      const date = makeDate(y, mo, 1);
      if (!date) return null;
      return date.slice(0, 7) > today.slice(0, 7) ? { date, note: 'future' } : { date, note: 'month' };
    },
  },
  {
    re: new RegExp(
      `(?<![\\d年第上下本这当每])${NUM}\\s*月份?(?=\\s*(?:上旬|中旬|下旬|初|底|末|中|[，,、：:\\s]|$|开展|召开|组织|举办|举行|进行|参加|学习|集中|讲|开了|上了|支部|党支部|我支部|本支部))`,
    ),
    resolve: (m, today) => {
      const mo = toNumber(m[1]!);
      if (mo === null || mo < 1 || mo > 12) return mo !== null && mo > 12 && mo < 100 ? { invalid: impossible(mo, 1) } : null;
      const { y, m: cur } = parts(today);
      return { date: makeDate(mo > cur ? y - 1 : y, mo, 1)!, note: 'month' };
    },
  },
];

function toHit(m: RegExpExecArray, r: Resolved, today: IsoDate): DateHit | null {
  if (r === null) return null;
  const span = { start: m.index, end: m.index + m[0].length };
  if (typeof r === 'string') return { ...span, date: r };
  if ('invalid' in r) return { ...span, date: today, note: 'invalid', why: r.invalid };
  return { ...span, date: r.date, note: r.note };
}

function findDate(s: string, today: IsoDate): DateHit | null {
  let best: DateHit | null = null;
  for (const rule of DATE_RULES) {
    const m = rule.re.exec(s);
    if (!m) continue;
    const hit = toHit(m, rule.resolve(m, today), today);
    if (!hit) continue;
    // The earliest date in the segment wins; at the same place the first (most specific) rule.
    if (!best || hit.start < best.start) best = hit;
  }
  if (!best) {
    for (const rule of MONTH_RULES) {
      const m = rule.re.exec(s);
      if (!m) continue;
      const hit = toHit(m, rule.resolve(m, today), today);
      if (hit && (!best || hit.start < best.start)) best = { ...hit, weak: true };
    }
  }
  if (best) {
    // A range "3月5日至6日" / "3月5日-7日": swallow the end of the range.
    const rest = /^\s*(?:至|到|~|-|—|－)\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]?/.exec(s.slice(best.end));
    if (rest) best = { ...best, end: best.end + rest[0].length };
  }
  return best;
}

// ---- kinds -----------------------------------------------------------------------------------------------

/** Words beyond KIND_WORDS, including common typos (homophones of the pinyin input method). */
const EXTRA_WORDS: Partial<Record<ActivityKind, readonly string[]>> = {
  集中学习: ['专题学习', '集中学习', '读书班', '学习会', '集中学系', '理论学系'],
  党课: ['微党课', '党课', '党棵', '讲授党课'],
  主题党日: ['固定党日', '党日', '主体党日活动', '主体党日', '主题党曰', '重温入党誓词', '入党誓词'],
  支委会: ['支委扩大会', '支部委员会会议', '支委会', '支委汇', '支委回'],
  党员大会: ['支部大会', '全体党员大会', '党员大会', '党员大汇'],
  党小组会: ['党小组会', '党小组汇', '小组会'],
  组织生活会: ['组织生活会', '组织生活汇', '组织生活回'],
  民主评议党员: ['民主评议党员', '评议党员', '民主平议', '党员民主评议', '民主评议'],
  谈心谈话: ['谈心谈话', '谈话谈心', '谈心谈化', '谈心交心'],
  发展党员: ['发展党员', '入党申请', '接收预备党员', '政审'],
  // Longer words first in the text ("廉政警示教育" is one word, never "廉政" + "警示教育").
  廉政教育: ['廉政警示教育', '廉洁警示教育', '廉政教育', '廉政谈话', '廉洁谈话', '警示教育片', '警式教育', '廉政警示', '廉政教育基地', '廉政教育馆', '警示教育基地'],
  志愿服务: ['志愿服务', '志原服务', '义务劳动', '志愿'],
  调研: ['调研'],
  实景教学: ['实景教学', '红色教育', '纪念馆', '烈士陵园', '革命旧址'],
  其他: ['表彰大会', '表彰会', '暨表彰', '庆祝建党', '总结大会', '总结表彰'],
};

/** Words that name a kind only with other signs of an activity (a date, attendance, a verb…). */
const WEAK_WORDS = new Set(['学习', '谈话', '谈心', '走访', '参观', '入党', '志愿者', '志愿', '党日', '小组会', '入党誓词', '转正']);

/**
 * Words that say what was done or where rather than name an event: they stay in the topic ("接收张三同志为预备党员",
 * "到红色教育基地参观") while an event name ("召开支委会") is cut out of it.
 */
const CONTENT_WORDS = new Set([
  '学习',
  '走访',
  '参观',
  '入党',
  '入党誓词',
  '转正',
  ...KIND_WORDS.发展党员,
  ...(EXTRA_WORDS.发展党员 ?? []),
  '红色教育基地',
  '红色教育',
  '纪念馆',
  '烈士陵园',
  '革命旧址',
  '廉政教育基地',
  '廉政教育馆',
  '警示教育基地',
  '警示教育片',
  '重温入党誓词',
  ...(EXTRA_WORDS.其他 ?? []),
]);

/** Lower wins: a meeting named in the text is what was held, the rest is its content. */
const RANK: Record<ActivityKind, number> = {
  组织生活会: 1,
  民主评议党员: 1,
  党员大会: 1,
  支委会: 1,
  党小组会: 1,
  主题党日: 1,
  党课: 2,
  廉政教育: 2,
  谈心谈话: 2,
  志愿服务: 2,
  实景教学: 3,
  调研: 3,
  集中学习: 3,
  发展党员: 4,
  其他: 5,
};

/** Words that contain a kind word but are something else. */
const NOT_KIND = ['学习强国', '民主生活会', '学习贯彻落实', '党日常'];

interface KindWord {
  word: string;
  kind: ActivityKind;
  weak: boolean;
  content: boolean;
}

const WORDS: KindWord[] = (() => {
  const seen = new Set<string>();
  const out: KindWord[] = [];
  for (const kind of ACTIVITY_KINDS) {
    for (const w of [kind, ...KIND_WORDS[kind], ...(EXTRA_WORDS[kind] ?? [])]) {
      if (seen.has(w) || (kind === '其他' && !(EXTRA_WORDS.其他 ?? []).includes(w))) continue;
      seen.add(w);
      out.push({ word: w, kind, weak: WEAK_WORDS.has(w), content: CONTENT_WORDS.has(w) });
    }
  }
  return out.sort((a, b) => b.word.length - a.word.length);
})();

interface KindHit extends Span {
  kind: ActivityKind;
  weak: boolean;
  content: boolean;
}

function findKinds(s: string): KindHit[] {
  const taken: boolean[] = new Array(s.length).fill(false);
  for (const nk of NOT_KIND) {
    for (let i = s.indexOf(nk); i >= 0; i = s.indexOf(nk, i + 1)) for (let j = i; j < i + nk.length; j++) taken[j] = true;
  }
  const hits: KindHit[] = [];
  for (const w of WORDS) {
    for (let i = s.indexOf(w.word); i >= 0; i = s.indexOf(w.word, i + 1)) {
      let free = true;
      for (let j = i; j < i + w.word.length; j++) if (taken[j]) free = false;
      if (!free) continue;
      for (let j = i; j < i + w.word.length; j++) taken[j] = true;
      hits.push({ start: i, end: i + w.word.length, kind: w.kind, weak: w.weak, content: w.content });
    }
  }
  return hits.sort((a, b) => a.start - b.start);
}

function bestKind(hits: KindHit[]): KindHit | null {
  let best: KindHit | null = null;
  const score = (h: KindHit) => RANK[h.kind] + (h.weak ? 10 : 0);
  for (const h of hits) if (!best || score(h) < score(best)) best = h;
  return best;
}

/** The words cut out of the topic: the event name of the chosen kind (not a content word). */
function nameSpan(hits: KindHit[], best: KindHit | null): KindHit | null {
  if (!best) return null;
  if (!best.content) return best;
  return hits.find((h) => h.kind === best.kind && !h.content) ?? null;
}

// ---- attendance and duration -----------------------------------------------------------------------------

interface NumHit extends Span {
  value: number;
}

const JOIN = '(?:参加|参会|出席|到会|与会|参与|到场|到位|参学)';
const PEOPLE = '(?:党员|同志|人员|干部|职工|群众|名党员|位党员|支委|支委委员|委员)';
/** Counts of people decided on or named, not attending: "确定2名同志为发展对象". */
const CHOSEN = '(?<!确定|推荐|推选|选出|列为|吸收|培养|发展|接收|表彰|表决|通过|同意)';
const MORE = '(?:余|多)?';
const ATTENDANCE_RULES: RegExp[] = [
  new RegExp(`实到\\s*(?:人数)?\\s*[：:为]?\\s*${NUM}\\s*[人名位]?`),
  new RegExp(`${JOIN}\\s*(?:人数|人员|党员|同志|支委)?\\s*(?:为|共|共计|有|：|:)?\\s*${NUM}\\s*${MORE}\\s*(?:人|名|位)`),
  new RegExp(`${CHOSEN}${NUM}\\s*${MORE}\\s*(?:人|名|位)\\s*(?:党员|同志|干部|职工|人员|支委|委员)?\\s*${JOIN}`),
  new RegExp(`(?<!发展|预备|正式|接收|新|优秀|先进)(?:党员|同志|干部)\\s*${NUM}\\s*${MORE}\\s*(?:名|人|位)(?!为|作为|列为)`), // PEOPLE_FIRST
  // "5名支委都参加了", "15名党员志愿者参与": words between the count and the verb.
  new RegExp(`${CHOSEN}${NUM}\\s*${MORE}\\s*(?:名|位|人)[^，,。；;\\d]{1,8}?${JOIN}`),
  // "共有党员21人参加", "一共有19人".
  new RegExp(`共有[^，,。；;\\d]{0,6}?${NUM}\\s*${MORE}\\s*(?:人|名)(?!次)`),
  new RegExp(`${CHOSEN}${NUM}\\s*${MORE}\\s*(?:名|位)\\s*${PEOPLE}(?!发展|为|作为|列为)`),
  new RegExp(`(?:共|共计|合计)\\s*${NUM}\\s*${MORE}\\s*(?:人|名)(?!次)`),
  /(\d+)\s*(?:余|多)?\s*人次?(?![均民])/,
];

const PEOPLE_FIRST = 3;

function findAttendance(s: string): NumHit | null {
  const skip = /应到\s*\d+\s*[人名]?/.exec(s);
  const text = skip ? s.slice(0, skip.index) + ' '.repeat(skip[0].length) + s.slice(skip.index + skip[0].length) : s;
  for (const [i, re] of ATTENDANCE_RULES.entries()) {
    const m = re.exec(text);
    if (!m) continue;
    const v = toNumber(m[1]!);
    if (v === null || v < 1 || v > 100_000) continue;
    // "新提拔干部3人": the people stay in the topic, the number goes.
    const start = i === PEOPLE_FIRST ? m.index + m[0].indexOf(m[1]!) : m.index;
    return { start, end: m.index + m[0].length, value: v };
  }
  return null;
}

const HOUR_RULES: Array<{ re: RegExp; value: (m: RegExpExecArray) => number | null }> = [
  {
    // 一个半小时, 1个半小时
    re: new RegExp(`${NUM}\\s*个\\s*半\\s*(?:小时|钟头)`),
    value: (m) => {
      const n = toNumber(m[1]!);
      return n === null ? null : n + 0.5;
    },
  },
  {
    // 半小时, 半个小时
    re: /(?<![\d一二两三四五六七八九十个])半\s*个?\s*(?:小时|钟头)/,
    value: () => 0.5,
  },
  {
    // 2小时, 1.5小时, 两个小时, 3学时, 2h
    re: new RegExp(`(\\d+(?:\\.\\d+)?|${CN}+)\\s*个?\\s*(?:小时|钟头|学时|h(?![a-z]))`, 'i'),
    value: (m) => (/^\d/.test(m[1]!) ? Number(m[1]) : toNumber(m[1]!)),
  },
  {
    // 90分钟
    re: new RegExp(`${NUM}\\s*分钟`),
    value: (m) => {
      const n = toNumber(m[1]!);
      return n === null ? null : Math.round((n / 60) * 10) / 10;
    },
  },
  {
    re: /半天|半日/,
    value: () => 4,
  },
  {
    re: /全天|一整天|整整一天/,
    value: () => 8,
  },
  {
    // 为期两天, 1天
    re: /(?:为期)?\s*(\d+|[一两二三四五])\s*天(?![前后内])/,
    value: (m) => {
      const n = toNumber(m[1]!);
      return n === null ? null : n * 8;
    },
  },
];

function findHours(s: string): NumHit | null {
  for (const r of HOUR_RULES) {
    const m = r.re.exec(s);
    if (!m) continue;
    const v = r.value(m);
    if (v === null || v <= 0 || v > 200) continue;
    return { start: m.index, end: m.index + m[0].length, value: v };
  }
  return null;
}

// ---- activity signs --------------------------------------------------------------------------------------

const QUESTION = /[?？]|是不是|有没有|几次|几个|几回|几名|(?:吗|么|呢|嘛)\s*[。！!]*$|怎么|如何|怎样|能否|能不能|可不可以|是否|哪些|哪个|什么时候|啥时候|多少次|要不要|需不需要|请问/;
const FUTURE = /明天|明日|后天|下周|下星期|下礼拜|下个?月|将于|拟于|拟在|打算|预计于|准备(?:召开|开展|组织|举办|举行)|计划(?:于|在|召开|开展|组织|举办|举行)|即将/;
/** A yearly or running total ("全年共组织集中学习32次") is a summary, not one activity. */
const SUMMARY = /(?<!第)\d+\s*(?:余)?次(?!会议)|全年|今年以来|年度共|累计/;
const VERB = /组织|开展|召开|举办|举行|参加|进行|集中|开了|讲了|讲授|学了|上了|主持|带领|观看|前往|赴/;
/** Signs of a meeting or an activity whose kind the text does not name. */
const UNNAMED = /会议|开会|开了个?会|例会|活动|座谈|培训|召开|举办|举行|讲座|交流会|研讨|慰问|观看/;
/** A meeting whose only kind word is a weak one ("召开会议，学习…"): which meeting is unclear. */
const MEETING = /会议|开会|开了个?会|例会/;
/** A time of day without a date means today. */
const DAYTIME = /上午|下午|晚上|早上|中午|傍晚|晚间/;
const SMALL_TALK = /^(?:你好|您好|谢谢|感谢|好的|收到|嗯|哦|ok|OK|在吗|测试|test|hello|hi)[!！。.~]*$/i;

// ---- topic -----------------------------------------------------------------------------------------------

const TIME_OF_DAY = /(?:上午|下午|晚上|早上|中午|傍晚|晚间)?\s*\d{1,2}\s*[:：]\s*\d{2}|(?:上午|下午|晚上|早上|中午|傍晚|晚间)\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*点\s*(?:半|\d{1,2}\s*分?)?|(?:上午|下午|晚上|早上|中午|傍晚|晚间)/g;
const TOPIC_MARK = /(?:学习内容|主题|题目|内容|议题)(?:为|是|：|:)\s*|题为\s*|学习内容\s*/;
const LEAD_VERB = /^(?:组织|召开|开展|举办|举行|进行|参加|开了个?|讲了|讲授(?!人)|上了|学了|主持|主持召开|主持开展|带领|集中|专题|一次|我们|我支部|本支部|全体)+/;
const EDGE_JUNK = /^[\s，,。；;：:、.!！—\-~]+|[\s，,。；;：:、.!！—\-~]+$/g;
const FILLER_CLAUSE = /^(?:支部|党支部|我支部|本支部|我们支部|历时|时长|学习时长|用时|开会|开了个?会|个会|工作|参加|参会|出席|到会|与会|参与|活动|会议|一次|了|共|效果良好|效果很好|反响良好|圆满完成|顺利召开|顺利开展|顺利举行|圆满结束|参加人员|参加人数|参会人数|参会人员|人数|全体党员|全体党员参加|人|名|等)*$/;
const ORDINAL_CLAUSE = /^(?:\d{1,2}月份?)?(?:第[一二三四五六七八九十\d]+次|本月|当月)$/;
const PEOPLE_CLAUSE = /^(?:全体|全部|所有|青年|老|新|部分|在职|退休|支部|机关)?(?:党员|同志)(?:干部)?(?:参加|参会)?$/;

/** Replaces the spans (UTF-16 offsets) by \u0001, keeping every other offset where it was. */
function blank(s: string, spans: Span[]): string {
  const out = s.split('');
  for (const sp of spans) for (let i = sp.start; i < sp.end && i < out.length; i++) out[i] = '\u0001';
  return out.join('');
}

function cleanPiece(p: string, kind: ActivityKind | null): string {
  let x = p
    .replace(EDGE_JUNK, '')
    .replace(LEAD_VERB, '')
    .replace(/(?:组织|召开|开展|举办|举行|进行|参加|讲授|开了个?|开|了|的|并|和|与|及|在|于|为)+$/, '')
    .replace(/^(?:的|并|及|于|，)+/, '')
    .replace(/^活动|^会议/, '')
    .replace(EDGE_JUNK, '')
    .trim();
  if (kind === '集中学习') x = x.replace(/^学习(?=.{2})/, '');
  return x;
}

function keepPiece(p: string, kind: ActivityKind | null): boolean {
  if (p.length < 2 || FILLER_CLAUSE.test(p) || PEOPLE_CLAUSE.test(p) || ORDINAL_CLAUSE.test(p)) return false;
  // A piece that is only another name of the kind ("党课 专题党课 …").
  if (!kind || CONTENT_WORDS.has(p)) return true;
  return !(p === kind || KIND_WORDS[kind].includes(p) || (EXTRA_WORDS[kind] ?? []).includes(p));
}

function findTopic(seg: string, spans: Span[], name: KindHit | null, kind: ActivityKind | null): string | null {
  const books = [...seg.matchAll(/《([^《》]{1,80})》/g)].map((m) => m[1]!.trim()).filter((t) => t.length > 0);
  if (books.length > 0) return books.join('、');
  const marked = TOPIC_MARK.exec(seg);
  if (marked) {
    const after = seg.slice(marked.index + marked[0].length).split(/[，,。；;]/)[0]!.replace(EDGE_JUNK, '').trim();
    if (after.length >= 2) return after.replace(/^[“"「]|[”"」]$/g, '');
  }
  // "…接受警示教育", "…观看警示教育片": the kind word is the object of the verb before it, and stays.
  const object = name !== null && /(?:接受|观看|收看|参观|聆听)$/.test(seg.slice(Math.max(0, name.start - 2), name.start));
  let s = blank(seg, name && !object ? [...spans, name] : spans);
  s = s.replace(TIME_OF_DAY, '\u0001');
  // Each blanked span separates clauses; a verb right before the kind word belongs to it.
  // Clauses (punctuation, blanked spans), and inside a clause the words people separate with spaces.
  const pieces = s
    .split(/[\u0001，,。；;！!]+/)
    .map((clause) =>
      clause
        .split(/\s+/)
        .map((p) => cleanPiece(p, kind))
        .filter((p) => keepPiece(p, kind))
        .join(' '),
    )
    .filter((p) => p.length >= 2);
  if (pieces.length === 0) return null;
  const topic = pieces.join('，');
  return [...topic].length > 100 ? [...topic].slice(0, 100).join('') : topic;
}

// ---- segments --------------------------------------------------------------------------------------------

const LIST_MARK = /^\s*(?:\d{1,2}\s*[、)）]|\(\d{1,2}\)|（\d{1,2}）|[①-⑳]|[-*•·●]\s*|\d{1,2}\.\s+|[一二三四五六七八九十]{1,2}、)\s*/;
const LEAD_COMMAND = /^\s*(?:记录|记一下|记一笔|登记|补记|补录|记)\s*[：:，,]?\s*/;

/** Cuts a message into segments: lines, and inside a line where a new clause starts with a date. */
function segments(text: string, today: IsoDate): string[] {
  const out: string[] = [];
  for (const rawLine of text.split(/\r?\n|\u2028/)) {
    const line = rawLine.replace(LIST_MARK, '').replace(LEAD_COMMAND, '').trim();
    if (!line) continue;
    const clauses = line.split(/(?<=[；;。，,])/);
    let cur = '';
    for (const c of clauses) {
      const startsWithDate = (() => {
        const t = c.trim();
        const hit = findDate(t, today);
        return hit !== null && hit.start === 0;
      })();
      const curHasContent = cur.trim() !== '' && findDate(cur, today) !== null && (findKinds(cur).length > 0 || UNNAMED.test(cur));
      if (startsWithDate && curHasContent) {
        out.push(cur.trim().replace(/[；;，,]$/, ''));
        cur = c;
      } else {
        cur += c;
      }
    }
    if (cur.trim()) out.push(cur.trim());
  }
  return out;
}

// ---- the parser ------------------------------------------------------------------------------------------

/**
 * The kind of the activity a message plans ("下周三召开支委会", "明天下午开展主题党日"), when the message logs
 * nothing and reads as such a plan; null otherwise.
 */
export function plannedKind(text: string, opts: ParseOptions): ActivityKind | null {
  const s = normalizeText(text).replace(/\s+/g, ' ').trim();
  if (!s || [...s].length > MAX_SEGMENT_CHARS || !FUTURE.test(s) || QUESTION.test(s.replace(AGENDA_WHETHER, ' '))) return null;
  if (parseActivities(s, opts).length > 0) return null;
  const k = bestKind(findKinds(s));
  return k && !k.weak ? k.kind : null;
}

/** The activities a message logs (an empty array when it logs none). */
export function parseActivities(text: string, opts: ParseOptions): ParsedActivity[] {
  const norm = normalizeText(text);
  const out: ParsedActivity[] = [];
  let header: DateHit | null = null;
  const segs = segments(norm, opts.today);
  segs.forEach((seg, index) => {
    if (out.length >= MAX_ACTIVITIES) return;
    const parsed = parseSegment(seg, index, opts, header, segs.length <= SECOND_KIND_OFFSET);
    if (parsed === 'date-only') {
      header = findDate(seg.replace(/\s+/g, ' ').trim(), opts.today);
      return;
    }
    if (parsed) for (const a of parsed) if (out.length < MAX_ACTIVITIES) out.push(a);
  });
  return out;
}

/**
 * A segment that names two kinds ("召开组织生活会，开展民主评议党员") gives a second, linked record: its index is
 * the segment's plus this offset (record ids stay stable; only messages of at most this many segments).
 */
export const SECOND_KIND_OFFSET = 50;

function noteOf(hit: DateHit, written: string): DateNote | null {
  if (!hit.note) return null;
  if (hit.note === 'invalid') return { kind: 'invalid', written, text: `${hit.why ?? `没有${written}`}，请确认日期` };
  const { y, m, d } = parts(hit.date);
  if (hit.note === 'month') return { kind: 'month', written, text: `只写了${m}月，已先记在${y}年${m}月1日，请补充具体日期` };
  return { kind: 'future', written, text: `该日期尚未到来（${y}年${m}月${d}日）` };
}

function parseSegment(seg: string, index: number, opts: ParseOptions, header: DateHit | null, second: boolean): ParsedActivity[] | null | 'date-only' {
  const s = seg.replace(/\s+/g, ' ').trim();
  if (!s || [...s].length > MAX_SEGMENT_CHARS || SMALL_TALK.test(s)) return null;
  const noTime = s.replace(TIME_OF_DAY, (m) => ' '.repeat(m.length)).replace(/应到\s*\d+\s*[人名]?/g, (m) => ' '.repeat(m.length));
  const dateHit = findDate(noTime, opts.today);
  if (dateHit && noTime.slice(0, dateHit.start).trim() === '' && /^[\s：:，,。]*$/.test(noTime.slice(dateHit.end))) return 'date-only';
  // "讨论是否将…列为发展对象" in a meeting's report is its agenda, not a question.
  const asked = s.replace(AGENDA_WHETHER, ' ');
  if (QUESTION.test(asked) || FUTURE.test(s)) return null;
  if (SUMMARY.test(dateHit ? blank(noTime, [dateHit]) : noTime) && !dateHit) return null;
  const masked = dateHit ? blank(noTime, [dateHit]) : noTime;
  // A kind word inside a title (《关于开展调查研究的工作方案》) names no activity of the segment.
  const kinds = findKinds(blank(masked, [...masked.matchAll(/《[^《》]*》/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }))));
  let kind = bestKind(kinds);
  let name = nameSpan(kinds, kind);
  const att = findAttendance(blank(masked, kinds.filter((k) => !k.weak || !/支委/.test(s.slice(k.start, k.end)))));
  // "5名支委都参加了": the committee met.
  if ((!kind || RANK[kind.kind] > 1) && /支委(?:委员|们)?都?(?:参加|参会|出席|到会|到场)|\d+\s*名\s*支委/.test(s)) {
    kind = { start: 0, end: 0, kind: '支委会', weak: false, content: true };
    name = null;
  }
  const hours = findHours(blank(masked, [...kinds, ...(att ? [att] : [])]));
  const allMembers = /全体党员|全部党员|所有党员|全体支部党员/.test(s) && !att;
  const hasBook = /《[^》]+》/.test(s);
  const context = Boolean(dateHit) || DAYTIME.test(s) || Boolean(att) || Boolean(hours) || hasBook || allMembers || VERB.test(masked);
  if (kind && kinds.every((h) => h.weak) && MEETING.test(masked)) {
    kind = null;
    name = null;
  }
  if (kind) {
    if (kind.weak && !context) return null;
  } else if (!(UNNAMED.test(masked) && (dateHit || DAYTIME.test(s) || att || hours))) {
    return null;
  }
  const other = second && kind ? secondKind(kinds, kind, masked) : null;
  const spans: Span[] = [dateHit, att, hours, other].filter((x): x is NumHit | DateHit | KindHit => x !== null);
  let topic = findTopic(noTime, spans, name, kind?.kind ?? null);
  // "和小李进行了谈心谈话" would leave "和小李": keep the secretary's wording instead.
  if (topic && /^(?:和|与|同|跟|给|对|为|向)[^，]{1,12}$/.test(topic)) topic = plainTopic(noTime, spans) ?? topic;
  const dated = dateHit ?? header;
  const first: ParsedActivity = {
    date: dated?.date ?? opts.today,
    kind: kind?.kind ?? null,
    attendees: att?.value ?? (allMembers && opts.memberCount ? opts.memberCount : null),
    topic,
    hours: hours?.value ?? null,
    allMembers,
    dateGiven: dated !== null && dated.note !== 'invalid',
    dateNote: dated ? noteOf(dated, dateHit ? noTime.slice(dateHit.start, dateHit.end).trim() : '') : null,
    index,
    source: seg.trim(),
  };
  return other ? [first, { ...first, kind: other.kind, index: index + SECOND_KIND_OFFSET }] : [first];
}

/** The segment without what was recognised (date, counts, time of day), as written otherwise. */
function plainTopic(seg: string, spans: Span[]): string | null {
  const t = blank(seg, spans)
    .replace(TIME_OF_DAY, '\u0001')
    .split(/\u0001+/)
    .map((p) => p.replace(EDGE_JUNK, '').trim())
    .filter((p) => p.length > 0)
    .join('，')
    .replace(LEAD_VERB, '')
    .replace(EDGE_JUNK, '');
  return t.length >= 2 ? [...t].slice(0, 100).join('') : null;
}

/** The agenda of a meeting: "讨论是否将…", "表决是否同意…". */
const AGENDA_WHETHER = /(?:讨论|研究|审议|表决|酝酿|投票决定|决定)(?:了|并)?(?:是否|能否)|是否同意/g;

/** A second meeting-like kind named by its own word ("组织生活会…民主评议党员"), or null. */
function secondKind(hits: KindHit[], best: KindHit, seg: string): KindHit | null {
  if (RANK[best.kind] !== 1) return null;
  return (
    hits.find((h) => {
      if (h === best || h.kind === best.kind || h.weak || h.content || RANK[h.kind] !== 1) return false;
      // Held, not the object of the meeting ("研究年度组织生活会准备工作", "选举产生新一届支部委员会").
      const before = seg.slice(Math.max(0, h.start - 12), h.start);
      return SECOND_HELD.test(before) && !/准备|工作|方案|的/.test(seg.slice(h.end, h.end + 2));
    }) ?? null
  );
}

/** Just before a second kind word: it was held too ("…，开展民主评议党员", "…组织生活会和民主评议党员大会"). */
const SECOND_HELD = /(?:(?:召开|开展|举行|举办|组织)了?|(?:会|活动)(?:和|及|并|暨))(?:\d{4}年度?)?$/;
