// Calendar-day arithmetic in the bot's time zone (BOT_TZ), shared by every feature, without a time-zone library: a local day is a
// 'YYYY-MM-DD' string, and instants are epoch milliseconds converted through Intl.
export type Day = string; // 'YYYY-MM-DD'

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function localParts(ms: number, tz: string): LocalParts {
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const year = get('year');
  const month = get('month');
  const day = get('day');
  return { year, month, day, hour: get('hour'), minute: get('minute'), weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (ms - (ms % 1000));
}

export function dayOf(ms: number, tz: string): Day {
  const p = localParts(ms, tz);
  return makeDay(p.year, p.month, p.day);
}

export function makeDay(year: number, month: number, day: number): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function splitDay(d: Day): { year: number; month: number; day: number } {
  const [y, m, dd] = d.split('-').map(Number);
  return { year: y ?? 0, month: m ?? 0, day: dd ?? 0 };
}

/** True when the y/m/d triple is a real calendar date. */
export function isRealDate(year: number, month: number, day: number): boolean {
  const t = new Date(Date.UTC(year, month - 1, day));
  return t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day;
}

export function addDays(d: Day, n: number): Day {
  const { year, month, day } = splitDay(d);
  const t = new Date(Date.UTC(year, month - 1, day + n));
  return makeDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Whole calendar days from `a` to `b` (b − a). */
export function daysBetween(a: Day, b: Day): number {
  const x = splitDay(a);
  const y = splitDay(b);
  return Math.round((Date.UTC(y.year, y.month - 1, y.day) - Date.UTC(x.year, x.month - 1, x.day)) / 86_400_000);
}

export function weekdayOf(d: Day): number {
  const { year, month, day } = splitDay(d);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The instant of local wall time `d hh:mm` in `tz`. */
export function zonedMs(d: Day, hour: number, minute: number, tz: string): number {
  const { year, month, day } = splitDay(d);
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  let ms = guess - zoneOffsetMs(guess, tz);
  // Second pass for instants near a DST change (no-op in China).
  ms = guess - zoneOffsetMs(ms, tz);
  return ms;
}

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** "1月15日 周三" */
export function formatDay(d: Day): string {
  const { month, day } = splitDay(d);
  return `${month}月${day}日 ${WEEKDAYS[weekdayOf(d)]}`;
}

/** "2025年1月15日（周三）18:00" */
export function formatDue(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}年${p.month}月${p.day}日（${WEEKDAYS[p.weekday]}）${hhmm(p.hour, p.minute)}`;
}

export function hhmm(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
