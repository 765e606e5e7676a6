import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeReport, reportTitle } from '../../src/report/compose.ts';
import { lintReport } from '../../src/report/lint/index.ts';
import { normalizeChinese, stripNumbering } from '../../src/report/punctuation.ts';
import { countChars, renderMarkdown, renderText } from '../../src/report/render-text.ts';
import { statSentence } from '../../src/report/stats-sentence.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { type ReportAnswers, type ReportStats, answersSchema, statsSchema } from '../../src/report/types.ts';

const FIXTURES = new URL('../fixtures/reports/', import.meta.url);
const section = (id: string) => DUTY_REPORT.achievements.find((s) => s.id === id)!;

function answers(partial: Partial<ReportAnswers> & { setup?: ReportAnswers['setup'] } = {}): ReportAnswers {
  return answersSchema.parse({ setup: { unit: '区财政局', orgType: '党委', year: 2023 }, ...partial });
}

const headings = (a: ReportAnswers, stats?: ReportStats) =>
  composeReport(DUTY_REPORT, a, stats)
    .nodes.filter((n) => n.type === 'heading')
    .map((n) => (n.type === 'heading' ? `${n.level}:${n.number}${n.text}` : ''));

describe('normalizeChinese', () => {
  it.each([
    ['全年共学习30次,效果良好.', '全年共学习30次，效果良好。'],
    ['共投入1.2万元,增长3.5%.', '共投入1.2万元，增长3.5%。'],
    ['(五）加强组织建设', '（五）加强组织建设'],
    ['参加人员(共28人)', '参加人员（共28人）'],
    ['他说"要加强学习"。', '他说“要加强学习”。'],
    ['时间:9:30,地点:会议室', '时间：9:30，地点：会议室'],
    ['学习了...', '学习了……'],
    ['认真学习 党的二十大精神 ,提高认识', '认真学习党的二十大精神，提高认识'],
    ['全年召开１２次', '全年召开12次'],
    ['  前后空白  ', '前后空白'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeChinese(input)).toBe(expected);
  });

  it.each([
    ['使用Node.js, Redis等工具'],
    ['Hello, world. (ok)'],
    ['详见https://example.com/a,b;c:d!'],
    ['投入1,000万元'],
  ])('keeps ASCII runs, URLs and numbers intact: %s', (input) => {
    expect(normalizeChinese(input)).toBe(input);
  });
});

describe('stripNumbering', () => {
  it.each([
    ['一、加强学习', '加强学习'],
    ['（一）加强学习', '加强学习'],
    ['(1)加强学习', '加强学习'],
    ['1.加强学习', '加强学习'],
    ['1、加强学习', '加强学习'],
    ['10. 加强学习', '加强学习'],
    ['（一）、加强学习', '加强学习'],
    ['①加强学习', '加强学习'],
    ['第一，加强学习', '加强学习'],
  ])('%s → %s', (input, expected) => {
    expect(stripNumbering(input)).toBe(expected);
  });

  it.each([['1.2万元投入乡村振兴'], ['2023年，我们'], ['十分重视党建'], ['3月5日召开支委会']])('leaves %s alone', (input) => {
    expect(stripNumbering(input)).toBe(input);
  });
});

describe('statSentence', () => {
  const stats: ReportStats = { year: 2023, counts: { 集中学习: 32, 党课: 4, 主题党日: 12, 实景教学: 0 } };

  it('states the counts of the section kinds in template order', () => {
    expect(statSentence(section('study'), stats)).toBe('全年共组织集中学习32次，讲授党课4次，开展主题党日活动12次。');
  });

  it('joins kinds sharing a verb with 、', () => {
    const s = statSentence(section('duty'), { year: 2023, counts: { 支委会: 12, 党员大会: 4, 党课: 2 } });
    expect(s).toBe('全年共召开支委会12次、党员大会4次，讲授党课2次。');
  });

  it('adds study hours to the study section when known', () => {
    expect(statSentence(section('study'), { year: 2023, counts: { 集中学习: 10 }, studyHours: 40.5 })).toBe(
      '全年共组织集中学习10次，累计学习40.5学时。',
    );
  });

  it('is null without stats, without counts above zero, or for a section without stat kinds', () => {
    expect(statSentence(section('study'), undefined)).toBeNull();
    expect(statSentence(section('study'), { year: 2023, counts: { 集中学习: 0, 志愿服务: 9 } })).toBeNull();
    expect(statSentence(section('rules'), stats)).toBeNull();
  });
});

describe('reportTitle', () => {
  it('fills year, unit and organization type', () => {
    expect(reportTitle(DUTY_REPORT, { unit: '区财政局', orgType: '党委', year: 2023 })).toBe(
      '2023年度区财政局党委书记抓基层党建工作述职报告',
    );
  });

  it('does not double an organization type the unit already names', () => {
    expect(reportTitle(DUTY_REPORT, { unit: '区财政局第一党支部', orgType: '党支部', year: 2024 })).toBe(
      '2024年度区财政局第一党支部书记抓基层党建工作述职报告',
    );
  });
});

