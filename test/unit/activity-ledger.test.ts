// The ledger (counts by kind, quarter and month against the required frequencies), the monthly gaps, the
// report statistics, the CSV export, the calendar helpers and the command words. Pure.
import { describe, expect, it } from 'vitest';
import { firstWorkingDay, localTime, todayIn } from '../../src/activity/dates.ts';
import { readCommand } from '../../src/activity/feature.ts';
import type { ActivityKind } from '../../src/activity/kinds.ts';
import { buildLedger, csvCell, ledgerCsv, monthGaps, toReportStats } from '../../src/activity/ledger.ts';
import type { ActivityRecord } from '../../src/activity/record.ts';

let seq = 0;
function rec(date: string, kind: ActivityKind | null, extra: Partial<ActivityRecord> = {}): ActivityRecord {
  seq += 1;
  return {
    v: 1,
    id: `om_${seq}:0`,
    msg: `om_${seq}`,
    idx: 0,
    date,
    kind,
    attendees: null,
    allMembers: false,
    topic: null,
    hours: null,
    source: `${date} ${kind ?? '开会'}`,
    status: 'logged',
    rev: 0,
    createdAt: seq,
    updatedAt: seq,
    ...extra,
  };
}

/** 支委会 in Jan, Feb, Apr, May (not Mar); 党课 in Q1 only; one unclassified; one deleted. */
const RECORDS = [
  rec('2024-01-10', '支委会'),
  rec('2024-02-10', '支委会'),
  rec('2024-04-10', '支委会'),
  rec('2024-05-10', '支委会'),
  rec('2024-03-01', '党课', { hours: 2 }),
  rec('2024-03-05', '集中学习', { hours: 1.5 }),
  rec('2024-04-05', '集中学习', { hours: 3 }),
  rec('2024-05-20', '志愿服务', { hours: 4 }),
  rec('2024-05-21', null),
  rec('2024-05-22', '党员大会', { status: 'deleted' }),
  rec('2023-12-30', '党员大会'),
];

describe('ledger', () => {
  it('counts the year by kind, quarter and month and marks the required kinds', () => {
    const l = buildLedger(RECORDS, 2024, '2024-05-25');
    expect(l.total).toBe(8);
    expect(l.unclassified).toBe(1);
    // Study hours: 集中学习 and 党课, not 志愿服务.
    expect(l.studyHours).toBe(6.5);
    const committee = l.rows.find((r) => r.kind === '支委会')!;
    expect(committee.year).toBe(4);
    expect(committee.quarters).toEqual([2, 2, 0, 0]);
    expect(committee.months.slice(0, 5)).toEqual([1, 1, 0, 1, 1]);
    expect(committee.status).toBe('behind');
    expect(committee.missed).toEqual(['3月']);
    const lecture = l.rows.find((r) => r.kind === '党课')!;
    // Q1 done; Q2 in progress: not yet missed.
    expect(lecture.status).toBe('ok');
    expect(lecture.missed).toEqual([]);
    const congress = l.rows.find((r) => r.kind === '党员大会')!;
    // The deleted one and last year's do not count: Q1 is missed.
    expect(congress.year).toBe(0);
    expect(congress.missed).toEqual(['一季度']);
    // The yearly ones are pending until the year is over.
    expect(l.rows.find((r) => r.kind === '组织生活会')!.status).toBe('pending');
    // This quarter (Q2): monthly kinds lacking April/May, quarterly kinds lacking the quarter.
    expect(l.currentQuarter).toBe(2);
    expect(l.missingThisQuarter).toContainEqual({ kind: '党课', what: '本季度' });
    expect(l.missingThisQuarter).toContainEqual({ kind: '主题党日', what: '4月、5月' });
    expect(l.missingThisQuarter.find((x) => x.kind === '支委会')).toBeUndefined();
    // Kinds without a frequency appear only when logged.
    expect(l.rows.map((r) => r.kind)).toContain('志愿服务');
    expect(l.rows.map((r) => r.kind)).not.toContain('调研');
  });

  it('judges a past year in full', () => {
    const l = buildLedger(RECORDS, 2024, '2025-01-10');
    expect(l.currentQuarter).toBeUndefined();
    expect(l.missingThisQuarter).toEqual([]);
    expect(l.rows.find((r) => r.kind === '组织生活会')!.status).toBe('behind');
    expect(l.rows.find((r) => r.kind === '支委会')!.missed).toEqual(['3月', '6月', '7月', '8月', '9月', '10月', '11月', '12月']);
  });

  it('names the gaps of a month for the reminder', () => {
    const may = monthGaps(RECORDS, 2024, 5).map((g) => g.kind);
    expect(may).toContain('主题党日');
    expect(may).toContain('党小组会');
    expect(may).not.toContain('支委会');
    // Quarterly kinds only at the end of a quarter; yearly ones from November.
    expect(may).not.toContain('党课');
    const june = monthGaps(RECORDS, 2024, 6);
    expect(june).toContainEqual({ kind: '党课', freq: 'quarterly', what: '二季度' });
    expect(monthGaps(RECORDS, 2024, 11).map((g) => g.kind)).toContain('组织生活会');
  });

  it('gives the walk-through its statistics, or nothing for a year without records', () => {
    expect(toReportStats(RECORDS, 2024)).toEqual({
      year: 2024,
      counts: { 支委会: 4, 党课: 1, 集中学习: 2, 志愿服务: 1 },
      studyHours: 6.5,
    });
    expect(toReportStats(RECORDS, 2022)).toBeUndefined();
  });
});

