// Workdays and holidays of mainland China: the official calendar (statutory holidays and make-up workdays
// on weekends) from the maintained `chinese-days` package.
//
// The package carries the State Council's calendar only for the years it has been published for (up to
// 2026 in the installed version); for a later year it knows nothing but weekends, so it would report
// 2027-01-01 as a workday. Such a year is detected (New Year's Day not named as a holiday) and falls back to
// weekends plus the fixed-date holidays (元旦 Jan 1, 劳动节 May 1, 国庆 Oct 1–3). The lunar holidays
// (春节, 清明, 端午, 中秋) and make-up workdays of that year are then unknown: a reminder may land on one of
// them until the package is updated.
import chineseDays from 'chinese-days';
import { type Day, splitDay, weekdayOf } from '../time.ts';

export interface WorkCalendar {
  isWorkday(day: Day): boolean;
  /** True when the official calendar of `year` is known (false: weekends + fixed-date holidays only). */
  isOfficial(year: number): boolean;
}

const FIXED_HOLIDAYS = new Set(['01-01', '05-01', '10-01', '10-02', '10-03']);

export function fallbackIsWorkday(day: Day): boolean {
  const wd = weekdayOf(day);
  if (wd === 0 || wd === 6) return false;
  return !FIXED_HOLIDAYS.has(day.slice(5));
}

function createChineseCalendar(): WorkCalendar {
  const official = new Map<number, boolean>();
  const isOfficial = (year: number): boolean => {
    let known = official.get(year);
    if (known === undefined) {
      try {
        const detail = chineseDays.getDayDetail(`${year}-01-01`);
        known = detail.work === false && /元旦|New Year/.test(detail.name);
      } catch {
        known = false;
      }
      official.set(year, known);
    }
    return known;
  };
  return {
    isOfficial,
    isWorkday(day) {
      if (!isOfficial(splitDay(day).year)) return fallbackIsWorkday(day);
      return chineseDays.isWorkday(day);
    },
  };
}

export const chinaCalendar: WorkCalendar = createChineseCalendar();
