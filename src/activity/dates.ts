// Calendar arithmetic on plain dates ('YYYY-MM-DD', no time, no zone) and the two points where a zone
// matters: "today" in BOT_TZ, and a local wall-clock time in BOT_TZ as an instant. Pure.
import chineseDays from 'chinese-days';
import { dayOf, zonedMs } from '../time.ts';

export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The date, or null when y/m/d is not a real calendar day. */
export function makeDate(y: number, m: number, d: number): IsoDate | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isIsoDate(s) ? s : null;
}

export function parts(date: IsoDate): { y: number; m: number; d: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { y: y!, m: m!, d: d! };
}

function toUtc(date: IsoDate): Date {
  const { y, m, d } = parts(date);
  return new Date(Date.UTC(y, m - 1, d));
}

function fromUtc(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, n: number): IsoDate {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + n);
  return fromUtc(d);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const w = toUtc(date).getUTCDay();
  return w === 0 ? 7 : w;
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The quarter (1..4) of a month (1..12). */
export function quarterOf(month: number): number {
  return Math.floor((month - 1) / 3) + 1;
}

/** YYYYMMDD as a number, a sortable score. */
export function dateScore(date: IsoDate): number {
  const { y, m, d } = parts(date);
  return y * 10000 + m * 100 + d;
}

/** The calendar date at instant `now` in the IANA zone `tz`. */
export function todayIn(now: number, tz: string): IsoDate {
  return dayOf(now, tz);
}

/** The instant of wall-clock `hour`:00 on `date` in `tz`. */
export function localTime(date: IsoDate, hour: number, tz: string): number {
  return zonedMs(date, hour, 0, tz);
}

/** Whether `date` is a working day in mainland China (official holidays and make-up workdays included). */
export function isWorkingDay(date: IsoDate): boolean {
  return chineseDays.isWorkday(date);
}

/** The first working day of month m of year y. */
export function firstWorkingDay(y: number, m: number): IsoDate {
  let d = makeDate(y, m, 1)!;
  for (let i = 0; i < 31 && !isWorkingDay(d); i++) d = addDays(d, 1);
  return d;
}

/** 'YYYY-MM' of the month before/after. */
export function shiftMonth(y: number, m: number, delta: number): { y: number; m: number } {
  const idx = y * 12 + (m - 1) + delta;
  return { y: Math.floor(idx / 12), m: (idx % 12) + 1 };
}

export function monthKey(y: number, m: number): string {
  return `${y}-${String(m).padStart(2, '0')}`;
}