describe('composeReport', () => {
  it('composes the fixture answers into the expected report, which passes the checker', () => {
    const json = JSON.parse(readFileSync(new URL('answers-2023.json', FIXTURES), 'utf8'));
    const tree = composeReport(DUTY_REPORT, answersSchema.parse(json), statsSchema.parse(json.stats));
    const text = renderText(tree);
    expect(text).toBe(readFileSync(new URL('answers-2023.expected.txt', FIXTURES), 'utf8'));
    expect(lintReport(text)).toEqual([]);
    expect(lintReport(text, { year: 2023 })).toEqual([]);
  });

  it('numbers sub-sections in answers order, strips typed numbering and omits empty sub-sections', () => {
    const a = answers({
      achievements: [
        { id: 'study', heading: '（三）学习教育抓得实。', paragraphs: ['全年组织集中学习12次'] },
        { id: 'conduct', heading: '作风建设', paragraphs: ['', '  '] },
        { id: 'duty', heading: '', paragraphs: ['带头讲党课2次'] },
      ],
    });
    expect(headings(a)).toEqual([
      '1:一、2023年基层党建主要成绩及经验',
      '2:（一）学习教育抓得实',
      `2:（二）${section('duty').heading}`,
    ]);
  });

  it('puts the accepted statistics sentence first, the edited text instead, nothing when dropped', () => {
    const stats: ReportStats = { year: 2023, counts: { 集中学习: 32, 党课: 4 } };
    const para = (stat: ReportAnswers['achievements'][number]['stat']) =>
      composeReport(
        DUTY_REPORT,
        answers({ achievements: [{ id: 'study', heading: '学习', paragraphs: ['正文'], ...(stat ? { stat } : {}) }] }),
        stats,
      )
        .nodes.filter((n) => n.type === 'paragraph')
        .map((n) => n.text);
    expect(para({ mode: 'accept' })).toEqual(['全年共组织集中学习32次，讲授党课4次。', '正文。']);
    expect(para({ mode: 'edit', text: '全年共组织集中学习30余次' })).toEqual(['全年共组织集中学习30余次。', '正文。']);
    expect(para({ mode: 'drop' })).toEqual(['正文。']);
    expect(para(undefined)).toEqual(['正文。']);
  });

  it('ignores statistics of another year', () => {
    const a = answers({ achievements: [{ id: 'study', heading: '学习', paragraphs: ['正文'], stat: { mode: 'accept' } }] });
    const text = renderText(composeReport(DUTY_REPORT, a, { year: 2022, counts: { 集中学习: 32 } }));
    expect(text).not.toContain('32次');
  });

  it('keeps part numbering consecutive when a part is empty', () => {
    const a = answers({ problems: [{ problem: '理论学习不够深入', analysis: [] }], plan: { items: ['加强学习'] } });
    expect(headings(a)).toEqual([
      '1:一、基层党建方面存在的突出问题',
      '2:（一）理论学习不够深入',
      '1:二、2024年书记抓基层党建工作思路',
    ]);
  });

  it('renders problems as headings without 。 followed by their analysis; a typed 概括。分析 is split', () => {
    const tree = composeReport(
      DUTY_REPORT,
      answers({
        problems: [
          { problem: '理论学习不够深入。', analysis: ['学用结合还有差距'] },
          { problem: '党建工作创新不够。一是方法传统；二是融合不够', analysis: [] },
        ],
      }),
    );
    expect(tree.nodes.slice(1)).toEqual([
      { type: 'heading', level: 1, number: '一、', text: '基层党建方面存在的突出问题' },
      { type: 'heading', level: 2, number: '（一）', text: '理论学习不够深入' },
      { type: 'paragraph', text: '学用结合还有差距。' },
      { type: 'heading', level: 2, number: '（二）', text: '党建工作创新不够' },
      { type: 'paragraph', text: '一是方法传统；二是融合不够。' },
    ]);
  });

  it('opens the problems part with the rectification of last year’s problems', () => {
    const tree = composeReport(
      DUTY_REPORT,
      answers({ rectification: ['建立每月集中学习制度'], problems: [{ problem: '创新不够', analysis: [] }] }),
    );
    expect(tree.nodes.slice(1, 5)).toEqual([
      { type: 'heading', level: 1, number: '一、', text: '基层党建方面存在的突出问题' },
      { type: 'paragraph', text: DUTY_REPORT.rectification.intro },
      { type: 'paragraph', text: '建立每月集中学习制度。' },
      { type: 'heading', level: 2, number: '（一）', text: '创新不够' },
    ]);
  });

  it('writes the plan as the intro and one 一是……二是…… paragraph naming the next year', () => {
    const tree = composeReport(
      DUTY_REPORT,
      answers({ plan: { items: ['1. 加强理论武装；', '二是深化融合,打造品牌', '', '（3）完善考核办法。'] } }),
    );
    expect(tree.nodes.slice(1)).toEqual([
      { type: 'heading', level: 1, number: '一、', text: '2024年书记抓基层党建工作思路' },
      { type: 'paragraph', text: '2024年，我将继续认真履行党建工作第一责任人职责，重点抓好以下几方面工作。' },
      { type: 'paragraph', text: '一是加强理论武装。二是深化融合，打造品牌。三是完善考核办法。' },
    ]);
  });

  it('uses a typed plan intro instead of the default', () => {
    const tree = composeReport(DUTY_REPORT, answers({ plan: { intro: '2024年要重点抓好三件事', items: ['加强学习'] } }));
    expect(tree.nodes[2]).toEqual({ type: 'paragraph', text: '2024年要重点抓好三件事。' });
  });

  it('ends paragraphs with 。 only when they do not already end a sentence', () => {
    const tree = composeReport(
      DUTY_REPORT,
      answers({ opening: ['第一段', '第二段！', '他说：“好。”', '第四段，', '现将有关情况报告如下：', '第五段；'] }),
    );
    expect(tree.nodes.slice(1).map((n) => n.text)).toEqual([
      '第一段。',
      '第二段！',
      '他说：“好。”',
      '第四段。',
      '现将有关情况报告如下：',
      '第五段；',
    ]);
  });

  it('joins a paragraph pasted with a break in mid-sentence, and splits at blank lines', () => {
    const tree = composeReport(DUTY_REPORT, answers({ opening: ['全年召开支委会\n12次。\n\n第二段'] }));
    expect(tree.nodes.slice(1).map((n) => n.text)).toEqual(['全年召开支委会12次。', '第二段。']);
  });

  it('composes the template examples into a report the checker accepts, within the length cap', () => {
    const a = answers({
      opening: [DUTY_REPORT.opening.example.replace('2024', '2023')],
      achievements: DUTY_REPORT.achievements.map((s) => ({
        id: s.id,
        heading: s.heading,
        paragraphs: [s.example],
        stat: { mode: 'accept' as const },
      })),
      rectification: [DUTY_REPORT.rectification.example],
      problems: [{ problem: DUTY_REPORT.problems.example, analysis: [] }],
      plan: { items: [DUTY_REPORT.plan.example, DUTY_REPORT.plan.example] },
    });
    const stats: ReportStats = { year: 2023, counts: { 集中学习: 32, 党课: 4, 支委会: 12, 志愿服务: 18, 调研: 3 } };
    const tree = composeReport(DUTY_REPORT, a, stats);
    expect(tree.nodes.filter((n) => n.type === 'heading' && n.level === 2)).toHaveLength(8);
    expect(lintReport(renderText(tree), { year: 2023 })).toEqual([]);
    expect(lintReport(renderMarkdown(tree).replace(/^#+ /gm, ''), { year: 2023 })).toEqual([]);
    expect(countChars(tree)).toBeLessThan(DUTY_REPORT.maxChars);
  });

  it('yields only the title for empty answers', () => {
    const tree = composeReport(DUTY_REPORT, answers());
    expect(tree.nodes).toEqual([{ type: 'title', text: '2023年度区财政局党委书记抓基层党建工作述职报告' }]);
  });
});

describe('renderers', () => {
  const tree = composeReport(
    DUTY_REPORT,
    answers({
      opening: ['开头 *强调* 段落'],
      achievements: [{ id: 'duty', heading: '履职_尽责', paragraphs: ['1.5倍增长'] }],
    }),
  );

  it('renders plain text with a blank line between blocks', () => {
    expect(renderText(tree)).toBe(
      '2023年度区财政局党委书记抓基层党建工作述职报告\n\n开头 *强调* 段落。\n\n一、2023年基层党建主要成绩及经验\n\n（一）履职_尽责\n\n1.5倍增长。\n',
    );
  });

  it('renders Markdown headings by level and escapes user text', () => {
    expect(renderMarkdown(tree)).toBe(
      '# 2023年度区财政局党委书记抓基层党建工作述职报告\n\n开头 \\*强调\\* 段落。\n\n## 一、2023年基层党建主要成绩及经验\n\n### （一）履职\\_尽责\n\n1\\.5倍增长。\n',
    );
  });

  it('counts characters without whitespace', () => {
    const small = { title: '标题', nodes: [{ type: 'paragraph' as const, text: '一 二\t三' }] };
    expect(countChars(small)).toBe(5);
  });
});
