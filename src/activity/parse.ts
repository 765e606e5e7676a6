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
  /** Position of the segment in the message (0-based): with the message id, the record's identity. */
  index: number;
  /** The segment as written (trimmed). */
  source: string;
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
}

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };

/** Month-day without a year: this year, or last year when that would be in the future. */
function monthDay(today: IsoDate, m: number, d: number): IsoDate | null {
  const { y } = parts(today);
  const date = makeDate(y, m, d);
  if (!date) return makeDate(y - 1, m, d);
  return date > today ? makeDate(y - 1, m, d) : date;
}

type DateRule = { re: RegExp; resolve: (m: RegExpExecArray, today: IsoDate) => IsoDate | null };

const DATE_RULES: DateRule[] = [
  {
    // 2024年3月5日, 2024年三月五日
    re: new RegExp(`(\\d{4}|[〇零一二三四五六七八九]{4})\\s*年\\s*${NUM}\\s*月\\s*${NUM}\\s*[日号]?`),
    resolve: (m) => makeDate(toNumber(m[1]!) ?? 0, toNumber(m[2]!) ?? 0, toNumber(m[3]!) ?? 0),
  },
  {
    // 2024-03-05, 2024.3.5, 2024/3/5
    re: /(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)/,
    resolve: (m) => makeDate(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    // 24年3月5日
    re: /(?<!\d)(\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/,
    resolve: (m) => makeDate(2000 + Number(m[1]), Number(m[2]), Number(m[3])),
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
      if (mo === null || d === null || mo < 1 || mo > 12) return null;
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
      return monthDay(today, mo, d);
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

function findDate(s: string, today: IsoDate): DateHit | null {
  let best: DateHit | null = null;
  for (const rule of DATE_RULES) {
    const m = rule.re.exec(s);
    if (!m) continue;
    const date = rule.resolve(m, today);
    if (!date) continue;
    const hit = { start: m.index, end: m.index + m[0].length, date };
    // The earliest date in the segment wins; at the same place the first (most specific) rule.
    if (!best || hit.start < best.start) best = hit;
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
  民主评议党员: ['民主评议党员', '评议党员', '民主平议'],
  谈心谈话: ['谈心谈话', '谈话谈心', '谈心谈化', '谈心交心'],
  发展党员: ['发展党员', '入党申请', '接收预备党员', '政审'],
  廉政教育: ['廉政教育', '廉政谈话', '廉洁谈话', '警示教育片', '警式教育', '廉政警示', '廉政教育基地', '廉政教育馆', '警示教育基地'],
  志愿服务: ['志愿服务', '志原服务', '义务劳动', '志愿'],
  调研: ['调研'],
  实景教学: ['实景教学', '红色教育', '纪念馆', '烈士陵园', '革命旧址'],
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
      if (seen.has(w) || kind === '其他') continue;
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

const JOIN = '(?:参加|参会|出席|到会|与会|参与|到场|到位)';
const PEOPLE = '(?:党员|同志|人员|干部|职工|群众|名党员|位党员)';
const ATTENDANCE_RULES: RegExp[] = [
  new RegExp(`实到\\s*(?:人数)?\\s*[：:为]?\\s*${NUM}\\s*[人名位]?`),
  new RegExp(`${JOIN}\\s*(?:人数|人员|党员|同志)?\\s*(?:为|共|共计|有|：|:)?\\s*${NUM}\\s*(?:人|名|位)`),
  new RegExp(`${NUM}\\s*(?:人|名|位)\\s*(?:党员|同志|干部|职工|人员)?\\s*${JOIN}`),
  new RegExp(`(?<!发展|预备|正式|接收|新|优秀|先进)(?:党员|同志|干部)\\s*${NUM}\\s*(?:名|人|位)`), // PEOPLE_FIRST
  new RegExp(`(?<!发展|接收)${NUM}\\s*(?:名|位)\\s*${PEOPLE}(?!发展)`),
  new RegExp(`(?:共|共计|合计)\\s*${NUM}\\s*(?:人|名)(?!次)`),
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
const FILLER_CLAUSE = /^(?:历时|时长|学习时长|用时|开会|开了个?会|个会|工作|参加|参会|出席|到会|与会|参与|活动|会议|一次|了|共|效果良好|效果很好|反响良好|圆满完成|顺利召开|顺利开展|顺利举行|圆满结束|参加人员|参加人数|参会人数|参会人员|人数|全体党员|全体党员参加|人|名|等)*$/;
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
    .replace(/(?:组织|召开|开展|举办|举行|进行|参加|讲授|了|的|并|和|与|及|在|于|为)+$/, '')
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
  let s = blank(seg, name ? [...spans, name] : spans);
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

/** The activities a message logs (an empty array when it logs none). */
export function parseActivities(text: string, opts: ParseOptions): ParsedActivity[] {
  const norm = normalizeText(text);
  const out: ParsedActivity[] = [];
  let headerDate: IsoDate | null = null;
  const segs = segments(norm, opts.today);
  segs.forEach((seg, index) => {
    if (out.length >= MAX_ACTIVITIES) return;
    const parsed = parseSegment(seg, index, opts, headerDate);
    if (parsed === 'date-only') {
      headerDate = findDate(seg, opts.today)!.date;
      return;
    }
    if (parsed) out.push(parsed);
  });
  return out;
}

function parseSegment(seg: string, index: number, opts: ParseOptions, headerDate: IsoDate | null): ParsedActivity | null | 'date-only' {
  const s = seg.replace(/\s+/g, ' ').trim();
  if (!s || [...s].length > MAX_SEGMENT_CHARS || SMALL_TALK.test(s)) return null;
  const noTime = s.replace(TIME_OF_DAY, (m) => ' '.repeat(m.length)).replace(/应到\s*\d+\s*[人名]?/g, (m) => ' '.repeat(m.length));
  const dateHit = findDate(noTime, opts.today);
  if (dateHit && noTime.slice(0, dateHit.start).trim() === '' && /^[\s：:，,。]*$/.test(noTime.slice(dateHit.end))) return 'date-only';
  if (QUESTION.test(s) || FUTURE.test(s)) return null;
  if (SUMMARY.test(dateHit ? blank(noTime, [dateHit]) : noTime) && !dateHit) return null;
  const masked = dateHit ? blank(noTime, [dateHit]) : noTime;
  const kinds = findKinds(masked);
  let kind = bestKind(kinds);
  let name = nameSpan(kinds, kind);
  const att = findAttendance(blank(masked, kinds));
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
  const spans: Span[] = [dateHit, att, hours].filter((x): x is NumHit | DateHit => x !== null);
  const topic = findTopic(noTime, spans, name, kind?.kind ?? null);
  return {
    date: dateHit?.date ?? headerDate ?? opts.today,
    kind: kind?.kind ?? null,
    attendees: att?.value ?? (allMembers && opts.memberCount ? opts.memberCount : null),
    topic,
    hours: hours?.value ?? null,
    allMembers,
    dateGiven: Boolean(dateHit) || headerDate !== null,
    index,
    source: seg.trim(),
  };
}
