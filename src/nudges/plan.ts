// The nudge plan of a deadline, computed purely from the deadline, the time zone and the workday calendar:
// one group nudge at 09:00 on each reminder day (N days before the due day, 0 = the day itself), shifted to
// the previous workday when "workdays only" is on, merged when two land on the same day, dropped when not
// before the deadline; then one summary on the day after the due day (the next workday when "workdays only").
import type { WorkCalendar } from './calendar.ts';
import { addDays, type Day, dayOf, zonedMs } from '../time.ts';

export const NUDGE_HOUR = 9;
export const NUDGE_MINUTE = 0;
/** The default reminder days: a week before, three days before, the day before and the day itself. */
export const DEFAULT_OFFSETS: readonly number[] = [7, 3, 1, 0];
export const MAX_OFFSET = 60;

export interface PlannedNudge {
  /** Stable within the deadline: the same kind on the same day is the same nudge, whatever else changed. */
  id: string;
  kind: 'nudge' | 'summary';
  /** Local day of sending. */
  day: Day;
  /** Planned instant (epoch ms). */
  at: number;
  /** The reminder offsets that landed on this day (after shifting), largest first; empty for the summary. */
  offsets: number[];
}

export interface PlanInput {
  due: number;
  offsets: readonly number[];
  workdaysOnly: boolean;
  tz: string;
  calendar: WorkCalendar;
}

/** At most this many days are searched for a workday (the longest Chinese holiday run is 9 days). */
const MAX_SHIFT = 30;

function previousWorkday(day: Day, cal: WorkCalendar): Day {
  let d = day;
  for (let i = 0; i < MAX_SHIFT && !cal.isWorkday(d); i++) d = addDays(d, -1);
  return d;
}

function nextWorkday(day: Day, cal: WorkCalendar): Day {
  let d = day;
  for (let i = 0; i < MAX_SHIFT && !cal.isWorkday(d); i++) d = addDays(d, 1);
  return d;
}

export function nudgeId(kind: PlannedNudge['kind'], day: Day): string {
  return `${kind === 'nudge' ? 'n' : 's'}${day.replaceAll('-', '')}`;
}

export function planNudges(p: PlanInput): PlannedNudge[] {
  const dueDay = dayOf(p.due, p.tz);
  const byDay = new Map<Day, number[]>();
  const offsets = [...new Set(p.offsets)].filter((o) => Number.isInteger(o) && o >= 0 && o <= MAX_OFFSET).sort((a, b) => b - a);
  for (const o of offsets) {
    let day = addDays(dueDay, -o);
    if (p.workdaysOnly) day = previousWorkday(day, p.calendar);
    const list = byDay.get(day) ?? [];
    list.push(o);
    byDay.set(day, list);
  }
  const out: PlannedNudge[] = [];
  for (const [day, offs] of byDay) {
    const at = zonedMs(day, NUDGE_HOUR, NUDGE_MINUTE, p.tz);
    if (at >= p.due) continue;
    out.push({ id: nudgeId('nudge', day), kind: 'nudge', day, at, offsets: offs });
  }
  out.sort((a, b) => a.at - b.at);
  let sumDay = addDays(dueDay, 1);
  if (p.workdaysOnly) sumDay = nextWorkday(sumDay, p.calendar);
  out.push({ id: nudgeId('summary', sumDay), kind: 'summary', day: sumDay, at: zonedMs(sumDay, NUDGE_HOUR, NUDGE_MINUTE, p.tz), offsets: [] });
  return out;
}
