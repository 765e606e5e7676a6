// The pure parts of deadlines: local time arithmetic, the workday calendar (official and fallback), the nudge
// plan (09:00, workday shifting, merging, summary) and the command parser.
import { describe, expect, it } from 'vitest';
import { chinaCalendar, fallbackIsWorkday, type WorkCalendar } from '../../src/nudges/calendar.ts';
import { dueError, parseCommand, parseDue, parseHhmm, pickerDay, readDue } from '../../src/nudges/parse.ts';
import { DEFAULT_OFFSETS, planNudges } from '../../src/nudges/plan.ts';
import { addDays, dayOf, daysBetween, formatDay, formatDue, zonedMs } from '../../src/time.ts';

const TZ = 'Asia/Shanghai';
/** 09:00 Beijing time on `day`. */
const nine = (day: string) => Date.parse(`${day}T01:00:00Z`);
const at = (iso: string) => Date.parse(iso);
const weekendsOnly: WorkCalendar = { isWorkday: fallbackIsWorkday, isOfficial: () => false };

describe('time in BOT_TZ', () => {
  it('converts local wall time and days', () => {
    expect(zonedMs('2025-01-15', 18, 0, TZ)).toBe(at('2025-01-15T10:00:00Z'));
    expect(zonedMs('2025-01-15', 0, 30, TZ)).toBe(at('2025-01-14T16:30:00Z'));
    expect(dayOf(at('2025-01-14T16:30:00Z'), TZ)).toBe('2025-01-15');
    expect(dayOf(at('2025-01-14T16:30:00Z'), 'UTC')).toBe('2025-01-14');
    expect(addDays('2024-12-30', 3)).toBe('2025-01-02');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-12-30', '2025-01-15')).toBe(16);
    expect(formatDay('2025-01-15')).toBe('1月15日 周三');
    expect(formatDue(at('2025-01-15T10:00:00Z'), TZ)).toBe('2025年1月15日（周三）18:00');
  });

  it('works in a zone with daylight saving time', () => {
    // 2025-03-09 02:30 does not exist in New York; 09:00 that day is EDT (UTC−4).
    expect(zonedMs('2025-03-09', 9, 0, 'America/New_York')).toBe(at('2025-03-09T13:00:00Z'));
    expect(zonedMs('2025-03-08', 9, 0, 'America/New_York')).toBe(at('2025-03-08T14:00:00Z'));
  });
});

describe('the workday calendar', () => {
  it('knows the official holidays and make-up workdays', () => {
    expect(chinaCalendar.isOfficial(2025)).toBe(true);
    expect(chinaCalendar.isWorkday('2025-01-01')).toBe(false); // 元旦
    expect(chinaCalendar.isWorkday('2025-01-26')).toBe(true); // Sunday, make-up workday for 春节
    expect(chinaCalendar.isWorkday('2025-01-29')).toBe(false); // 春节
    expect(chinaCalendar.isWorkday('2025-10-08')).toBe(false); // 国庆 + 中秋
    expect(chinaCalendar.isWorkday('2025-10-11')).toBe(true); // Saturday, make-up workday
    expect(chinaCalendar.isWorkday('2025-01-15')).toBe(true);
    expect(chinaCalendar.isWorkday('2025-01-18')).toBe(false); // Saturday
  });

  it('falls back to weekends and fixed-date holidays for a year the package does not cover', () => {
    // The package reports 2027-01-01 (a Friday) as a workday: it has no 2027 calendar.
    expect(chinaCalendar.isOfficial(2027)).toBe(false);
    expect(chinaCalendar.isWorkday('2027-01-01')).toBe(false);
    expect(chinaCalendar.isWorkday('2027-05-01')).toBe(false);
    expect(chinaCalendar.isWorkday('2027-10-01')).toBe(false);
    expect(chinaCalendar.isWorkday('2027-10-04')).toBe(true); // Monday, not a fixed-date holiday
    expect(chinaCalendar.isWorkday('2027-01-02')).toBe(false); // Saturday
    expect(chinaCalendar.isWorkday('2027-01-04')).toBe(true);
  });
});

