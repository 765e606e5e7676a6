// The report template: the structure of 书记抓基层党建工作述职报告 as data (../shared/report-outline.md),
// so that other report kinds can be added without code. Prompts are written for the secretary.
import type { ActivityKind } from '../activity/kinds.ts';

export interface AchievementTemplate {
  id: string;
  /** The heading phrase of the reference report, without its number. */
  heading: string;
  /** What to write, in plain words. */
  prompt: string;
  /** A short example paragraph. */
  example: string;
  /** Kinds whose yearly counts feed this section's statistics sentence, in the order they are stated. */
  statKinds: readonly ActivityKind[];
}

export interface ReportTemplate {
  id: string;
  name: string;
  /** `{year}`, `{unit}`, `{orgType}` are replaced. */
  title: string;
  opening: { prompt: string; example: string; minChars: number; maxChars: number };
  /** Heading of part 一; `{year}` is the report year. */
  achievementsHeading: string;
  achievements: readonly AchievementTemplate[];
  rectification: { prompt: string; example: string; intro: string };
  problemsHeading: string;
  problems: { prompt: string; example: string; analysisPrompt: string };
  /** Heading of part 三; `{nextYear}` is the report year + 1. */
  planHeading: string;
  plan: { prompt: string; example: string; introPrompt: string; defaultIntro: string };
  /** Length cap used by the checker (characters of report text). */
  maxChars: number;
}

export const DUTY_REPORT: ReportTemplate = {
  id: 'duty-report',
  name: '书记抓基层党建工作述职报告',
  title: '{year}年度{unit}{orgType}书记抓基层党建工作述职报告',
  opening: {
    prompt:
      '用一段话概括全年工作：在哪个上级党委的领导下，如何履行党建工作“第一责任人”职责，学习贯彻了什么理论，围绕什么目标开展工作。150至300字为宜。',
    example:
      '2024年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神，紧紧围绕全局中心工作，以提升组织力为重点，推动机关党建工作提质增效。现将有关情况报告如下。',
    minChars: 150,
    maxChars: 300,
  },
  achievementsHeading: '{year}年基层党建主要成绩及经验',
  achievements: [
    {
      id: 'duty',
      heading: '认真履行职责，带头落实党建工作责任制',
      prompt: '写您本人如何履行第一责任人职责：主题教育怎样开展，坚持了哪些制度（如“三会一课”、组织生活会、“三重一大”决策制度），有哪些具体事例和数字。',
      example: '我坚持把党建工作摆在突出位置，全年主持召开支委会12次、党员大会4次，带头讲党课2次，严格落实“三会一课”制度。',
      statKinds: ['支委会', '党员大会', '党小组会', '党课'],
    },
    {
      id: 'study',
      heading: '注重加强思想政治教育，提高党员综合素质',
      prompt: '写全年学习教育的形式和内容：集中学习、专题党课、主题党日、实景教学等，学了什么，效果如何。',
      example: '坚持每月开展集中学习，组织党员赴红色教育基地开展实景教学，引导党员干部学深悟透党的创新理论。',
      statKinds: ['集中学习', '党课', '主题党日', '实景教学'],
    },
    {
      id: 'organization',
      heading: '加强组织建设，提高党组织战斗力',
      prompt: '写民主集中制的落实、党员民主评议、考核办法、发展党员等情况。',
      example: '严格执行民主集中制，按程序开展民主评议党员工作，全年发展党员2名，按期转正预备党员1名。',
      statKinds: ['发展党员', '民主评议党员', '组织生活会'],
    },
    {
      id: 'conduct',
      heading: '加强作风建设，提高机关工作效能',
      prompt: '写作风建设的专项行动及成效，如整治形式主义、官僚主义，改进服务方式等。',
      example: '深入开展作风建设专项行动，围绕群众反映集中的问题建立整改清单，办事时限平均压缩三分之一。',
      statKinds: ['调研'],
    },
    {
      id: 'integrity',
      heading: '加强党风廉政建设，打造务实清廉机关',
      prompt: '写落实“一岗双责”和廉政教育的情况，如廉政党课、警示教育片、参观廉政教育基地。',
      example: '认真落实“一岗双责”，组织观看警示教育片，开展廉政谈话，筑牢拒腐防变思想防线。',
      statKinds: ['廉政教育', '谈心谈话'],
    },
    {
      id: 'rules',
      heading: '加强制度建设，力促职务责任到位',
      prompt: '写新建或完善的制度（文件名称可用书名号），党务公开和责任追究的情况。',
      example: '修订完善《党支部工作规则》《党员积分管理办法》等制度5项，坚持党务公开，做到责任到岗、任务到人。',
      statKinds: [],
    },
    {
      id: 'service',
      heading: '坚持多措并举，创建服务型基层党组织',
      prompt: '用“一是、二是、三是”写服务群众的举措，如社区“双报到”、志愿服务、乡村振兴、服务企业，可写投入金额等数字。',
      example: '一是深化“双报到”，组织党员到社区开展志愿服务；二是结对帮扶村集体经济发展；三是走访服务辖区企业，协调解决实际困难。',
      statKinds: ['志愿服务'],
    },
  ],
  rectification: {
    prompt: '去年述职报告中提出的问题，今年分别采取了哪些整改措施，取得了什么效果？',
    example: '针对去年指出的理论学习不够深入的问题，建立了每月集中学习制度，全年开展集中学习12次。',
    intro: '对照上年度述职中查摆的问题，逐项抓好整改落实。',
  },
  problemsHeading: '基层党建方面存在的突出问题',
  problems: {
    prompt: '写存在的突出问题，通常三条左右。每条先用一句话概括问题，再写具体表现和原因分析。',
    example: '党建工作创新不够。一是工作方法较为传统；二是与业务工作融合不够紧密；三是信息化手段运用不足。',
    analysisPrompt: '写这个问题的具体表现和原因，原因较多时可用“一是、二是、三是”。',
  },
  planHeading: '{nextYear}年书记抓基层党建工作思路',
  plan: {
    prompt: '写明年的工作措施，每条一项，写目标和具体做法，要可操作、能落实。',
    example: '持续加强理论武装，每月组织一次集中学习，每季度讲一次党课。',
    introPrompt: '可写一句引言，概括明年的工作总体思路（可跳过，使用默认引言）。',
    defaultIntro: '{nextYear}年，我将继续认真履行党建工作第一责任人职责，重点抓好以下几方面工作。',
  },
  maxChars: 5000,
};
