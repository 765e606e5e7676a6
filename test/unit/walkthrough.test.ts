// The walk-through state machine: every transition, stale/foreign/double clicks, session parsing and a
// full walk whose composed report passes the checker. Pure: no Redis, no HTTP, an injected clock.
import { describe, expect, it } from 'vitest';
import type { WtAction, WtActionValue } from '../../cards/action.ts';
import { composeReport } from '../../src/report/compose.ts';
import { splitReport } from '../../src/report/import.ts';
import { lintReport } from '../../src/report/lint/index.ts';
import { renderText } from '../../src/report/render-text.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import type { ReportStats } from '../../src/report/types.ts';
import {
  type Ctx,
  defaultReportYear,
  handleAction,
  type ImportedReport,
  MESSAGES,
  newSession,
  type Outcome,
  parseSession,
  type Session,
  steps,
  toReportAnswers,
  yearOptions,
} from '../../src/report/walkthrough.ts';

const TZ = 'Asia/Shanghai';
/** 2024-12-10 10:00 in Shanghai. */
const NOW = Date.UTC(2024, 11, 10, 2, 0, 0);
const OWNER = 'ou_owner';
const STATS: ReportStats = { year: 2024, counts: { 支委会: 12, 党员大会: 4, 集中学习: 30, 党课: 4, 主题党日: 12 } };
const ctx: Ctx = { now: NOW, tz: TZ, operatorOpenId: OWNER, stats: STATS };

const IMPORTED: ImportedReport = {
  title: '2023年度区财政局党委书记抓基层党建工作述职报告',
  year: 2023,
  opening: '2023年，在区直机关工委的领导下，我认真履行第一责任人职责。',
  sections: [
    { level: 1, number: '一、', heading: '2023年基层党建主要成绩及经验', text: '' },
    { level: 2, number: '（一）', heading: '认真履行职责', text: '去年主持召开支委会10次。', templateId: 'duty' },
    { level: 1, number: '三、', heading: '2024年书记抓基层党建工作思路', text: '一是加强学习。二是完善制度。' },
  ],
  problems: ['理论学习不够深入', '党建与业务融合不够'],
};

function fresh(extra: Partial<Session> = {}): Session {
  return { ...newSession({ id: 'sess-1', tenantKey: 'tk', openId: OWNER, now: NOW, tz: TZ }), ...extra };
}

function value(s: Session, a: WtAction, t?: string | number): WtActionValue {
  return { k: 'wt', a, s: s.id, st: s.step, r: s.rev, ...(t !== undefined ? { t } : {}) };
}

/** Deep-freezes a session so that any mutation by handleAction throws. */
function frozen<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) frozen(x);
    Object.freeze(v);
  }
  return v;
}

function act(s: Session, a: WtAction, form?: Record<string, unknown>, t?: string | number, c: Ctx = ctx): Outcome {
  return handleAction(frozen(structuredClone(s)), value(s, a, t), form, c);
}

function updated(o: Outcome): Session {
  if (o.kind === 'reject') throw new Error(`rejected: ${o.toast.content}`);
  return o.session;
}

function rejected(o: Outcome): Extract<Outcome, { kind: 'reject' }> {
  if (o.kind !== 'reject') throw new Error(`expected a reject, got ${o.kind}`);
  return o;
}

const SETUP = { unit: '区财政局', org: '党委', year: '2024', sup: '区直机关工委' };

function afterSetup(extra: Partial<Session> = {}): Session {
  return updated(act(fresh(extra), 'next', SETUP));
}

function at(s: Session, step: Session['step']): Session {
  return updated(act(s, 'goto', undefined, step));
}

