import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINT_RULES, type LintOptions, lintReport } from '../../src/report/lint/index.ts';

const FIXTURES = new URL('../fixtures/reports/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const T = '2023年度区财政局党委书记抓基层党建工作述职报告';
const lines = (...ls: string[]) => ls.join('\n');

/** Positions [line, column] of one rule's findings. */
function positions(rule: string, text: string, opts?: LintOptions): Array<[number, number]> {
  return lintReport(text, opts)
    .filter((f) => f.rule === rule)
    .map((f) => [f.line, f.column]);
}

interface Case {
  rule: string;
  name: string;
  text: string;
  opts?: LintOptions;
}

// One or more failing texts per rule, with the exact positions expected.
const POSITIVE: Array<Case & { at: Array<[number, number]> }> = [
  { rule: 'numbering-skip', name: '（一） then （三）', text: lines('一、甲', '（一）乙', '正文。', '（三）丙'), at: [[4, 1]] },
  { rule: 'numbering-skip', name: 'part starts at 二、', text: lines(T, '二、甲', '正文。'), at: [[2, 1]] },
  { rule: 'numbering-skip', name: 'level 3 and 4', text: lines('1.甲', '（1）乙', '（3）丙', '3.丁'), at: [[3, 1], [4, 1]] },
  { rule: 'numbering-repeat', name: '（一） twice', text: lines('一、甲', '（一）乙', '（一）丙'), at: [[3, 1]] },
  { rule: 'numbering-order', name: '一、 after 二、', text: lines('一、甲', '二、乙', '一、丙'), at: [[3, 1]] },
  {
    rule: 'heading-missing-number',
    name: 'unnumbered sub-heading between （一） and （三）',
    text: lines('一、甲', '（一）加强学习', '正文。', '加强组织建设，提高战斗力', '正文。', '（三）加强作风建设'),
    at: [[4, 1]],
  },
  {
    rule: 'heading-missing-number',
    name: 'unnumbered part heading before its （一）',
    text: lines('一、甲', '（一）乙', '（二）丙', '存在的问题', '（一）丁', '三、戊'),
    at: [[4, 1]],
  },
  { rule: 'bracket-width', name: 'mixed pair (五）', text: '(五）加强组织建设', at: [[1, 1]] },
  { rule: 'bracket-width', name: 'half-width pair in Chinese', text: '开展专项行动(共3次)。', at: [[1, 7]] },
  { rule: 'punctuation-width', name: 'half-width comma and period', text: '全年学习30次,效果良好.', at: [[1, 8], [1, 13]] },
  { rule: 'number-punctuation', name: '（一）、 and 1、，', text: lines('（一）、加强学习', '1、，加强组织'), at: [[1, 4], [2, 3]] },
  {
    rule: 'heading-period',
    name: 'a heading phrase with a period over its body',
    text: lines('一、问题', '（一）理论学习不够深入。', '个别党员学习满足于读原文。'),
    at: [[2, 12]],
  },
  {
    rule: 'heading-period',
    name: 'a pair of heading phrases with a period, and a part heading over its sub-headings',
    text: lines('一、2023年主要成绩及经验。', '（一）认真履行职责，带头落实党建工作责任制。', '我坚持把党建工作摆在突出位置。'),
    at: [[1, 15], [2, 22]],
  },
  { rule: 'title-year', name: 'title without a year', text: lines('区财政局党委书记抓基层党建工作述职报告', '正文。'), at: [[1, 1]] },
  { rule: 'title-year', name: 'title year differs from --year', text: lines(T, '正文。'), opts: { year: 2024 }, at: [[1, 1]] },
  { rule: 'year-future', name: 'next year in part 一', text: lines(T, '一、成绩', '计划于2024年完成整改。'), at: [[3, 4]] },
  {
    rule: 'plan-year',
    name: 'report year inside the plan part',
    text: lines(T, '一、成绩', '正文。', '二、2024年工作思路', '2023年，我将继续抓好党建工作。'),
    at: [[5, 1]],
  },
  { rule: 'plan-year', name: 'plan heading naming the report year', text: lines(T, '一、2023年工作思路', '正文。'), at: [[2, 3]] },
  { rule: 'date-format', name: 'dotted and dashed dates', text: '于2023.03.05和2023-3-6召开会议。', at: [[1, 2], [1, 13]] },
  { rule: 'date-format', name: 'leading zero', text: '于3月05日召开会议。', at: [[1, 4]] },
  {
    rule: 'paragraph-broken',
    name: 'long line without end mark, next line continues',
    text: lines('一、甲', '全年主持召开支委会12次、党员大会4次，于3月完成预备党员转正', '手续，党员队伍结构进一步优化。'),
    at: [[2, 31]],
  },
  { rule: 'paragraph-broken', name: 'break before a count', text: lines('一、甲', '全年召开支委会', '12次。'), at: [[2, 7]] },
  {
    rule: 'markup',
    name: 'Markdown, mention, placeholders, hints, to-do',
    text: lines('# 标题', '**重点**', '<at user_id="ou_1">张三</at>', '{unit}书记', 'XXX局', '××同志', '【请填写】', 'TODO 补充'),
    at: [[1, 1], [2, 1], [2, 5], [3, 1], [3, 22], [4, 1], [5, 1], [6, 1], [7, 1], [8, 1]],
  },
  { rule: 'enumeration-order', name: '一是 二是 四是', text: '一是学习；二是组织；四是服务。', at: [[1, 11]] },
  { rule: 'enumeration-order', name: 'starts at 二是', text: '正文，二是学习。', at: [[1, 4]] },
  { rule: 'length', name: 'over the cap', text: lines('一二三四五', '六七 八九十', '十一'), opts: { maxChars: 10 }, at: [[3, 1]] },
  // Issue 13: defects of reports as published and pasted.
  { rule: 'quotes', name: '〞 as closing quote', text: lines(T, '落实“一岗双责〞要求。'), at: [[2, 8]] },
  { rule: 'quotes', name: 'emptied quotes', text: lines(T, '以党的“”精神为引领。'), at: [[2, 4]] },
  { rule: 'quotes', name: 'a “ never closed', text: lines(T, '“后继乏人问题仍然存在。'), at: [[2, 1]] },
  { rule: 'page-debris', name: 'page numbers between pages', text: lines(T, '正文。', '— 3 —', '正文。', '第4页', '- 5 -'), at: [[3, 1], [5, 1], [6, 1]] },
  { rule: 'page-debris', name: '文库 debris', text: lines(T, '正文。', '本文档由用户上传，如有侵权请联系删除'), at: [[3, 1]] },
  { rule: 'heading-run-in', name: 'heading and body on one line', text: lines(T, '一、甲', '（一）压实主体责任。全年召开党委会10次，研究党建议题15个。'), at: [[3, 11]] },
  { rule: 'heading-year', name: 'achievements heading of another year', text: lines(T, '一、2022年度抓基层党建工作情况', '正文。'), opts: { year: 2023 }, at: [[2, 3]] },
];

// Texts that must not trigger the rule (each the near miss of a positive case).
const NEGATIVE: Case[] = [
  { rule: 'numbering-skip', name: 'lower levels restart under each parent', text: lines('一、甲', '（一）乙', '1.丙', '2.丁', '（二）戊', '1.己', '二、庚', '（一）辛') },
  { rule: 'numbering-skip', name: '1.2万 is not numbering', text: lines('1.2万元用于帮扶。', '3.5万元用于培训。') },
  { rule: 'numbering-repeat', name: 'same number under different parents', text: lines('一、甲', '（一）乙', '二、丙', '（一）丁') },
  { rule: 'numbering-order', name: 'consecutive numbers', text: lines('一、甲', '二、乙', '三、丙') },
  {
    rule: 'heading-missing-number',
    name: 'short unnumbered line with consecutive siblings',
    text: lines(T, '区财政局党委书记　李明', '2023年，在工委领导下开展工作。', '一、甲', '（一）乙', '（二）丙'),
  },
  { rule: 'bracket-width', name: 'full-width brackets; ASCII-only line', text: lines('（五）加强组织建设（共3次）', 'see (RFC 9110)') },
  { rule: 'punctuation-width', name: 'decimals, URLs and ASCII runs in Chinese text', text: '投入3.5万元，使用Node.js, Redis等工具，详见https://a.cn/x?y=1。' },
  { rule: 'number-punctuation', name: 'proper markers', text: lines('一、甲', '（一）乙', '1.丙', '（1）丁', '1.2万元投入。') },
  { rule: 'heading-period', name: 'run-in headings and level-3 sentences', text: lines('（一）加强学习。全年共组织集中学习30次。', '1.全年共组织集中学习30次。', '（二）理论学习不够深入') },
  {
    rule: 'heading-period',
    name: 'numbered measures, each a whole sentence (the plan part of last year’s report)',
    text: lines(
      '三、2024年书记抓基层党建工作思路',
      '（一）加强理论武装，建立每月集中学习制度，每季度开展一次专题研讨。',
      '（二）严格组织生活，落实“三会一课”制度。',
      '（三）强化作风建设。',
      '区财政局党委书记　李明',
      '2024年1月8日',
    ),
  },
  {
    rule: 'heading-period',
    name: 'a numbered problem of three clauses over its analysis',
    text: lines('二、存在的问题', '（一）理论学习的系统性不够强，学用结合不够紧密，以学促干的成效还不明显。', '个别党员学习满足于读原文。'),
  },
  {
    rule: 'heading-period',
    name: 'run-in heading sentences followed by their body on the same line',
    text: lines(
      '二、存在的问题',
      '（一）理论学习不够深入。个别党员干部学习满足于读原文、记笔记，结合财政工作思考不够。',
      '（二）党建工作创新不够！工作方法较为传统。',
      '（三）监督考核作用发挥不够，主要表现在：考核偏重台账资料。',
      '对党支部的考核结果运用不够充分。',
    ),
  },
  { rule: 'title-year', name: 'title carries the report year', text: lines(T, '正文。'), opts: { year: 2023 } },
  {
    rule: 'year-future',
    name: 'next year inside the plan part and in the closing date',
    text: lines(T, '一、成绩', '2022年以来持续推进。', '二、2024年工作思路', '2024年，我将继续抓好党建工作。', '李明', '2024年1月8日'),
  },
  { rule: 'plan-year', name: 'plan part naming next year', text: lines(T, '一、2024年工作思路', '2024年，我将继续抓好党建工作。') },
  { rule: 'date-format', name: 'proper dates and decimals', text: '于2023年3月5日召开会议，增长2023.5万元，10月10日完成。' },
  {
    rule: 'paragraph-broken',
    name: 'unnumbered heading, colon, signature and date',
    text: lines('加强组织建设', '严格执行民主集中制。', '现将有关情况报告如下：', '一、甲', '区财政局党委书记　李明', '2024年1月8日'),
  },
  { rule: 'markup', name: 'ordinary report text', text: '严格落实“三会一课”制度，开展XL号专项行动，编号#不在行首。' },
  {
    rule: 'enumeration-order',
    name: 'list continued in the next paragraph; 是否 is not 二是',
    text: lines('一是学习；二是组织。', '三是服务。', '看三是否落实。'),
  },
  { rule: 'length', name: 'at the cap', text: lines('一二三四五', '六七 八九十'), opts: { maxChars: 10 } },
  { rule: 'quotes', name: 'closed, nested and multi-quote paragraphs', text: lines(T, '落实“三会一课”制度，开展“学‘党章’、守规矩”活动。') },
  { rule: 'page-debris', name: 'numbers inside text and a year line', text: lines(T, '全年开展活动12次。', '2023年12月', '3月5日') },
  {
    rule: 'heading-run-in',
    name: 'a complete numbered sentence, a problem with its explanation, a heading alone',
    text: lines(T, '一、甲', '（一）加强理论武装，建立每月集中学习制度，每季度开展一次专题研讨。', '二、存在的问题', '（一）理论学习不够深入。具体表现在学用结合不紧。', '三、思路', '（一）强化理论武装'),
  },
  { rule: 'heading-year', name: 'the report year, and the plan part', text: lines(T, '一、2023年度抓基层党建工作情况', '正文。', '二、存在问题', '正文。', '三、2024年工作思路', '正文。'), opts: { year: 2023 } },
];

describe('lintReport rules', () => {
  it.each(POSITIVE.map((c) => [c.rule, c.name, c] as const))('%s finds: %s', (rule, _name, c) => {
    expect(positions(rule, c.text, c.opts)).toEqual(c.at);
  });

  it.each(NEGATIVE.map((c) => [c.rule, c.name, c] as const))('%s stays quiet: %s', (rule, _name, c) => {
    expect(positions(rule, c.text, c.opts)).toEqual([]);
  });

  it('documents every rule and tests each one both ways', () => {
    const ids = LINT_RULES.map((r) => r.id).sort();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...new Set(POSITIVE.map((c) => c.rule))].sort()).toEqual(ids);
    expect([...new Set(NEGATIVE.map((c) => c.rule))].sort()).toEqual(ids);
    for (const r of LINT_RULES) expect(r.description.length).toBeGreaterThan(5);
  });

  it('a missing number is reported once, not also as a skip of the next sibling', () => {
    const text = lines('一、甲', '（一）加强学习', '正文。', '加强组织建设', '正文。', '（三）加强作风建设');
    expect(lintReport(text).map((f) => f.rule)).toEqual(['heading-missing-number']);
    expect(lintReport(text)[0]!.suggestion).toBe('在行首加上“（二）”');
  });

  it('gives a Chinese message and a suggestion', () => {
    const [f] = lintReport('(五）加强组织建设');
    expect(f).toEqual({ rule: 'bracket-width', line: 1, column: 1, message: '括号全角半角混用，“(”是半角括号。', suggestion: '改为“（”' });
  });

  it('counts columns in characters, after leading full-width spaces', () => {
    expect(positions('punctuation-width', '　　学习,效果')).toEqual([[1, 5]]);
    expect(positions('punctuation-width', '😀学习,效果')).toEqual([[1, 4]]);
  });

  it('takes the year from the title when none is given', () => {
    const text = lines('2022年度区财政局党委书记抓基层党建工作述职报告', '一、成绩', '2023年完成。');
    expect(positions('year-future', text)).toEqual([[3, 1]]);
    expect(positions('year-future', text, { year: 2023 })).toEqual([]);
  });
});

