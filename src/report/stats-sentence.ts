// The statistics sentence the bot offers at the top of an achievements sub-section, built from the
// yearly activity counts. Pure; the secretary accepts, edits or drops it in the walk-through.
import type { ActivityKind } from '../activity/kinds.ts';
import type { AchievementTemplate } from './template.ts';
import type { ReportStats } from './types.ts';

/** How each kind is stated: a verb and the object, counted in 次 unless said otherwise. */
const PHRASES: Record<ActivityKind, { verb: string; object: string; unit?: string }> = {
  集中学习: { verb: '组织', object: '集中学习' },
  党课: { verb: '讲授', object: '党课' },
  主题党日: { verb: '开展', object: '主题党日活动' },
  支委会: { verb: '召开', object: '支委会' },
  党员大会: { verb: '召开', object: '党员大会' },
  党小组会: { verb: '召开', object: '党小组会' },
  组织生活会: { verb: '召开', object: '组织生活会' },
  民主评议党员: { verb: '开展', object: '民主评议党员' },
  谈心谈话: { verb: '开展', object: '谈心谈话' },
  // The count is of logged activities (an application, a confirmation…), not of new members.
  发展党员: { verb: '开展', object: '发展党员工作' },
  廉政教育: { verb: '开展', object: '廉政教育' },
  志愿服务: { verb: '开展', object: '志愿服务' },
  调研: { verb: '开展', object: '调研' },
  实景教学: { verb: '开展', object: '实景教学' },
  其他: { verb: '开展', object: '其他活动' },
};

function formatHours(h: number): string {
  return Number.isInteger(h) ? String(h) : String(Math.round(h * 10) / 10);
}

/**
 * e.g. study → "全年共组织集中学习32次，讲授党课4次，开展主题党日活动12次。"; consecutive kinds that
 * share a verb are joined with 、 ("召开支委会12次、党员大会4次"). null when no count of the section's
 * kinds is above zero. For the study section, logged study hours are added when known.
 */
export function statSentence(section: AchievementTemplate, stats: ReportStats | undefined): string | null {
  if (!stats) return null;
  const clauses: Array<{ verb: string; items: string[] }> = [];
  for (const kind of section.statKinds) {
    const n = stats.counts[kind];
    if (n === undefined || n <= 0) continue;
    const p = PHRASES[kind];
    const item = `${p.object}${n}${p.unit ?? '次'}`;
    const last = clauses[clauses.length - 1];
    if (last && last.verb === p.verb) last.items.push(item);
    else clauses.push({ verb: p.verb, items: [item] });
  }
  if (clauses.length === 0) return null;
  const parts = clauses.map((c) => c.verb + c.items.join('、'));
  if (section.statKinds.includes('集中学习') && stats.studyHours !== undefined && stats.studyHours > 0) {
    parts.push(`累计学习${formatHours(stats.studyHours)}学时`);
  }
  return `全年共${parts.join('，')}。`;
}