/** All input default values in a card (what the user sees pre-filled). */
function defaults(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.tag === 'input' && typeof o.name === 'string' && typeof o.default_value === 'string') {
        out[o.name] = o.default_value;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('report year', () => {
  it('is the current year from October and the previous year until September, in the given zone', () => {
    expect(defaultReportYear(Date.UTC(2025, 8, 30, 12), TZ)).toBe(2024);
    // 2025-10-01 00:30 in Shanghai is still September 30 in UTC.
    expect(defaultReportYear(Date.UTC(2025, 8, 30, 16, 30), TZ)).toBe(2025);
    expect(defaultReportYear(Date.UTC(2025, 8, 30, 16, 30), 'UTC')).toBe(2024);
    expect(defaultReportYear(Date.UTC(2025, 0, 15), TZ)).toBe(2024);
    expect(defaultReportYear(Date.UTC(2025, 11, 31), TZ)).toBe(2025);
  });

  it('offers the default year ±1 but never a year that has not begun', () => {
    expect(yearOptions(Date.UTC(2025, 0, 15), TZ)).toEqual([2025, 2024, 2023]);
    expect(yearOptions(NOW, TZ)).toEqual([2024, 2023]);
  });
});

describe('newSession and steps', () => {
  it('starts at setup with the seven sub-sections: 12 steps', () => {
    const s = fresh();
    expect(s).toMatchObject({ v: 1, rev: 0, step: 'setup', year: 2024, removed: [], createdAt: NOW, updatedAt: NOW });
    expect(s.answers.setup).toEqual({ year: 2024 });
    expect(s.answers.achievements.map((a) => a.id)).toEqual(DUTY_REPORT.achievements.map((a) => a.id));
    expect(steps(s)).toEqual([
      'setup',
      'opening',
      'ach:duty',
      'ach:study',
      'ach:organization',
      'ach:conduct',
      'ach:integrity',
      'ach:rules',
      'ach:service',
      'problems',
      'plan',
      'preview',
    ]);
  });

  it('inserts the rectification step before the problems only when last year was imported', () => {
    const list = steps(fresh({ imported: IMPORTED }));
    expect(list).toHaveLength(13);
    expect(list.slice(-4)).toEqual(['rectification', 'problems', 'plan', 'preview']);
    expect(steps(fresh())).not.toContain('rectification');
  });
});

describe('parseSession', () => {
  it('round-trips a session through JSON', () => {
    const s = afterSetup({ imported: IMPORTED, stats: STATS });
    expect(parseSession(JSON.stringify(s))).toEqual(s);
    expect(parseSession(s)).toEqual(s);
  });

  it('answers null, never throws, for an unknown version or an invalid payload', () => {
    const s = fresh();
    expect(parseSession(JSON.stringify({ ...s, v: 2 }))).toBeNull();
    expect(parseSession('{not json')).toBeNull();
    expect(parseSession('null')).toBeNull();
    expect(parseSession(42)).toBeNull();
    expect(parseSession({ ...s, rev: -1 })).toBeNull();
    expect(parseSession({ ...s, step: 'nowhere' })).toBeNull();
    const { answers: _drop, ...noAnswers } = s;
    expect(parseSession(noAnswers)).toBeNull();
    // A step the session does not have (rectification without an import) is as good as corrupt.
    expect(parseSession({ ...s, step: 'rectification' })).toBeNull();
  });
});

describe('setup', () => {
  it('saves unit, organization type, year and superior and moves on', () => {
    const s = afterSetup();
    expect(s.answers.setup).toEqual({ unit: '区财政局', orgType: '党委', year: 2024, superior: '区直机关工委' });
    expect(s).toMatchObject({ step: 'opening', rev: 1, year: 2024, updatedAt: NOW });
  });

  it('changes the report year within the window', () => {
    const s = updated(act(fresh(), 'next', { ...SETUP, year: '2023' }));
    expect(s.year).toBe(2023);
    expect(s.answers.setup.year).toBe(2023);
  });

  it.each([
    [{ ...SETUP, unit: '  ' }, MESSAGES.unit],
    [{ ...SETUP, org: '' }, MESSAGES.orgType],
    [{ ...SETUP, org: '党小组' }, MESSAGES.orgType],
    [{ ...SETUP, year: '2025' }, MESSAGES.year([2024, 2023])],
    [{ ...SETUP, year: 'abc' }, MESSAGES.year([2024, 2023])],
    [{ ...SETUP, unit: '局'.repeat(61) }, MESSAGES.tooLong('单位名称', 60)],
    [{ ...SETUP, unit: ['区财政局'] }, MESSAGES.badFormat],
  ])('refuses bad input %#, keeping what was typed', (form, message) => {
    const s = fresh();
    const o = rejected(act(s, 'next', form));
    expect(o.toast).toEqual({ type: 'error', content: message });
    expect(o.card).toBeDefined();
    if (typeof form.unit === 'string' && form.unit.trim() !== '') {
      expect(defaults(o.card).unit).toBe(form.unit.slice(0, 1000));
    }
    expect(defaults(o.card).sup).toBe('区直机关工委');
  });

  it('cannot be skipped, and there is no step before it', () => {
    expect(rejected(act(fresh(), 'skip')).toast.content).toBe(MESSAGES.setupFirst);
    expect(rejected(act(fresh(), 'back')).toast.content).toBe(MESSAGES.first);
  });

  it('keeps a partial setup on 稍后继续', () => {
    const o = act(fresh(), 'later', { unit: '区财政局', org: '', year: '2024', sup: '' });
    expect(o.kind).toBe('effect');
    if (o.kind !== 'effect') return;
    expect(o.effect).toBe('later');
    expect(o.session.answers.setup).toEqual({ unit: '区财政局', year: 2024 });
    expect(o.session.step).toBe('setup');
  });
});

describe('text steps', () => {
  it('appends one paragraph per submit and moves on with 保存并继续', () => {
    let s = afterSetup();
    s = updated(act(s, 'save', { para: '第一段。' }));
    expect(s.step).toBe('opening');
    s = updated(act(s, 'next', { para: '  第二段。\r\n  ' }));
    expect(s.answers.opening).toEqual(['第一段。', '第二段。']);
    expect(s.step).toBe('ach:duty');
  });

  it('moves on without saving when nothing was typed', () => {
    const s = updated(act(afterSetup(), 'next', { para: '' }));
    expect(s.step).toBe('ach:duty');
    expect(s.answers.opening).toEqual([]);
  });

  it('refuses an empty 保存本段 without changing anything', () => {
    const o = rejected(act(afterSetup(), 'save', { para: '   ' }));
    expect(o.toast.content).toBe(MESSAGES.empty);
  });

  it('refuses a paragraph over 1000 characters politely and gives the text back', () => {
    const long = '字'.repeat(1001);
    const o = rejected(act(afterSetup(), 'next', { para: long }));
    expect(o.toast).toEqual({ type: 'error', content: MESSAGES.tooLong('每段', 1000) });
    expect(defaults(o.card).para).toBe('字'.repeat(1000));
  });

  it('refuses a value that is not text', () => {
    expect(rejected(act(afterSetup(), 'save', { para: { x: 1 } })).toast.content).toBe(MESSAGES.badFormat);
  });

  it('上一步 saves what was typed and goes back; 跳过 discards it and goes on', () => {
    const s = at(afterSetup(), 'ach:study');
    const back = updated(act(s, 'back', { heading: s.answers.achievements[1]!.heading, para: '学习段落。' }));
    expect(back.step).toBe('ach:duty');
    expect(back.answers.achievements[1]!.paragraphs).toEqual(['学习段落。']);
    const skipped = updated(act(s, 'skip', { para: '不要的内容。' }));
    expect(skipped.step).toBe('ach:organization');
    expect(skipped.answers.achievements[1]!.paragraphs).toEqual([]);
  });

  it('修改 replaces a paragraph, and an emptied paragraph is deleted', () => {
    let s = afterSetup();
    s = updated(act(s, 'save', { para: '甲。' }));
    s = updated(act(s, 'save', { para: '乙。' }));
    s = updated(act(s, 'edit', undefined, 1));
    expect(s.edit).toBe(1);
    const o = act(s, 'resume');
    expect(defaults(o.kind === 'update' ? o.card : null).para).toBe('乙。');
    s = updated(act(s, 'save', { para: '乙（改）。' }));
    expect(s.answers.opening).toEqual(['甲。', '乙（改）。']);
    expect(s.edit).toBeUndefined();
    s = updated(act(s, 'edit', undefined, 0));
    s = updated(act(s, 'save', { para: '' }));
    expect(s.answers.opening).toEqual(['乙（改）。']);
  });

  it('取消修改 leaves the paragraph alone; editing a paragraph that does not exist is refused', () => {
    let s = updated(act(afterSetup(), 'save', { para: '甲。' }));
    s = updated(act(s, 'edit', undefined, 0));
    s = updated(act(s, 'cancel', { para: '改了但不要' }));
    expect(s.edit).toBeUndefined();
    expect(s.answers.opening).toEqual(['甲。']);
    expect(rejected(act(s, 'edit', undefined, 5)).toast.content).toBe(MESSAGES.noTarget);
  });

  it('清空本节 empties the section', () => {
    let s = updated(act(afterSetup(), 'save', { para: '甲。' }));
    s = updated(act(s, 'clear'));
    expect(s.answers.opening).toEqual([]);
    expect(rejected(act(fresh(), 'clear')).toast.content).toBe(MESSAGES.notHere);
  });

  it('caps the number of paragraphs', () => {
    const s = afterSetup();
    const full = { ...s, answers: { ...s.answers, opening: Array.from({ length: 20 }, (_, i) => `第${i}段。`) } };
    expect(rejected(act(full, 'save', { para: '再一段。' })).toast.content).toBe(MESSAGES.full('段落', 20));
  });
});

describe('statistics sentence', () => {
  const duty = () => at(afterSetup(), 'ach:duty');
  const dutyHeading = DUTY_REPORT.achievements[0]!.heading;

  it('is accepted, dropped, or accepted as edited', () => {
    const s = duty();
    const accepted = updated(act(s, 'stat', undefined, 'accept'));
    expect(accepted.answers.achievements[0]!.stat).toEqual({ mode: 'accept' });
    const dropped = updated(act(accepted, 'stat', undefined, 'drop'));
    expect(dropped.answers.achievements[0]!.stat).toEqual({ mode: 'drop' });
    const edited = updated(act(s, 'stat', { heading: dutyHeading, stat: '全年共召开支委会12次。', para: '' }, 'edit'));
    expect(edited.answers.achievements[0]!.stat).toEqual({ mode: 'edit', text: '全年共召开支委会12次。' });
  });

  it('an emptied edit is refused; a section without figures has no sentence to choose', () => {
    expect(rejected(act(duty(), 'stat', { stat: '' }, 'edit')).toast.content).toBe(MESSAGES.statEmpty);
    const rules = at(afterSetup(), 'ach:rules');
    expect(rejected(act(rules, 'stat', undefined, 'accept')).toast.content).toBe(MESSAGES.noStat);
    // Without statistics (none logged, none saved with the session) there is nothing to offer.
    const bare = { ...ctx, stats: undefined };
    const noStats = updated(act(updated(act(fresh(), 'next', SETUP, undefined, bare)), 'skip', undefined, undefined, bare));
    expect(noStats.step).toBe('ach:duty');
    expect(rejected(act(noStats, 'stat', undefined, 'accept', bare)).toast.content).toBe(MESSAGES.noStat);
    // Figures of another year are not offered either.
    const lastYear = { ...ctx, stats: { ...STATS, year: 2023 } };
    expect(rejected(act(noStats, 'stat', undefined, 'accept', lastYear)).toast.content).toBe(MESSAGES.noStat);
  });

  it('an edit of the sentence is kept when the user just clicks 保存并继续', () => {
    const s = updated(act(duty(), 'next', { heading: dutyHeading, stat: '全年共召开支委会十二次。', para: '' }));
    expect(s.answers.achievements[0]!.stat).toEqual({ mode: 'edit', text: '全年共召开支委会十二次。' });
    expect(s.step).toBe('ach:study');
  });

  it('the stat buttons also save the paragraph typed with them', () => {
    const s = updated(act(duty(), 'stat', { heading: dutyHeading, stat: 'x', para: '我带头讲党课。' }, 'accept'));
    expect(s.answers.achievements[0]!.paragraphs).toEqual(['我带头讲党课。']);
    expect(s.answers.achievements[0]!.stat).toEqual({ mode: 'accept' });
  });
});

describe('achievement sub-sections: add, rename, remove, restore', () => {
  it('adds a custom sub-section after the current one and requires its heading before text', () => {
    let s = at(afterSetup(), 'ach:duty');
    s = updated(act(s, 'add'));
    expect(s.step).toBe('ach:custom-1');
    expect(steps(s)).toHaveLength(13);
    expect(steps(s)[3]).toBe('ach:custom-1');
    const o = rejected(act(s, 'next', { heading: '', para: '开展“书记项目”。' }));
    expect(o.toast.content).toBe(MESSAGES.heading);
    expect(defaults(o.card).para).toBe('开展“书记项目”。');
    s = updated(act(s, 'next', { heading: '（三）创新党建工作载体', para: '开展“书记项目”。' }));
    expect(s.answers.achievements[1]).toEqual({ id: 'custom-1', heading: '创新党建工作载体', paragraphs: ['开展“书记项目”。'] });
    expect(s.step).toBe('ach:study');
    s = updated(act(s, 'add'));
    expect(s.step).toBe('ach:custom-2');
  });

  it('an empty added sub-section can be skipped and is left out of the report', () => {
    let s = updated(act(at(afterSetup(), 'ach:duty'), 'add'));
    s = updated(act(s, 'skip'));
    expect(toReportAnswers(s)!.achievements.map((a) => a.id)).not.toContain('custom-1');
  });

  it('renames a heading with 保存标题, and refuses an empty heading for a template section', () => {
    const s = at(afterSetup(), 'ach:conduct');
    const renamed = updated(act(s, 'rename', { heading: '持续改进作风，提升服务效能', para: '' }));
    expect(renamed.answers.achievements[3]!.heading).toBe('持续改进作风，提升服务效能');
    expect(renamed.step).toBe('ach:conduct');
    expect(rejected(act(s, 'rename', { heading: ' ' })).toast.content).toBe(MESSAGES.heading);
  });

  it('removes the current sub-section, moves on, and restores it from the preview', () => {
    let s = at(afterSetup(), 'ach:rules');
    s = updated(act(s, 'remove'));
    expect(s.removed).toEqual(['rules']);
    expect(s.step).toBe('ach:service');
    expect(steps(s)).not.toContain('ach:rules');
    expect(toReportAnswers(s)!.achievements.map((a) => a.id)).not.toContain('rules');
    s = at(s, 'preview');
    expect(rejected(act(s, 'goto', undefined, 'ach:rules')).toast.content).toBe(MESSAGES.noTarget);
    s = updated(act(s, 'restore', undefined, 'rules'));
    expect(s.removed).toEqual([]);
    expect(steps(s)).toContain('ach:rules');
    expect(rejected(act(s, 'restore', undefined, 'rules')).toast.content).toBe(MESSAGES.noTarget);
  });

  it('removing the last sub-section moves to the next part', () => {
    const s = updated(act(at(afterSetup(), 'ach:service'), 'remove'));
    expect(s.step).toBe('problems');
  });
});

describe('problems and plan', () => {
  it('adds problems each with its analysis; an analysis alone goes to the last problem', () => {
    let s = at(afterSetup(), 'problems');
    expect(rejected(act(s, 'save', { problem: '', analysis: '先写分析。' })).toast.content).toBe(MESSAGES.problemFirst);
    s = updated(act(s, 'save', { problem: '一、党建工作创新不够', analysis: '工作方法较为传统。' }));
    s = updated(act(s, 'save', { problem: '', analysis: '信息化手段运用不足。' }));
    s = updated(act(s, 'save', { problem: '理论学习不够深入', analysis: '' }));
    expect(s.answers.problems).toEqual([
      { problem: '党建工作创新不够', analysis: ['工作方法较为传统。', '信息化手段运用不足。'] },
      { problem: '理论学习不够深入', analysis: [] },
    ]);
    s = updated(act(s, 'edit', undefined, 1));
    s = updated(act(s, 'save', { problem: '理论学习不够系统', analysis: '学用结合不够。' }));
    expect(s.answers.problems[1]).toEqual({ problem: '理论学习不够系统', analysis: ['学用结合不够。'] });
  });

  it('takes plan items one per line, without the 一是 the user typed, and an optional intro', () => {
    let s = at(afterSetup(), 'plan');
    s = updated(act(s, 'save', { intro: '', para: '一是加强理论武装\n\n二是、严格组织生活' }));
    s = updated(act(s, 'save', { intro: '2025年，我将重点抓好以下工作。', para: '3. 深化“双报到”' }));
    expect(s.answers.plan).toEqual({
      intro: '2025年，我将重点抓好以下工作。',
      items: ['加强理论武装', '严格组织生活', '深化“双报到”'],
    });
  });
});

describe('rectification (last year imported)', () => {
  it('is the step before the problems and is composed into the report', () => {
    let s = afterSetup({ imported: IMPORTED });
    s = at(s, 'ach:service');
    s = updated(act(s, 'next', { heading: DUTY_REPORT.achievements[6]!.heading, para: '' }));
    expect(s.step).toBe('rectification');
    s = updated(act(s, 'next', { para: '针对理论学习不够深入的问题，建立了每月集中学习制度。' }));
    expect(s.step).toBe('problems');
    expect(toReportAnswers(s)!.rectification).toEqual(['针对理论学习不够深入的问题，建立了每月集中学习制度。']);
  });
});

describe('last year imported by splitReport', () => {
  it('fits the session schema and feeds the reference panels', () => {
    const lastYear = [
      '2023年度区财政局党委书记抓基层党建工作述职报告',
      '2023年，在区直机关工委的领导下，我认真履行第一责任人职责。',
      '一、2023年基层党建主要成绩及经验',
      '（一）认真履行职责，带头落实党建工作责任制',
      '全年主持召开支委会10次。',
      '二、基层党建方面存在的突出问题',
      '（一）理论学习不够深入',
      '学习的系统性不强。',
      '三、2024年书记抓基层党建工作思路',
      '一是加强学习。二是完善制度。',
    ].join('\n');
    const imported = splitReport(lastYear, DUTY_REPORT);
    const s = afterSetup({ imported });
    expect(parseSession(JSON.stringify(s))).toEqual(s);
    const duty = updated(act(s, 'goto', undefined, 'ach:duty'));
    const o = act(duty, 'resume');
    expect(JSON.stringify(o.kind === 'update' ? o.card : null)).toContain('全年主持召开支委会10次。');
    const rect = updated(act(s, 'goto', undefined, 'rectification'));
    const r = act(rect, 'resume');
    expect(JSON.stringify(r.kind === 'update' ? r.card : null)).toContain('理论学习不够深入');
  });
});

describe('navigation, effects', () => {
  it('goto jumps to any present step; setup must be complete first', () => {
    const s = afterSetup();
    expect(at(s, 'plan').step).toBe('plan');
    expect(rejected(act(fresh(), 'goto', undefined, 'plan')).toast.content).toBe(MESSAGES.setupFirst);
    expect(rejected(act(s, 'goto', undefined, 'rectification')).toast.content).toBe(MESSAGES.noTarget);
  });

  it('稍后继续 saves and pauses; 继续填写 brings the same step back', () => {
    const s = afterSetup();
    const o = act(s, 'later', { para: '先写一句。' });
    if (o.kind !== 'effect') throw new Error(o.kind);
    expect(o.effect).toBe('later');
    expect(o.session.answers.opening).toEqual(['先写一句。']);
    expect(o.session.rev).toBe(s.rev + 1);
    const back = updated(act(o.session, 'resume'));
    expect(back.step).toBe('opening');
  });

  it('生成文档 is an effect from the preview only', () => {
    const s = afterSetup();
    expect(rejected(act(s, 'publish')).toast.content).toBe(MESSAGES.notHere);
    const o = act(at(s, 'preview'), 'publish');
    expect(o.kind).toBe('effect');
    if (o.kind === 'effect') expect(o.effect).toBe('publish');
    expect(rejected(act(at(s, 'preview'), 'next')).toast.content).toBe(MESSAGES.last);
  });
});

describe('stale, foreign and repeated clicks', () => {
  it('a click on an outdated card changes nothing and says why', () => {
    const s0 = afterSetup();
    const s1 = updated(act(s0, 'save', { para: '甲。' }));
    const o = rejected(handleAction(frozen(structuredClone(s1)), value(s0, 'save'), { para: '乙。' }, ctx));
    expect(o.toast).toEqual({ type: 'warning', content: MESSAGES.stale });
    // The outdated card is refreshed to the current state.
    expect(JSON.stringify(o.card)).toContain(`"r":${s1.rev}`);
    const wrongStep = { ...value(s1, 'next'), st: 'plan' };
    expect(rejected(handleAction(s1, wrongStep, undefined, ctx)).toast.content).toBe(MESSAGES.stale);
    const otherSession = { ...value(s1, 'next'), s: 'sess-2' };
    const other = rejected(handleAction(s1, otherSession, undefined, ctx));
    expect(other.toast.content).toBe(MESSAGES.stale);
    expect(other.card).toBeUndefined();
  });

  it('a click by anyone but the owner changes nothing and shows no card', () => {
    const s = afterSetup();
    const o = rejected(act(s, 'next', { para: '别人写的。' }, undefined, { ...ctx, operatorOpenId: 'ou_other' }));
    expect(o.toast).toEqual({ type: 'warning', content: MESSAGES.foreign });
    expect(o.card).toBeUndefined();
  });

  it('the same click delivered twice applies once', () => {
    const s = afterSetup();
    const v = value(s, 'save');
    const first = updated(handleAction(frozen(structuredClone(s)), v, { para: '只应保存一次。' }, ctx));
    const second = rejected(handleAction(frozen(structuredClone(first)), v, { para: '只应保存一次。' }, ctx));
    expect(first.answers.opening).toEqual(['只应保存一次。']);
    expect(second.toast.content).toBe(MESSAGES.stale);
  });

  it('every accepted action bumps rev and updatedAt and records fresh statistics', () => {
    const s = afterSetup();
    const later = { ...ctx, now: NOW + 60_000 };
    const n = updated(act(s, 'save', { para: '甲。' }, undefined, later));
    expect(n.rev).toBe(s.rev + 1);
    expect(n.updatedAt).toBe(NOW + 60_000);
    expect(n.stats).toEqual(STATS);
  });

  it.each([
    ['goto', 3],
    ['goto', 'ach:nope'],
    ['edit', 'x'],
    ['restore', 7],
    ['stat', 'maybe'],
  ] as const)('a %s with a bad target (%s) is refused without a throw', (a, t) => {
    const s = at(afterSetup(), 'ach:duty');
    const o = rejected(act(s, a, undefined, t));
    expect(o.toast.type).toBe('warning');
  });

  it('a welcome-card start click on an existing session just shows it again', () => {
    const s = afterSetup();
    const o = rejected(handleAction(s, { k: 'start' }, undefined, ctx));
    expect(o.toast.content).toBe(MESSAGES.startAgain);
    expect(o.card).toBeDefined();
  });
});

describe('a full walk', () => {
  it('goes from newSession to the preview, and the composed report has no findings', () => {
    let s = fresh({ imported: IMPORTED });
    const go = (a: WtAction, form?: Record<string, unknown>, t?: string | number) => {
      s = updated(act(s, a, form, t));
    };
    go('next', SETUP);
    go('next', {
      para:
        '2024年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，坚持以习近平新时代中国特色社会主义思想为指导，' +
        '深入学习贯彻党的二十大精神，紧紧围绕全局中心工作，以提升组织力为重点，推动机关党建工作提质增效。现将有关情况报告如下。',
    });
    const texts: Record<string, string> = {
      duty: '我坚持把党建工作摆在突出位置，带头讲党课，严格落实“三会一课”制度。',
      study: '坚持每月开展集中学习，组织党员赴红色教育基地开展实景教学。',
      organization: '严格执行民主集中制，按程序开展民主评议党员工作，全年发展党员2名。',
      conduct: '深入开展作风建设专项行动，办事时限平均压缩三分之一。',
      integrity: '认真落实“一岗双责”，组织观看警示教育片，开展廉政谈话。',
      rules: '修订完善《党支部工作规则》等制度5项，坚持党务公开。',
      service: '一是深化“双报到”，组织党员到社区开展志愿服务；二是走访服务辖区企业，协调解决实际困难。',
    };
    for (const t of DUTY_REPORT.achievements) {
      expect(s.step).toBe(`ach:${t.id}`);
      if (t.id === 'duty') go('stat', { heading: t.heading, stat: '', para: '' }, 'accept');
      if (t.id === 'study') go('stat', { heading: t.heading, stat: '', para: '' }, 'drop');
      go('next', { heading: t.heading, para: texts[t.id] });
    }
    expect(s.step).toBe('rectification');
    go('next', { para: '针对去年指出的理论学习不够深入的问题，建立了每月集中学习制度，全年开展集中学习12次。' });
    go('save', { problem: '党建工作创新不够', analysis: '一是工作方法较为传统；二是与业务工作融合不够紧密；三是信息化手段运用不足。' });
    go('next', { problem: '理论学习不够深入', analysis: '学习的系统性不强，学用结合不够。' });
    expect(s.step).toBe('plan');
    go('next', { intro: '', para: '持续加强理论武装，每月组织一次集中学习\n严格落实组织生活制度，提高组织生活质量' });
    expect(s.step).toBe('preview');
    expect(s.rev).toBe(15);

    const answers = toReportAnswers(s)!;
    const text = renderText(composeReport(DUTY_REPORT, answers, STATS));
    expect(text).toContain('2024年度区财政局党委书记抓基层党建工作述职报告');
    expect(text).toContain('全年共召开支委会12次、党员大会4次，讲授党课4次。');
    expect(text).toContain('二是严格落实组织生活制度');
    expect(lintReport(text, { year: 2024, maxChars: DUTY_REPORT.maxChars })).toEqual([]);

    const o = act(s, 'publish');
    expect(o.kind).toBe('effect');
  });
});
