import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitReport } from '../../src/report/import.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/reports/${name}`, import.meta.url), 'utf8');
const lines = (...ls: string[]) => ls.join('\n');

describe('splitReport', () => {
  it('splits last year’s report into title, year, opening, sections and problems', () => {
    const r = splitReport(fixture('last-year-2022.txt'), DUTY_REPORT);
    expect(r.title).toBe('2022年度区财政局机关党委书记抓基层党建工作述职报告');
    expect(r.year).toBe(2022);
    // The opening was pasted with a break in mid-sentence: joined again.
    expect(r.opening).toBe(
      '2022年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，坚持以习近平新时代中国特色社会主义思想为指导，认真学习宣传贯彻党的二十大精神，围绕财政中心工作抓党建、带队伍、促发展。现将有关情况报告如下。',
    );
    expect(r.sections.map((s) => `${s.number}${s.heading}${s.templateId ? ` → ${s.templateId}` : ''}`)).toEqual([
      '一、2022年基层党建主要成绩及经验',
      '（一）压实管党治党责任，扛起第一责任人职责 → duty',
      '（二）强化理论武装，提升党员政治素质 → study',
      '（三）严明纪律规矩，推进党风廉政建设 → integrity',
      '（四）聚焦为民服务，发挥党员先锋模范作用 → service',
      '（五）夯实基层基础，增强党组织凝聚力 → organization',
      '二、基层党建方面存在的突出问题',
      '（一）理论学习不够深入',
      '（二）党建工作创新不够',
      '（三）监督考核作用发挥不够',
      '三、2023年书记抓基层党建工作思路',
    ]);
    expect(r.sections.map((s) => s.level)).toEqual([1, 2, 2, 2, 2, 2, 1, 2, 2, 2, 1]);
    // Run-in problem headings: the sentence after the heading is the section's text.
    expect(r.sections[7]!.text).toBe('个别党员干部学习满足于读原文、记笔记，结合财政工作思考不够。');
    expect(r.sections[2]!.text).toBe('全年组织集中学习28次，讲授专题党课4次，开展主题党日活动12次，组织党员赴红色教育基地开展现场教学1次。');
    expect(r.problems).toEqual(['理论学习不够深入', '党建工作创新不够', '监督考核作用发挥不够']);
  });

  it('maps a report written on the template onto all seven template ids', () => {
    const r = splitReport(fixture('clean-2023.txt'), DUTY_REPORT);
    expect(r.sections.filter((s) => s.templateId).map((s) => s.templateId)).toEqual(
      DUTY_REPORT.achievements.map((a) => a.id),
    );
    expect(r.problems).toEqual(['党建工作创新不够', '理论学习不够深入', '监督考核作用发挥不够']);
  });

  it('gives each template id to at most one sub-section, and none to an unrelated heading', () => {
    const r = splitReport(
      lines('一、主要成绩', '（一）强化理论武装，提升党员政治素质', '正文。', '（二）抓好理论学习', '正文。', '（三）其他', '正文。'),
      DUTY_REPORT,
    );
    const ids = r.sections.filter((s) => s.level === 2).map((s) => s.templateId);
    expect(ids[0]).toBe('study');
    expect(ids[1]).not.toBe('study');
    expect(ids[2]).toBeUndefined();
  });

  it('lists problems written as 一是/二是 clauses when part 二 has no sub-headings', () => {
    const r = splitReport(
      lines('一、主要成绩', '（一）认真履行职责', '正文。', '二、存在的问题', '一是理论学习不够深入；二是党建工作创新不够；三是考核结果运用不够。'),
      DUTY_REPORT,
    );
    expect(r.problems).toEqual(['理论学习不够深入', '党建工作创新不够', '考核结果运用不够']);
  });

  it('lists the first sentence of each paragraph when problems are numbered 1. 2.', () => {
    const r = splitReport(
      lines('二、存在的不足', '1.理论学习不够深入。学用结合有差距。', '2.党建创新不够。方法传统。'),
      DUTY_REPORT,
    );
    expect(r.problems).toEqual(['理论学习不够深入', '党建创新不够']);
  });

  it('reads Markdown converted from Word and a report without a title', () => {
    const r = splitReport(
      lines('开头一段。', '', '## 一、2023年主要成绩', '', '**（一）加强党风廉政建设**', '', '落实一岗双责。'),
      DUTY_REPORT,
    );
    expect(r.title).toBeUndefined();
    expect(r.year).toBeUndefined();
    expect(r.opening).toBe('开头一段。');
    expect(r.sections).toEqual([
      { level: 1, number: '一、', heading: '2023年主要成绩', text: '', part: 'achievements' },
      { level: 2, number: '（一）', heading: '加强党风廉政建设', text: '落实一岗双责。', templateId: 'integrity', part: 'achievements' },
    ]);
    expect(r.problems).toEqual([]);
  });

  it('keeps each numbered line as it was written: run-in headings, numbered sentences, the part each belongs to', () => {
    const r = splitReport(fixture('last-year-2023-measures.txt'), DUTY_REPORT);
    const shape = r.sections.map((s) => [s.part, s.number, s.heading, s.end ?? '', s.runIn ? 'run-in' : '', s.text.split('\n').filter(Boolean).length]);
    expect(shape).toEqual([
      ['achievements', '一、', '2023年基层党建主要成绩及经验', '', '', 0],
      ['achievements', '（一）', '认真履行职责，带头落实党建工作责任制', '', '', 2],
      ['achievements', '（二）', '强化理论武装，提升党员政治素质', '', '', 1],
      ['problems', '二、', '基层党建方面存在的突出问题', '', '', 0],
      ['problems', '（一）', '理论学习不够深入', '。', 'run-in', 1],
      ['problems', '（二）', '党建工作创新不够', '。', 'run-in', 1],
      ['problems', '（三）', '监督考核作用发挥不够', '。', 'run-in', 1],
      ['plan', '三、', '2024年书记抓基层党建工作思路', '', '', 1],
      // Measures written as whole sentences, one per line: no body of their own.
      ['plan', '（一）', '加强理论武装，建立每月集中学习制度，每季度开展一次专题研讨', '。', '', 0],
      ['plan', '（二）', '严格组织生活，落实“三会一课”制度，每月开展一次主题党日活动', '。', '', 0],
      // The signature and the date under the report are not the last measure's body.
      ['plan', '（三）', '强化考核运用，把考核结果与评先评优挂钩', '。', '', 0],
    ]);
    expect(r.problems).toEqual(['理论学习不够深入', '党建工作创新不够', '监督考核作用发挥不够']);
  });

  it('keeps level-3 items inside their section’s text, one per line', () => {
    const r = splitReport(lines('一、成绩', '（一）加强制度建设', '1.修订《党支部工作规则》。', '2.建立党务公开制度。'), DUTY_REPORT);
    expect(r.sections[1]).toMatchObject({ text: '1.修订《党支部工作规则》。\n2.建立党务公开制度。', templateId: 'rules' });
  });
});

