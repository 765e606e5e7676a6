// Who is expected in a group chat and where each of them stands on the deadline's report:
// 已生成 (published, with the link) / 填写中 (step n of N of the walk-through) / 未开始.
import type { Redis } from 'ioredis';
import { getSubmission } from '../publish/submissions.ts';
import { steps } from '../report/walkthrough.ts';
import { SessionStore } from '../store/sessions.ts';

export type PersonStatus =
  | { state: 'done'; url: string; at: number }
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
  done: number;
  writing: number;
  notStarted: number;
}

/** Status from the published-report mark first, then the walk-through session of that year. */
export function reportStatusSource(redis: Redis): StatusSource {
  const sessions = new SessionStore(redis);
  return async (tenantKey, openId, year) => {
    const sub = await getSubmission(redis, tenantKey, openId, year);
    if (sub) return { state: 'done', url: sub.url, at: sub.at };
    const loaded = await sessions.forYear(tenantKey, openId, year);
    if (loaded && 'session' in loaded) {
      const all = steps(loaded.session);
      const i = all.indexOf(loaded.session.step);
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
  const count = (s: PersonStatus['state']) => people.filter((p) => p.status.state === s).length;
  return { people, total: people.length, done: count('done'), writing: count('writing'), notStarted: count('new') };
}

export function statusText(s: PersonStatus): string {
  switch (s.state) {
    case 'done':
      return '已生成';
    case 'writing':
      return `填写中（第 ${s.step}/${s.of} 步）`;
    case 'new':
      return '未开始';
  }
}
