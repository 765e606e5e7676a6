// The ledger (台账): counts by kind, quarter and month against the required frequencies; what is missing this
// quarter; the gaps of a month for the monthly reminder; the statistics the report uses; the CSV export. Pure.
import type { ReportStats } from '../report/types.ts';
import { type IsoDate, parts, quarterOf } from './dates.ts';
import { ACTIVITY_KINDS, type ActivityKind, DEFAULT_FREQUENCIES, type Frequency, type KindCounts } from './kinds.ts';
import { type ActivityRecord, counts } from './record.ts';

export type Frequencies = Partial<Record<ActivityKind, Frequency>>;

/** Kinds whose logged hours count as study hours. */
export const STUDY_KINDS: readonly ActivityKind[] = ['集中学习', '党课', '实景教学', '廉政教育', '党小组会'];

export const QUARTER_NAMES = ['一季度', '二季度', '三季度', '四季度'] as const;
export const FREQUENCY_TEXT: Record<Frequency, string> = { monthly: '每月1次', quarterly: '每季度1次', yearly: '每年1次' };

export interface KindRow {
  kind: ActivityKind;
  freq?: Frequency;
  year: number;
  quarters: [number, number, number, number];
  months: number[];
  /** ok: every period due so far has one; behind: a due period has none; pending: nothing due yet. */
  status: 'ok' | 'behind' | 'pending' | 'free';
  /** The due periods without one, e.g. ['3月', '5月'] or ['一季度']. */
  missed: string[];
}

export interface Ledger {
  year: number;
  /** The day the ledger is evaluated on (periods after it are not due). */
  asOf: IsoDate;
  rows: KindRow[];
  total: number;
  /** Records whose kind is still to be chosen. */
  unclassified: number;
  studyHours: number;
  monthTotals: number[];
  /** Current quarter of the current year: what is still missing (empty for a past year). */
  missingThisQuarter: Array<{ kind: ActivityKind; what: string }>;
  /** The current quarter (1..4) when the ledger is of the current year. */
  currentQuarter?: number;
}

function emptyRow(kind: ActivityKind, freq: Frequency | undefined): KindRow {
  return { kind, ...(freq ? { freq } : {}), year: 0, quarters: [0, 0, 0, 0], months: new Array(12).fill(0), status: freq ? 'pending' : 'free', missed: [] };
}

export function buildLedger(records: ActivityRecord[], year: number, today: IsoDate, freqs: Frequencies = DEFAULT_FREQUENCIES): Ledger {
  const rows = new Map<ActivityKind, KindRow>();
  for (const kind of ACTIVITY_KINDS) rows.set(kind, emptyRow(kind, freqs[kind]));
  let total = 0;
  let unclassified = 0;
  let studyHours = 0;
  const monthTotals = new Array(12).fill(0) as number[];
  for (const r of records) {
    if (r.status === 'deleted') continue;
    const { y, m } = parts(r.date);
    if (y !== year) continue;
    if (!counts(r)) {
      if (r.kind === null) unclassified += 1;
      continue;
    }
    const row = rows.get(r.kind)!;
    row.year += 1;
    row.quarters[quarterOf(m) - 1]! += 1;
    row.months[m - 1]! += 1;
    monthTotals[m - 1]! += 1;
    total += 1;
    if (r.hours !== null && STUDY_KINDS.includes(r.kind)) studyHours += r.hours;
  }
  const t = parts(today);
  // Periods fully past are due; the current one is in progress.
  const doneMonths = t.y > year ? 12 : t.y < year ? 0 : t.m - 1;
  const doneQuarters = t.y > year ? 4 : t.y < year ? 0 : quarterOf(t.m) - 1;
  const yearDone = t.y > year;
  const missingThisQuarter: Ledger['missingThisQuarter'] = [];
  const currentQuarter = t.y === year ? quarterOf(t.m) : undefined;
  for (const row of rows.values()) {
    if (!row.freq) continue;
    if (row.freq === 'monthly') {
      for (let i = 0; i < doneMonths; i++) if (row.months[i] === 0) row.missed.push(`${i + 1}月`);
      row.status = row.missed.length > 0 ? 'behind' : doneMonths > 0 ? 'ok' : 'pending';
      if (currentQuarter) {
        const first = (currentQuarter - 1) * 3 + 1;
        const lacking: string[] = [];
        for (let mo = first; mo <= t.m; mo++) if (row.months[mo - 1] === 0) lacking.push(`${mo}月`);
        if (lacking.length > 0) missingThisQuarter.push({ kind: row.kind, what: lacking.join('、') });
      }
    } else if (row.freq === 'quarterly') {
      for (let q = 0; q < doneQuarters; q++) if (row.quarters[q] === 0) row.missed.push(QUARTER_NAMES[q]!);
      row.status = row.missed.length > 0 ? 'behind' : doneQuarters > 0 ? 'ok' : 'pending';
      if (currentQuarter && row.quarters[currentQuarter - 1] === 0) missingThisQuarter.push({ kind: row.kind, what: '本季度' });
    } else {
      if (yearDone && row.year === 0) row.missed.push(`${year}年`);
      row.status = row.year > 0 ? 'ok' : yearDone ? 'behind' : 'pending';
      // Held once a year, usually in the fourth quarter: named as missing from then on.
      if (currentQuarter === 4 && row.year === 0) missingThisQuarter.push({ kind: row.kind, what: '本年度' });
    }
  }
  // Kinds with a required frequency first (in table order), then the others that were logged.
  const ordered = [...rows.values()].filter((r) => r.freq || r.year > 0).sort((a, b) => Number(!a.freq) - Number(!b.freq));
  return {
    year,
    asOf: today,
    rows: ordered,
    total,
    unclassified,
    studyHours: Math.round(studyHours * 10) / 10,
    monthTotals,
    missingThisQuarter,
    ...(currentQuarter ? { currentQuarter } : {}),
  };
}