describe('splitReport on reports as people paste them (issue 13)', () => {
  const all = (r: ReturnType<typeof splitReport>) => [r.opening, ...r.sections.map((s) => `${s.heading}\n${s.text}`), ...r.problems].join('\n');

  it('never keeps page numbers, 文库 debris or separators in last year’s text; joins a sentence across a page', () => {
    const r = splitReport(
      lines(
        '2023年度街道党工委书记抓基层党建工作述职报告',
        '一、主要工作及成效',
        '（一）压实党建工作责任',
        '全年召开党工委会议专题研究党建工作8次，建立街道领导班子成员联系',
        '',
        '— 2 —',
        '',
        '社区党组织制度。',
        '第3页 共5页',
        '本文档由用户上传，如有侵权请联系删除',
        '***',
        '二、存在问题',
        '（一）社区党组织服务能力不强。',
        '三、下一步打算',
        '（一）提升社区党组织服务能力。',
      ),
      DUTY_REPORT,
    );
    expect(all(r)).not.toMatch(/— 2 —|第3页|本文档|\*\*\*/);
    expect(r.sections[1]!.text).toBe('全年召开党工委会议专题研究党建工作8次，建立街道领导班子成员联系社区党组织制度。');
    expect(r.problems).toEqual(['社区党组织服务能力不强']);
  });

  it('reads 〔一〕 numbers and part headings written without numbers or with other words', () => {
    const r = splitReport(
      lines(
        '2023年度村党支部书记抓基层党建工作述职报告',
        '一年来，我认真履行第一责任人职责。',
        '主要工作及成效',
        '〔一〕强化政治引领',
        '组织党员集中学习12次。',
        '存在的差距和短板',
        '〔一〕村集体经济发展不快。',
        '〔二〕党员队伍老龄化。',
        '下一步工作打算',
        '〔一〕发展壮大村集体经济。',
      ),
      DUTY_REPORT,
    );
    expect(r.sections.filter((s) => s.level === 1).map((s) => `${s.number}${s.heading} ${s.part}`)).toEqual([
      '一、主要工作及成效 achievements',
      '二、存在的差距和短板 problems',
      '三、下一步工作打算 plan',
    ]);
    expect(r.sections[1]).toMatchObject({ number: '（一）', heading: '强化政治引领' });
    expect(r.problems).toEqual(['村集体经济发展不快', '党员队伍老龄化']);
  });

  it('takes the year from the opening when there is no title line', () => {
    const r = splitReport(lines('按照镇党委要求，现将本人2023年度抓基层党建工作情况报告如下：', '一、主要工作', '正文。', '二、存在问题', '（一）学习不深入。', '三、2024年工作思路', '正文。'), DUTY_REPORT);
    expect(r.title).toBeUndefined();
    expect(r.year).toBe(2023);
    expect(r.opening).toBe('按照镇党委要求，现将本人2023年度抓基层党建工作情况报告如下：');
  });
});
