// The activity kinds of ../shared/report-outline.md: canonical names (used in data, statistics and the
// parser's output), the words people use for them, and the default frequencies required by Party rules.

export const ACTIVITY_KINDS = [
  '集中学习',
  '党课',
  '主题党日',
  '支委会',
  '党员大会',
  '党小组会',
  '组织生活会',
  '民主评议党员',
  '谈心谈话',
  '发展党员',
  '廉政教育',
  '志愿服务',
  '调研',
  '实景教学',
  '其他',
] as const;

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Words (besides the canonical name) that name each kind. Longer words are matched first by the parser. */
export const KIND_WORDS: Record<ActivityKind, readonly string[]> = {
  集中学习: ['理论学习', '中心组学习', '集体学习', '学习'],
  党课: ['集中授课', '讲党课', '专题党课', '上党课'],
  主题党日: ['党日活动', '主题党日活动'],
  支委会: ['支部委员会', '支委会议'],
  党员大会: ['支部党员大会', '党员大会'],
  党小组会: ['党小组会议', '党小组学习'],
  组织生活会: ['专题组织生活会'],
  民主评议党员: ['民主评议'],
  谈心谈话: ['谈心', '谈话'],
  发展党员: ['入党', '转正', '入党积极分子', '发展对象', '预备党员'],
  廉政教育: ['警示教育', '廉政党课', '廉洁教育'],
  志愿服务: ['双报到', '双服务', '志愿活动', '志愿者'],
  调研: ['调查研究', '走访'],
  实景教学: ['参观', '红色教育基地', '现场教学'],
  其他: [],
};

export type Frequency = 'monthly' | 'quarterly' | 'yearly';

/** Default frequencies required by Party rules (a per-organization setting; local rules differ). */
export const DEFAULT_FREQUENCIES: Partial<Record<ActivityKind, Frequency>> = {
  支委会: 'monthly',
  党小组会: 'monthly',
  主题党日: 'monthly',
  党员大会: 'quarterly',
  党课: 'quarterly',
  组织生活会: 'yearly',
  民主评议党员: 'yearly',
  谈心谈话: 'yearly',
};

export function isActivityKind(s: string): s is ActivityKind {
  return (ACTIVITY_KINDS as readonly string[]).includes(s);
}

/** Yearly counts per kind, as the report and the walk-through consume them. */
export type KindCounts = Partial<Record<ActivityKind, number>>;
