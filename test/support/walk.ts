// Answers a secretary types in a walk-through, section by section (shared by the crash and failover tests).
export const WALK_ANSWERS: ReadonlyArray<readonly [string, string]> = [
  ['opening', '2026年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，推动机关党建工作提质增效。现将有关情况报告如下'],
  ['duty', '我坚持把党建工作摆在突出位置，全年主持召开支委会12次、党员大会4次'],
  ['study', '坚持每月开展集中学习，组织党员赴红色教育基地开展实景教学'],
  ['organization', '严格执行民主集中制，按程序开展民主评议党员工作，全年发展党员2名'],
  ['conduct', '深入开展作风建设专项行动，建立整改清单，办事时限平均压缩三分之一'],
  ['integrity', '认真落实“一岗双责”，组织观看警示教育片，开展廉政谈话'],
  ['rules', '修订完善《党支部工作规则》等制度5项，坚持党务公开'],
  ['service', '一是深化“双报到”，组织党员到社区开展志愿服务；二是结对帮扶村集体经济发展'],
];
