// The activity parser: field accuracy on the test set of realistic messages (printed, asserted ≥ 95 %), and
// the individual rules (dates relative to an injected today, kinds, attendance, duration, topic, segments).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_KINDS } from '../../src/activity/kinds.ts';
import { type ActivityJson, parseActivities, toActivityJson, toNumber } from '../../src/activity/parse.ts';

interface Case {
  line: number;
  text: string;
  today: string;
  memberCount?: number;
  expected: ActivityJson[];
}

const FIELDS = ['date', 'kind', 'attendees', 'topic', 'hours'] as const;

function readCases(path: string): Case[] {
  const cases: Case[] = [];
  let today = '';
  let memberCount: number | undefined;
  let cur: Case | undefined;
  const lines = readFileSync(path, 'utf8').split('\n');
  const flush = () => {
    if (cur) {
      if (cur.expected.length === 0 && !cur.text.includes('\u0000none')) throw new Error(`case at line ${cur.line} has no "=" line`);
      cur.text = cur.text.replace('\u0000none', '');
      cases.push(cur);
    }
    cur = undefined;
  };
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('#')) return;
    if (line.trim() === '') {
      flush();
      return;
    }
    if (line.startsWith('@today ')) {
      today = line.slice(7).trim();
      return;
    }
    if (line.startsWith('@members ')) {
      memberCount = Number(line.slice(9).trim());
      return;
    }
    if (line.startsWith('> ')) {
      if (!cur) cur = { line: i + 1, text: line.slice(2), today, memberCount, expected: [] };
      else cur.text += `\n${line.slice(2)}`;
      return;
    }
    if (line.startsWith('= ')) {
      if (!cur) throw new Error(`line ${i + 1}: "=" without a message`);
      if (line.trim() === '= none') {
        cur.text += '\u0000none';
        return;
      }
      const f = line
        .slice(2)
        .split('|')
        .map((x) => x.trim());
      if (f.length !== 5) throw new Error(`line ${i + 1}: expected 5 fields`);
      const nul = (x: string) => (x === '-' ? null : x);
      const kind = nul(f[1]!);
      if (kind !== null && !(ACTIVITY_KINDS as readonly string[]).includes(kind)) throw new Error(`line ${i + 1}: unknown kind ${kind}`);
      cur.expected.push({
        date: f[0]!,
        kind: kind as ActivityJson['kind'],
        attendees: nul(f[2]!) === null ? null : Number(f[2]),
        topic: nul(f[3]!),
        hours: nul(f[4]!) === null ? null : Number(f[4]),
      });
      return;
    }
    throw new Error(`line ${i + 1}: cannot read "${line}"`);
  });
  flush();
  return cases;
}

