// Who is expected in a group chat and where each of them stands on the deadline's report:
//   已提交（内容完整） — a published report that passed the completeness check (src/report/completeness.ts),
//   填写中            — a published report that did not (empty or incomplete), or a walk-through in progress,
//   未开始.
// Only the first counts as done. A publish mark written before the check existed carries no verdict: the check
// is then run on the walk-through session behind it, and without one the report is not counted.
import type { Redis } from 'ioredis';
import { getSubmission } from '../publish/submissions.ts';
import { composeReport } from '../report/compose.ts';
import { missingParts, PART_NAMES, type ReportPart } from '../report/completeness.ts';
import { DUTY_REPORT } from '../report/template.ts';
import { type Session, steps, toReportAnswers } from '../report/walkthrough.ts';
import { SessionStore } from '../store/sessions.ts';

export type PersonStatus =
  | { state: 'done'; url: string; at: number }
  | { state: 'incomplete'; url: string; at: number; missing: ReportPart[] }
  | { state: 'writing'; step: number; of: number }
  | { state: 'new' };

export type StatusSource = (tenantKey: string, openId: string, year: number) => Promise<PersonStatus>;

export interface Person {
  openId: string;
  name: string;
  status: PersonStatus;
}

export interface Progress {
  people: Person[];
  total: number;
  /** Complete reports only. */
  done: number;
  /** Incomplete published reports and walk-throughs in progress. */
  writing: number;
  notStarted: number;
}

function sessionMissing(s: Session): ReportPart[] {
  const answers = toReportAnswers(s);
  return answers ? missingParts(composeReport(DUTY_REPORT, answers, s.stats), DUTY_REPORT) : ['opening', 'achievements', 'problems', 'plan'];
}

/** Status from the published-report mark first, then the walk-through session of that year. */
export function reportStatusSource(redis: Redis): StatusSource {
  const sessions = new SessionStore(redis);
  return async (tenantKey, openId, year) => {
    const sub = await getSubmission(redis, tenantKey, openId, year);
    const loaded = await sessions.forYear(tenantKey, openId, year);
    const session = loaded && 'session' in loaded ? loaded.session : undefined;
    if (sub) {
      if (sub.complete === true) return { state: 'done', url: sub.url, at: sub.at };
      // What the draft still lacks (it may have been completed since, without publishing again).
      const missing = session ? sessionMissing(session) : [];
      if (sub.complete === undefined && session && missing.length === 0) return { state: 'done', url: sub.url, at: sub.at };
      return { state: 'incomplete', url: sub.url, at: sub.at, missing };
    }
    if (session) {
      const all = steps(session);
      const i = all.indexOf(session.step);
      return { state: 'writing', step: i < 0 ? 1 : i + 1, of: all.length };
    }
    return { state: 'new' };
  };
}

/** Expected = members (people only: Feishu never lists bots) minus the excluded; their statuses. */
export async function progressOf(a: {
  members: ReadonlyArray<{ openId: string; name: string }>;
  excluded: readonly string[];
  tenantKey: string;
  year: number;
  statusOf: StatusSource;
}): Promise<Progress> {
  const excluded = new Set(a.excluded);
  const seen = new Set<string>();
  const expected = a.members.filter((m) => {
    if (!m.openId || excluded.has(m.openId) || seen.has(m.openId)) return false;
    seen.add(m.openId);
    return true;
  });
  const people = await Promise.all(
    expected.map(async (m) => ({ openId: m.openId, name: m.name, status: await a.statusOf(a.tenantKey, m.openId, a.year) })),
  );
  const count = (...s: PersonStatus['state'][]) => people.filter((p) => s.includes(p.status.state)).length;
  return { people, total: people.length, done: count('done'), writing: count('writing', 'incomplete'), notStarted: count('new') };
}

export const STATUS_DONE = '已提交（内容完整）';

export function statusText(s: PersonStatus): string {
  switch (s.state) {
    case 'done':
      return STATUS_DONE;
    case 'incomplete':
      return s.missing.length > 0
        ? `填写中（已生成文档，尚缺${s.missing.map((p) => PART_NAMES[p]).join('、')}）`
        : '填写中（已生成的文档内容不完整，待重新生成）';
    case 'writing':
      return `填写中（第 ${s.step}/${s.of} 步）`;
    case 'new':
      return '未开始';
  }
}