describe('CSV export', () => {
  it('is UTF-8 with a BOM, CRLF, one row per live record of the year in date order', () => {
    const buf = ledgerCsv(RECORDS, 2024);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.subarray(3).toString('utf8');
    const lines = text.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('序号,日期,类型,参加人数,主题,学时,状态,原始记录');
    expect(lines).toHaveLength(1 + 9);
    expect(lines[1]!.startsWith('1,2024-01-10,支委会,')).toBe(true);
    expect(text).toContain('待分类');
    expect(text).not.toContain('2023-12-30');
  });

  it('quotes separators and neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });
});

describe('calendar', () => {
  it('finds the first working day of a month with the official holidays', () => {
    // 2024: 1–5 May off; 1–7 Oct off; 2025-01-01 off.
    expect(firstWorkingDay(2024, 5)).toBe('2024-05-06');
    expect(firstWorkingDay(2024, 10)).toBe('2024-10-08');
    expect(firstWorkingDay(2025, 1)).toBe('2025-01-02');
    expect(firstWorkingDay(2024, 7)).toBe('2024-07-01');
    // A month starting on a weekend.
    expect(firstWorkingDay(2024, 6)).toBe('2024-06-03');
  });

  it('converts between instants and dates in BOT_TZ', () => {
    expect(localTime('2024-05-06', 9, 'Asia/Shanghai')).toBe(Date.UTC(2024, 4, 6, 1));
    expect(todayIn(Date.UTC(2024, 4, 31, 17), 'Asia/Shanghai')).toBe('2024-06-01');
    expect(todayIn(Date.UTC(2024, 4, 31, 17), 'UTC')).toBe('2024-05-31');
  });
});

describe('command words', () => {
  it('reads 统计/台账, 列表, 导出 and the reminder switch, and nothing else', () => {
    expect(readCommand('统计')).toEqual({ a: 'stats' });
    expect(readCommand('台账 2023')).toEqual({ a: 'stats', y: 2023 });
    expect(readCommand('2023年台账')).toEqual({ a: 'stats', y: 2023 });
    expect(readCommand('列表')).toEqual({ a: 'list' });
    expect(readCommand('导出。')).toEqual({ a: 'export' });
    expect(readCommand('关闭提醒')).toEqual({ a: 'remind', on: false });
    expect(readCommand('统计一下今年开了几次支委会')).toBeNull();
    expect(readCommand('3月5日支委会')).toBeNull();
  });
});