/** Topics are compared without whitespace and punctuation. */
const normTopic = (t: string | null) => (t === null ? null : t.replace(/[\s，,。.、；;：:“”"'‘’《》!！?？—-]/g, ''));

function sameField(f: (typeof FIELDS)[number], a: ActivityJson, b: ActivityJson): boolean {
  return f === 'topic' ? normTopic(a.topic) === normTopic(b.topic) : a[f] === b[f];
}

const pct = (r: number, t: number) => `${((100 * r) / t).toFixed(1)} %`;

interface Score {
  right: number;
  total: number;
  perField: Record<string, { right: number; total: number }>;
  misses: string[];
}

function score(cases: Case[]): Score {
  const sc: Score = { right: 0, total: 0, perField: {}, misses: [] };
  for (const c of cases) {
    const got = parseActivities(c.text, { today: c.today, ...(c.memberCount ? { memberCount: c.memberCount } : {}) }).map(toActivityJson);
    if (c.expected.length === 0) {
      // One decision: is this an activity at all? A spurious activity costs all its fields.
      if (got.length === 0) {
        sc.right += 1;
        sc.total += 1;
      } else {
        sc.total += got.length * FIELDS.length;
        sc.misses.push(`line ${c.line}: expected no activity, got ${JSON.stringify(got)}`);
      }
      continue;
    }
    const n = Math.max(c.expected.length, got.length);
    for (let i = 0; i < n; i++) {
      const e = c.expected[i];
      const g = got[i];
      for (const f of FIELDS) {
        sc.perField[f] ??= { right: 0, total: 0 };
        sc.perField[f].total += 1;
        sc.total += 1;
        if (e && g && sameField(f, e, g)) {
          sc.right += 1;
          sc.perField[f].right += 1;
        } else {
          sc.misses.push(`line ${c.line} #${i} ${f}: expected ${JSON.stringify(e?.[f])}, got ${JSON.stringify(g?.[f])}`);
        }
      }
    }
  }
  return sc;
}

function describeScore(name: string, cases: Case[], sc: Score): string {
  return [
    `activity parser, ${name}: ${sc.right}/${sc.total} fields right = ${pct(sc.right, sc.total)} on ${cases.length} messages`,
    ...Object.entries(sc.perField).map(([f, v]) => `  ${f}: ${v.right}/${v.total} = ${pct(v.right, v.total)}`),
    ...(sc.misses.length > 0 ? ['  misses:', ...sc.misses.map((m) => `    ${m}`)] : []),
  ].join('\n');
}

describe('parser accuracy on the test set', () => {
  const tuned = readCases(new URL('../fixtures/activities-parse.txt', import.meta.url).pathname);
  const holdout = readCases(new URL('../fixtures/activities-parse-holdout.txt', import.meta.url).pathname);
  const all = [...tuned, ...holdout];

  it('has at least 150 varied messages, with several-activity messages and non-activities', () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(all.filter((c) => c.expected.length === 0).length).toBeGreaterThanOrEqual(25);
    expect(all.filter((c) => c.expected.length > 1).length).toBeGreaterThanOrEqual(5);
    expect(all.filter((c) => /[\uFF10-\uFF19]/.test(c.text)).length).toBeGreaterThanOrEqual(5);
    expect(holdout.length).toBeGreaterThanOrEqual(40);
  });

  it('gets at least 95 % of the fields right (and prints the figures)', () => {
    const sAll = score(all);
    const sHold = score(holdout);
    console.log(`${describeScore('whole test set', all, sAll)}\n${describeScore('held-out part', holdout, sHold)}`);
    expect(sAll.right / sAll.total).toBeGreaterThanOrEqual(0.95);
    // The held-out part is small (about 250 fields) and was not tuned against: a looser floor.
    expect(sHold.right / sHold.total).toBeGreaterThanOrEqual(0.9);
  });
});

describe('parser rules', () => {
  const today = '2024-06-20'; // a Thursday
  const one = (text: string, o: { today?: string; memberCount?: number } = {}) => {
    const r = parseActivities(text, { today: o.today ?? today, ...(o.memberCount ? { memberCount: o.memberCount } : {}) });
    expect(r).toHaveLength(1);
    return r[0]!;
  };

  it('reads the date forms of the issue against the injected today', () => {
    expect(one('今天支委会').date).toBe('2024-06-20');
    expect(one('昨天支委会').date).toBe('2024-06-19');
    expect(one('前天支委会').date).toBe('2024-06-18');
    expect(one('上周五支委会').date).toBe('2024-06-14');
    expect(one('本月3日支委会').date).toBe('2024-06-03');
    expect(one('3月5日支委会').date).toBe('2024-03-05');
    expect(one('3.5 支委会').date).toBe('2024-03-05');
    expect(one('2024-03-05 支委会').date).toBe('2024-03-05');
    expect(one('2024年3月5日支委会').date).toBe('2024-03-05');
    // A date that would be in the future means last year.
    expect(one('7月1日支委会').date).toBe('2023-07-01');
    expect(one('12月30日组织生活会', { today: '2025-01-02' }).date).toBe('2024-12-30');
    // Across a year boundary: last week's Friday of 2025-01-02 (a Thursday) is 2024-12-27.
    expect(one('上周五党员大会', { today: '2025-01-02' }).date).toBe('2024-12-27');
    // Without a date: today, and dateGiven says so.
    const undated = one('支委会 研究七一慰问');
    expect(undated.date).toBe(today);
    expect(undated.dateGiven).toBe(false);
  });

  it('maps the words people use to the canonical kinds, and leaves an unnamed meeting unclear', () => {
    expect(one('3月5日理论学习').kind).toBe('集中学习');
    expect(one('3月5日讲党课').kind).toBe('党课');
    expect(one('3月5日支部委员会').kind).toBe('支委会');
    expect(one('3月5日召开支委会，研究发展党员工作').kind).toBe('支委会');
    expect(one('3月5日廉政党课').kind).toBe('廉政教育');
    expect(one('3月5日主体党日').kind).toBe('主题党日');
    expect(one('昨天开会，15人参加').kind).toBeNull();
  });

  it('reads attendance (28人, 党员28名, 全体党员 with and without a member count) and duration', () => {
    expect(one('3月5日集中学习 28人参加').attendees).toBe(28);
    expect(one('3月5日集中学习 党员28名').attendees).toBe(28);
    expect(one('3月5日集中学习 ２８人').attendees).toBe(28);
    const all = one('3月5日集中学习 全体党员参加');
    expect(all.allMembers).toBe(true);
    expect(all.attendees).toBeNull();
    expect(one('3月5日集中学习 全体党员参加', { memberCount: 31 }).attendees).toBe(31);
    expect(one('3月5日集中学习 半天').hours).toBe(4);
    expect(one('3月5日集中学习 2小时').hours).toBe(2);
    expect(one('3月5日集中学习 一个半小时').hours).toBe(1.5);
    expect(one('3月5日集中学习 90分钟').hours).toBe(1.5);
  });

  it('takes the topic from 《》 or from the rest of the sentence', () => {
    expect(one('3月5日 集中学习《中国共产党章程》').topic).toBe('中国共产党章程');
    expect(one('3月5日 组织集中学习二十大精神，28人参加').topic).toBe('二十大精神');
    expect(one('3月5日 支委会').topic).toBeNull();
  });

  it('cuts a message into one activity per line or per dated clause, with stable indexes', () => {
    const r = parseActivities('3月5日支委会\n\n你好\n3月12日党员大会；3月19日讲党课', { today });
    expect(r.map((a) => [a.date, a.kind])).toEqual([
      ['2024-03-05', '支委会'],
      ['2024-03-12', '党员大会'],
      ['2024-03-19', '党课'],
    ]);
    // The index is the segment's position in the message, so that a record id made from it never shifts.
    expect(r.map((a) => a.index)).toEqual([0, 2, 3]);
    expect(parseActivities('3月5日支委会\n\n你好\n3月12日党员大会；3月19日讲党课', { today })).toEqual(r);
  });

  it('does not log questions, plans, yearly summaries or small talk', () => {
    for (const t of ['支委会多久开一次？', '明天下午召开支委会', '全年共组织集中学习32次', '谢谢', '学习强国积分怎么查', '']) {
      expect(parseActivities(t, { today })).toEqual([]);
    }
  });

  it('reads Chinese numerals', () => {
    expect(toNumber('二十八')).toBe(28);
    expect(toNumber('十五')).toBe(15);
    expect(toNumber('两')).toBe(2);
    expect(toNumber('一百零五')).toBe(105);
    expect(toNumber('abc')).toBeNull();
  });
});