describe('the nudge plan', () => {
  const due = zonedMs('2025-01-15', 18, 0, TZ); // Wednesday 18:00
  const base = { due, offsets: DEFAULT_OFFSETS, workdaysOnly: true, tz: TZ, calendar: chinaCalendar };

  it('nudges at 09:00 on 7, 3, 1 and 0 days before, shifting a weekend day to the previous workday', () => {
    const plan = planNudges(base);
    expect(plan.map((p) => [p.kind, p.day, p.offsets])).toEqual([
      ['nudge', '2025-01-08', [7]],
      ['nudge', '2025-01-10', [3]], // Sunday 12th → Friday 10th
      ['nudge', '2025-01-14', [1]],
      ['nudge', '2025-01-15', [0]],
      ['summary', '2025-01-16', []],
    ]);
    expect(plan.map((p) => p.at)).toEqual(['2025-01-08', '2025-01-10', '2025-01-14', '2025-01-15', '2025-01-16'].map(nine));
    expect(plan.map((p) => p.id)).toEqual(['n20250108', 'n20250110', 'n20250114', 'n20250115', 's20250116']);
  });

  it('keeps weekend days when "workdays only" is off', () => {
    const plan = planNudges({ ...base, workdaysOnly: false });
    expect(plan.map((p) => p.day)).toEqual(['2025-01-08', '2025-01-12', '2025-01-14', '2025-01-15', '2025-01-16']);
  });

  it('honours the official holidays: reminders in the National Day week move before it and merge', () => {
    const plan = planNudges({ ...base, due: zonedMs('2025-10-09', 18, 0, TZ) });
    expect(plan.map((p) => [p.kind, p.day, p.offsets])).toEqual([
      ['nudge', '2025-09-30', [7, 3, 1]],
      ['nudge', '2025-10-09', [0]],
      ['summary', '2025-10-10', []],
    ]);
  });

  it('uses make-up workdays and moves the summary past a weekend', () => {
    // Due Monday 2025-09-29: the day before is Sunday 28th, a make-up workday, so it stays.
    const plan = planNudges({ ...base, due: zonedMs('2025-09-29', 18, 0, TZ), offsets: [1] });
    expect(plan.map((p) => p.day)).toEqual(['2025-09-28', '2025-09-30']);
    // Due Friday: the summary goes out on Monday.
    const fri = planNudges({ ...base, due: zonedMs('2025-01-17', 18, 0, TZ), offsets: [0] });
    expect(fri.map((p) => [p.kind, p.day])).toEqual([
      ['nudge', '2025-01-17'],
      ['summary', '2025-01-20'],
    ]);
    // Due Saturday, workdays only: the day itself and the day before are both Friday → one nudge.
    const sat = planNudges({ ...base, due: zonedMs('2025-01-18', 12, 0, TZ), offsets: [1, 0] });
    expect(sat.map((p) => [p.kind, p.day, p.offsets])).toEqual([
      ['nudge', '2025-01-17', [1, 0]],
      ['summary', '2025-01-20', []],
    ]);
  });

  it('falls back to weekends + fixed holidays for an uncovered year', () => {
    // 2027-10-04 is a Monday: offset 1 → Sunday 3rd → fixed holidays 1–3 → Thursday 2027-09-30.
    const plan = planNudges({ ...base, due: zonedMs('2027-10-04', 18, 0, TZ), offsets: [1] });
    expect(plan[0]!.day).toBe('2027-09-30');
    const same = planNudges({ ...base, calendar: weekendsOnly, due: zonedMs('2027-10-04', 18, 0, TZ), offsets: [1] });
    expect(same[0]!.day).toBe('2027-09-30');
  });

  it('drops a nudge that would not come before the deadline', () => {
    const plan = planNudges({ ...base, due: zonedMs('2025-01-15', 8, 30, TZ) });
    expect(plan.filter((p) => p.kind === 'nudge').map((p) => p.day)).toEqual(['2025-01-08', '2025-01-10', '2025-01-14']);
  });

  it('gives the same ids for the same days, whatever the due time (a change reschedules exactly)', () => {
    const a = planNudges(base).map((p) => p.id);
    const b = planNudges({ ...base, due: zonedMs('2025-01-15', 17, 30, TZ) }).map((p) => p.id);
    expect(b).toEqual(a);
    const moved = planNudges({ ...base, due: zonedMs('2025-01-17', 18, 0, TZ) }).map((p) => p.id);
    expect(moved).toEqual(['n20250110', 'n20250114', 'n20250116', 'n20250117', 's20250120']);
    expect(planNudges({ ...base, offsets: [3, 3, -1, 99, 0] }).map((p) => p.id)).toEqual(['n20250110', 'n20250115', 's20250116']);
  });
});

