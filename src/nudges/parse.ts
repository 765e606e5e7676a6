// The group commands of the deadline feature (after "@述职助手"), parsed purely.
//   设置截止 | 修改截止 | 取消截止 | 进度 | 截止帮助
//   截止 <日期> [时间] [标题], e.g. 截止 1月15日 18:00, 截止 2027-01-15 下午6点 2026年度述职报告
//   排除 @某某 …  (not counted, not reminded; kept for the group's later deadlines)      恢复 @某某 …
import { isRealDate, localParts, makeDay, zonedMs } from '../time.ts';

export const DEFAULT_DUE_HOUR = 18;
export const DEFAULT_DUE_MINUTE = 0;
export const TITLE_MAX = 40;
/** A deadline may be at most this far ahead. */
export const MAX_AHEAD_MS = 366 * 86_400_000;
/**
 * A date typed without a year that has passed this year means next year's only when that is at most this far
 * ahead ("1月15日" in December); otherwise it is taken as a date that has passed ("12月1日" on 2 December).
 */
export const ROLL_OVER_MS = 183 * 86_400_000;

/** Why a typed date cannot be a deadline. */
export type DueError = 'unreadable' | 'past' | 'far';

export type Command =
  | { kind: 'form' }
  | { kind: 'modify' }
  | { kind: 'cancel' }
  | { kind: 'progress' }
  | { kind: 'help' }
  | { kind: 'set'; due: number; title?: string }
  | { kind: 'badDate'; reason: DueError }
  | { kind: 'exclude' }
  | { kind: 'include' };

const GENERIC_TITLES = new Set(['述职报告', '述职', '报告']);

const norm = (t: string) => t.replace(/\s+/g, ' ').replace(/[。！!]+$/, '').trim();

export function parseCommand(text: string, now: number, tz: string): Command | null {
  const t = norm(text);
  const compact = t.replace(/\s/g, '');
  if (/^(设置|设定|新建)截止(时间|日期)?$/.test(compact)) return { kind: 'form' };
  if (/^(修改|更改|调整)截止(时间|日期)?$/.test(compact)) return { kind: 'modify' };
  if (/^(取消|删除)截止(时间|日期)?$/.test(compact)) return { kind: 'cancel' };
  if (/^(查看)?(进度|完成情况|提交情况)$/.test(compact)) return { kind: 'progress' };
  if (/^(截止|设置截止)(时间)?(帮助|说明|怎么设置|如何设置)[?？]?$/.test(compact)) return { kind: 'help' };
  if (/^(排除|不统计|不提醒)/.test(compact)) return { kind: 'exclude' };
  if (/^(恢复|纳入)(统计|提醒)?/.test(compact)) return { kind: 'include' };
  const m = /^截止(?:时间|日期)?\s*[:：]?\s*(.*)$/.exec(t);
  if (!m) return null;
  const rest = m[1] ?? '';
  const parsed = readDue(rest, now, tz);
  if ('error' in parsed) return { kind: 'badDate', reason: parsed.error };
  const title = cleanTitle(parsed.rest);
  // A bare "述职报告" names the kind, not a title: the default "{year}年度述职报告" says more.
  return title && !GENERIC_TITLES.has(title) ? { kind: 'set', due: parsed.due, title } : { kind: 'set', due: parsed.due };
}

export function cleanTitle(s: string): string | undefined {
  const t = s
    .replace(/^[\s,，、:：]+|[\s,，、。]+$/g, '')
    .replace(/^[「《“"']+|[」》”"']+$/g, '')
    .trim();
  if (!t) return undefined;
  return [...t].slice(0, TITLE_MAX).join('');
}

const DATE_FULL = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?/;
const DATE_SHORT = /^(\d{1,2})\s*(?:[-/]|月)\s*(\d{1,2})\s*[日号]?/;
const TIME = /^(上午|下午|晚上|中午)?\s*(\d{1,2})\s*(?:[:：]\s*(\d{2})|点\s*(?:(\d{1,2})\s*分?|(半))?)/;

/**
 * A due date and optional time at the start of `text`, in `tz`. Without a time: 18:00. Without a year: this
 * year's date when still ahead, else next year's when that is within ROLL_OVER_MS, else a date that has passed.
 * An error when there is no valid date, or the moment is past, or more than MAX_AHEAD_MS away.
 */
export function readDue(text: string, now: number, tz: string): { due: number; rest: string } | { error: DueError } {
  let s = text.trim();
  const today = localParts(now, tz);
  let year: number;
  let month: number;
  let day: number;
  let explicitYear = false;
  const full = DATE_FULL.exec(s);
  if (full) {
    year = Number(full[1]);
    month = Number(full[2]);
    day = Number(full[3]);
    explicitYear = true;
    s = s.slice(full[0].length);
  } else {
    const short = DATE_SHORT.exec(s);
    if (!short) return { error: 'unreadable' };
    month = Number(short[1]);
    day = Number(short[2]);
    year = today.year;
    s = s.slice(short[0].length);
  }
  s = s.trim();
  let hour = DEFAULT_DUE_HOUR;
  let minute = DEFAULT_DUE_MINUTE;
  const tm = TIME.exec(s);
  if (tm) {
    hour = Number(tm[2]);
    minute = tm[3] !== undefined ? Number(tm[3]) : tm[4] !== undefined ? Number(tm[4]) : tm[5] ? 30 : 0;
    const half = tm[1];
    if ((half === '下午' || half === '晚上') && hour < 12) hour += 12;
    if (half === '中午' && hour < 11) hour += 12;
    if (hour > 23 || minute > 59) return { error: 'unreadable' };
    s = s.slice(tm[0].length);
  }
  const at = (y: number) => (isRealDate(y, month, day) ? zonedMs(makeDay(y, month, day), hour, minute, tz) : null);
  let due = at(year);
  if (!explicitYear && (due === null || due <= now)) {
    // 2月29日 in a non-leap year, or a date that has passed this year: next year's, if it is near.
    const next = at(year + 1);
    if (next !== null && (due === null || next - now <= ROLL_OVER_MS)) due = next;
    else if (due !== null) return { error: 'past' };
  }
  if (due === null) return { error: 'unreadable' };
  if (due <= now) return { error: 'past' };
  if (due > now + MAX_AHEAD_MS) return { error: 'far' };
  return { due, rest: s.trim() };
}

/** readDue without the reason: null when the text is not a usable deadline. */
export function parseDue(text: string, now: number, tz: string): { due: number; rest: string } | null {
  const r = readDue(text, now, tz);
  return 'error' in r ? null : r;
}

/** Why a moment picked in the form cannot be a deadline, or null when it can. */
export function dueError(due: number, now: number): DueError | null {
  if (due <= now) return 'past';
  if (due > now + MAX_AHEAD_MS) return 'far';
  return null;
}

/** "2025-01-15 +0800", "2025-01-15" (a date picker's value) → the day, or null. */
export function pickerDay(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = /(\d{4})-(\d{1,2})-(\d{1,2})/.exec(v);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return isRealDate(y, mo, d) ? makeDay(y, mo, d) : null;
}

/** "18:00" → {hour, minute}, or null. */
export function parseHhmm(v: unknown): { hour: number; minute: number } | null {
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$/.exec(v);
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}