describe('lintReport on full reports', () => {
  it('finds nothing in a clean report', () => {
    expect(lintReport(fixture('clean-2023.txt'))).toEqual([]);
    expect(lintReport(fixture('clean-2023.txt'), { year: 2023 })).toEqual([]);
  });

  it('finds exactly the known errors of a faulty report', () => {
    const found = lintReport(fixture('errors-2023.txt')).map((f) => `${f.line}:${f.column} ${f.rule}`);
    expect(found).toEqual([
      '3:39 punctuation-width', // 职责,坚持
      '9:24 date-format', // 2023.03.05
      '11:1 bracket-width', // (二）
      '13:23 markup', // XXX
      '13:39 markup', // ** opening
      '13:47 markup', // ** closing
      '15:1 heading-missing-number', // 加强组织建设… should be （三）
      '17:39 date-format', // 3月05日
      '17:49 paragraph-broken', // …转正 / 手续
      '20:4 number-punctuation', // （四）、
      '22:19 year-future', // 2024年 in part 一
      '24:1 numbering-skip', // （六） after （四）
      '26:41 enumeration-order', // 二是 … 四是
      '30:12 heading-period', // （一）理论学习不够深入。
      '34:1 numbering-repeat', // （一） twice
      '40:3 plan-year', // 2023年 in part 三
    ]);
  });

  it('finds nothing in last year’s report whose problems run into their analysis and whose measures are numbered sentences', () => {
    expect(lintReport(fixture('last-year-2023-measures.txt'))).toEqual([]);
  });

  it('checks last year’s report against its own year, and flags it as the wrong year for 2023', () => {
    const text = fixture('last-year-2022.txt');
    expect(lintReport(text).map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual(['3:78 paragraph-broken']);
    expect(lintReport(text, { year: 2023 }).map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      '1:1 title-year',
      '3:78 paragraph-broken',
      '36:3 plan-year', // 三、2023年书记抓基层党建工作思路
      '38:3 plan-year', // 2023年，我将继续……
    ]);
  });
});

