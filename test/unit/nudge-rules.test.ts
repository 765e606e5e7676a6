// The rules of issue 14, pure: what counts as a complete report, how the group's roster changes (the setter out
// by default), the collector's CSV, and examples that are always in the future (help texts and the README).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyRoster } from '../../src/nudges/feature.ts';
import { collectorCsv, safeFileName } from '../../src/nudges/csv.ts';
import { chinaCalendar } from '../../src/nudges/calendar.ts';
import { parseCommand } from '../../src/nudges/parse.ts';
import { statusText } from '../../src/nudges/progress.ts';
import { EMPTY_ROSTER } from '../../src/nudges/store.ts';
import { DL_TEXT, deadlineExample } from '../../src/nudges/texts.ts';
import { composeReport } from '../../src/report/compose.ts';
import { isReportComplete, missingParts } from '../../src/report/completeness.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { answersSchema, type ReportAnswers } from '../../src/report/types.ts';
import { zonedMs } from '../../src/time.ts';

const TZ = 'Asia/Shanghai';

function tree(partial: Partial<ReportAnswers>) {
  return composeReport(DUTY_REPORT, answersSchema.parse({ setup: { unit: '区财政局', orgType: '党委', year: 2026 }, ...partial }));
}

const FULL: Partial<ReportAnswers> = {
  opening: ['2026年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责。'],
  achievements: [{ id: 'duty', heading: '', paragraphs: ['全年主持召开支委会12次。'] }],
  problems: [{ problem: '党建工作创新不够。', analysis: ['工作方法较为传统。'] }],
  plan: { items: ['持续加强理论武装。'] },
};

describe('a complete report (what counts as 已提交)', () => {
  it('has an opening, an achievement, the problems and the plan', () => {
    expect(missingParts(tree(FULL), DUTY_REPORT)).toEqual([]);
    expect(isReportComplete(tree(FULL), DUTY_REPORT)).toBe(true);
  });

  it('names what an empty or partial report lacks', () => {
    expect(missingParts(tree({}), DUTY_REPORT)).toEqual(['opening', 'achievements', 'problems', 'plan']);
    expect(missingParts(tree({ ...FULL, problems: [], plan: { items: [] } }), DUTY_REPORT)).toEqual(['problems', 'plan']);
    expect(missingParts(tree({ ...FULL, opening: [] }), DUTY_REPORT)).toEqual(['opening']);
    // An achievement sub-section with a heading and no text composes to nothing: still missing.
    expect(missingParts(tree({ ...FULL, achievements: [{ id: 'duty', heading: '标题', paragraphs: [] }] }), DUTY_REPORT)).toEqual(['achievements']);
    // Last year's rectification alone is not "the problems".
    expect(missingParts(tree({ ...FULL, problems: [], rectification: ['已整改。'] }), DUTY_REPORT)).toEqual(['problems']);
  });

  it('says so in the collector’s words', () => {
    expect(statusText({ state: 'done', url: 'u', at: 0 })).toBe('已提交（内容完整）');
    expect(statusText({ state: 'incomplete', url: 'u', at: 0, missing: ['problems', 'plan'] })).toBe('填写中（已生成文档，尚缺存在问题、工作思路）');
    expect(statusText({ state: 'writing', step: 3, of: 12 })).toBe('填写中（第 3/12 步）');
    expect(statusText({ state: 'new' })).toBe('未开始');
  });
});

describe('the group roster', () => {
  it('excludes the setter of a new deadline by default, unless they were included on purpose', () => {
    expect(applyRoster(EMPTY_ROSTER, { self: 'default' }, 'ou_li', true).excluded).toEqual(['ou_li']);
    expect(applyRoster({ v: 1, excluded: [], included: ['ou_li'] }, { self: 'default' }, 'ou_li', true).excluded).toEqual([]);
    // A change of a running deadline leaves everyone as they are.
    expect(applyRoster(EMPTY_ROSTER, { self: 'default' }, 'ou_li', false).excluded).toEqual([]);
  });

  it('follows the form: the checkbox for the admin, the list for the others it showed', () => {
    const r = { v: 1 as const, excluded: ['ou_x', 'ou_hidden'], included: [] };
    const out = applyRoster(r, { self: 'include', shown: ['ou_x', 'ou_a', 'ou_b'], selected: ['ou_b'] }, 'ou_li', true);
    expect(out.excluded.sort()).toEqual(['ou_b', 'ou_hidden']);
    expect(out.included).toEqual(['ou_li']);
    expect(applyRoster(out, { self: 'exclude' }, 'ou_li', false)).toEqual({ v: 1, excluded: ['ou_b', 'ou_hidden', 'ou_li'], included: [] });
  });
});

describe('the collector’s CSV', () => {
  it('lists everyone with status, time and link; Excel-safe', () => {
    const csv = collectorCsv(
      [
        { openId: 'a', name: '王书记', status: { state: 'new' } },
        { openId: 'b', name: '=HYPERLINK("x")', status: { state: 'done', url: 'https://e.feishu.cn/docx/b', at: 1 } },
        { openId: 'c', name: '赵书记', status: { state: 'incomplete', url: 'https://e.feishu.cn/docx/c', at: 2, missing: ['plan'] } },
      ],
      (ms) => `T${ms}`,
    );
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines).toEqual([
      '序号,姓名,状态,生成时间,报告链接',
      `1,"'=HYPERLINK(""x"")",已提交（内容完整）,T1,https://e.feishu.cn/docx/b`,
      '2,赵书记,填写中（已生成文档，尚缺工作思路）,T2,https://e.feishu.cn/docx/c',
      '3,王书记,未开始,,',
    ]);
    expect(safeFileName('2026年度述职报告/机关:群?.csv')).toBe('2026年度述职报告_机关_群_.csv');
  });
});

describe('examples are computed from today', () => {
  const now = zonedMs('2026-12-02', 10, 0, TZ);
  const e = deadlineExample(now, TZ, chinaCalendar, '2026年度述职报告');

  it('suggests a workday two weeks ahead, and every text that shows it parses as a future deadline', () => {
    expect(e).toEqual({ short: '12月16日', full: '2026-12-16', title: '2026年度述职报告' });
    for (const text of [DL_TEXT.badDate(e), DL_TEXT.pastDate(e), DL_TEXT.farDate(e), DL_TEXT.help(e)]) {
      const examples = [...text.matchAll(/“@述职助手 (截止 [^”]+)”/g)].map((m) => m[1]!);
      expect(examples.length).toBeGreaterThan(0);
      for (const x of examples) {
        const c = parseCommand(x, now, TZ);
        expect(c?.kind, x).toBe('set');
        expect((c as { due: number }).due).toBeGreaterThan(now);
      }
    }
    expect(DL_TEXT.pastDate(e)).toMatch(/^该日期已过，请重新设置。/);
    expect(DL_TEXT.farDate(e)).toContain('超过一年');
  });

  it('the README writes no date that can go stale: the syntax, and the bot’s own help for an example', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const commands = [...readme.matchAll(/“@述职助手 ([^”]+)”/g)].map((m) => m[1]!);
    expect(commands).toContain('截止帮助');
    expect(commands.some((c) => c.startsWith('截止 '))).toBe(true);
    for (const c of commands) expect(c, c).not.toMatch(/\d{4}|\d+\s*月\s*\d+|\d+[-/]\d+/);
  });
});