describe('commands', () => {
  const now = at('2024-12-10T02:00:00Z'); // 2024-12-10 10:00 Beijing

  it('recognises the command words', () => {
    expect(parseCommand('设置截止', now, TZ)).toEqual({ kind: 'form' });
    expect(parseCommand(' 设置 截止时间 ', now, TZ)).toEqual({ kind: 'form' });
    expect(parseCommand('修改截止', now, TZ)).toEqual({ kind: 'modify' });
    expect(parseCommand('取消截止。', now, TZ)).toEqual({ kind: 'cancel' });
    expect(parseCommand('进度', now, TZ)).toEqual({ kind: 'progress' });
    expect(parseCommand('排除', now, TZ)).toEqual({ kind: 'exclude' });
    expect(parseCommand('恢复', now, TZ)).toEqual({ kind: 'include' });
    expect(parseCommand('写述职报告', now, TZ)).toBeNull();
    expect(parseCommand('截止是什么意思', now, TZ)).toEqual({ kind: 'badDate', reason: 'unreadable' });
    expect(parseCommand('截止帮助', now, TZ)).toEqual({ kind: 'help' });
    expect(parseCommand('截止时间怎么设置？', now, TZ)).toEqual({ kind: 'help' });
  });

  it('reads "截止 <date> [time] [title]"', () => {
    expect(parseCommand('截止 2025-01-15 述职报告', now, TZ)).toEqual({ kind: 'set', due: at('2025-01-15T10:00:00Z') });
    expect(parseCommand('截止 2025-01-15 2024年度述职报告', now, TZ)).toEqual({
      kind: 'set',
      due: at('2025-01-15T10:00:00Z'),
      title: '2024年度述职报告',
    });
    expect(parseCommand('截止 1月15日', now, TZ)).toEqual({ kind: 'set', due: at('2025-01-15T10:00:00Z') });
    expect(parseCommand('截止：2025年1月15日 17:30 《年度述职》', now, TZ)).toEqual({
      kind: 'set',
      due: at('2025-01-15T09:30:00Z'),
      title: '年度述职',
    });
    expect(parseCommand('截止 1/15 下午5点半', now, TZ)).toEqual({ kind: 'set', due: at('2025-01-15T09:30:00Z') });
    // This year's date when still ahead; next year's when that is near (within half a year); else it has passed.
    expect(parseDue('12月20日', now, TZ)?.due).toBe(at('2024-12-20T10:00:00Z'));
    expect(parseDue('6月1日', now, TZ)?.due).toBe(at('2025-06-01T10:00:00Z'));
    expect(readDue('12月1日', now, TZ)).toEqual({ error: 'past' });
    expect(readDue('7月1日', now, TZ)).toEqual({ error: 'past' });
    // 2月29日 without a year: next year's when this year has none.
    expect(readDue('2月29日', now, TZ)).toEqual({ error: 'past' }); // 2024 had one; 2025 has none
    expect(parseDue('2月29日', at('2027-03-10T02:00:00Z'), TZ)?.due).toBe(at('2028-02-29T10:00:00Z'));
  });

  it('takes the same day when its time is still ahead, and calls an earlier time of today past', () => {
    expect(parseCommand('截止 12月10日', now, TZ)).toEqual({ kind: 'set', due: at('2024-12-10T10:00:00Z') });
    expect(parseCommand('截止 12月10日 9:00', now, TZ)).toEqual({ kind: 'badDate', reason: 'past' });
    expect(parseCommand('截止 2024-12-10 上午9点', now, TZ)).toEqual({ kind: 'badDate', reason: 'past' });
  });

  it('refuses impossible, past and far dates, saying which', () => {
    expect(parseCommand('截止 2月30日', now, TZ)).toEqual({ kind: 'badDate', reason: 'unreadable' });
    expect(parseCommand('截止 2024-11-01', now, TZ)).toEqual({ kind: 'badDate', reason: 'past' });
    expect(parseCommand('截止 2026-06-01', now, TZ)).toEqual({ kind: 'badDate', reason: 'far' });
    expect(parseCommand('截止 1月15日 25:00', now, TZ)).toEqual({ kind: 'badDate', reason: 'unreadable' });
    expect(parseCommand('截止', now, TZ)).toEqual({ kind: 'badDate', reason: 'unreadable' });
    expect(dueError(now - 1, now)).toBe('past');
    expect(dueError(now + 367 * 86_400_000, now)).toBe('far');
    expect(dueError(now + 86_400_000, now)).toBeNull();
  });

  it('reads form values', () => {
    expect(pickerDay('2025-01-15 +0800')).toBe('2025-01-15');
    expect(pickerDay('2025-02-30')).toBeNull();
    expect(pickerDay(undefined)).toBeNull();
    expect(parseHhmm('18:00')).toEqual({ hour: 18, minute: 0 });
    expect(parseHhmm('24:00')).toBeNull();
  });
});