describe('reports as published and pasted (issue 13)', () => {
  const rules = (text: string, opts?: LintOptions) => lintReport(text, opts).map((f) => `${f.line} ${f.rule}`);

  it('finds single-letter placeholders, never 1+X证书', () => {
    expect(rules(lines(T, '全年召开支委会X次，发展党员X人，其中×党委推荐2名。'))).toEqual(['2 markup', '2 markup', '2 markup']);
    expect(rules(lines(T, '与XX党工委开展共建。'))).toEqual(['2 markup']);
    expect(rules(lines(T, '组织青年党员参加“1+X证书”培训，开展X光机操作培训，学习Excel。'))).toEqual([]);
  });

  it('reads 〔一〕 as a level-2 number and asks for （一）', () => {
    const f = lintReport(lines(T, '一、甲', '〔一〕加强学习', '正文。', '〔二〕加强组织', '正文。'));
    expect(f.map((x) => `${x.line} ${x.rule}`)).toEqual(['3 bracket-width', '5 bracket-width']);
    expect(f[0]!.suggestion).toBe('改为“（一）”');
  });

  it('finds a sentence broken across a blank line or a page number, not paragraphs with blank lines between', () => {
    const broken = lines(T, '一、甲', '全年主持召开支委会12次，严格落实“三会一课”制度，全年开展主题党日', '', '— 2 —', '活动12次。');
    expect(rules(broken)).toEqual(['3 paragraph-broken', '5 page-debris']);
    expect(rules(lines(T, '', '一、甲', '', '全年召开支委会12次。', '', '全年开展主题党日活动12次。'))).toEqual([]);
    // A short unnumbered heading before a blank line is no broken sentence.
    expect(rules(lines(T, '', '共学共建，让基层组织“强”起来', '', '认真履行第一责任人职责，围绕中心工作抓党建。'))).toEqual([]);
  });

  it('finds a sentence broken before a 「2、」 that is no number', () => {
    expect(rules(lines(T, '一、甲', '全年主持召开支委会12次，推动形成书记抓、抓书记的', '2、工作格局。'))).toEqual(['3 paragraph-broken']);
    expect(rules(lines(T, '一、甲', '主要做法有：', '1、建立制度。', '2、落实责任。'))).toEqual([]);
  });

  it('continues 一是 of a heading line in the next paragraph; a first line ending in 「：」 is no title; *** is layout', () => {
    expect(rules(lines(T, '一、甲', '（七）加强作风建设。一是开展专项整治。', '二是建立长效机制。'))).not.toContain('4 enumeration-order');
    const noTitle = lines('按照区委组织部要求，现将本人2023年度抓基层党建工作情况报告如下：', '一、2023年度工作情况', '正文。', '***', '二、存在问题', '正文。');
    expect(rules(noTitle, { year: 2023 })).toEqual([]);
  });

  it('suggests 「2018年度」 for a title with a bare year, never 「2017年度2018…」', () => {
    const f = lintReport(lines('2018抓基层党建工作述职报告', '一、甲', '正文。'));
    expect(f.map((x) => x.rule)).toEqual(['title-year']);
    expect(f[0]!.suggestion).toBe('改为“2018年度”');
  });

  it('does not blow up on a long pasted text (no catastrophic backtracking)', () => {
    const long = Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? '' : `全年开展“学习活动${i}次，推动形成书记抓、抓书记的`)).join('\n');
    lintReport(long);
    const t0 = performance.now();
    lintReport(long);
    // Speed targets are measured in npm run bench / the fuzz run, not asserted here (test machines are noisy):
    // this bound only tells a linear pass (tens of ms) from an exponential one (seconds to minutes).
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