/** What the secretary did not hold in month `m` of `year` (for the reminder on the next month's first working day). */
export function monthGaps(records: ActivityRecord[], year: number, m: number, freqs: Frequencies = DEFAULT_FREQUENCIES): Array<{ kind: ActivityKind; freq: Frequency; what: string }> {
  const lastDay = `${year}-${String(m).padStart(2, '0')}-31`;
  const ledger = buildLedger(records, year, lastDay, freqs);
  const out: Array<{ kind: ActivityKind; freq: Frequency; what: string }> = [];
  const q = quarterOf(m);
  for (const row of ledger.rows) {
    if (row.freq === 'monthly' && row.months[m - 1] === 0) out.push({ kind: row.kind, freq: 'monthly', what: `${m}月` });
    if (row.freq === 'quarterly' && m % 3 === 0 && row.quarters[q - 1] === 0) out.push({ kind: row.kind, freq: 'quarterly', what: QUARTER_NAMES[q - 1]! });
    if (row.freq === 'yearly' && m >= 11 && row.year === 0) out.push({ kind: row.kind, freq: 'yearly', what: `${year}年` });
  }
  return out;
}

/** The statistics the report's walk-through reads; undefined when nothing was logged that year. */
export function toReportStats(records: ActivityRecord[], year: number): ReportStats | undefined {
  const c: KindCounts = {};
  let hours = 0;
  let any = false;
  for (const r of records) {
    if (!counts(r) || parts(r.date).y !== year) continue;
    c[r.kind] = (c[r.kind] ?? 0) + 1;
    if (r.hours !== null && STUDY_KINDS.includes(r.kind)) hours += r.hours;
    any = true;
  }
  if (!any) return undefined;
  return { year, counts: c, ...(hours > 0 ? { studyHours: Math.round(hours * 10) / 10 } : {}) };
}

// ---- CSV -------------------------------------------------------------------------------------------------

const STATUS_TEXT: Record<ActivityRecord['status'], string> = { logged: '已记录', confirmed: '已确认', deleted: '已删除' };

/** One CSV cell: quoted when needed; a leading = + - @ is neutralised so that Excel never runs it as a formula. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The year's ledger as CSV, UTF-8 with a BOM (so that Excel opens it as UTF-8), CRLF line ends. */
export function ledgerCsv(records: ActivityRecord[], year: number): Buffer {
  const header = ['序号', '日期', '类型', '参加人数', '主题', '学时', '状态', '原始记录'];
  const rows = records
    .filter((r) => r.status !== 'deleted' && parts(r.date).y === year)
    .sort((a, b) => (a.date === b.date ? a.createdAt - b.createdAt : a.date < b.date ? -1 : 1))
    .map((r, i) => [i + 1, r.date, r.kind ?? '待分类', r.attendees, r.topic, r.hours, STATUS_TEXT[r.status], r.source]);
  const text = [header, ...rows].map((row) => row.map((c) => csvCell(c ?? null)).join(',')).join('\r\n');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`, 'utf8')]);
}
