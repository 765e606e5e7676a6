// Card renderers: snapshots of every walk-through card, the escape function, and structural checks
// (the fake Open Platform's Card JSON 2.0 checker, size, component count, button values).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionValueSchema, type WtAction } from '../../cards/action.ts';
import { clip, escapeMd } from '../../cards/escape.ts';
import { galleryCards, unlabelledFields } from '../../cards/gallery.ts';
import { CARD_MAX_BYTES, cardBytes } from '../../cards/parts.ts';
import { checkCard } from '../../src/playground/fake/card-check.ts';
import { splitReport } from '../../src/report/import.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import type { ReportStats } from '../../src/report/types.ts';
import {
  type Ctx,
  handleAction,
  type ImportedReport,
  laterCard,
  newSession,
  type Outcome,
  publishingCard,
  renderCard,
  resumeCard,
  type Session,
  steps,
  welcomeCard,
} from '../../src/report/walkthrough.ts';

const TZ = 'Asia/Shanghai';
const NOW = Date.UTC(2024, 11, 10, 2, 0, 0);
const OWNER = 'ou_owner';
const STATS: ReportStats = { year: 2024, counts: { 支委会: 12, 党员大会: 4, 集中学习: 30, 党课: 4, 主题党日: 12, 志愿服务: 6 } };
const ctx: Ctx = { now: NOW, tz: TZ, operatorOpenId: OWNER, stats: STATS };

const IMPORTED: ImportedReport = {
  title: '2023年度区财政局党委书记抓基层党建工作述职报告',
  year: 2023,
  opening: '2023年，在区直机关工委的领导下，我认真履行第一责任人职责。',
  sections: [
    { level: 2, number: '（一）', heading: '认真履行职责', text: '去年主持召开支委会10次。', templateId: 'duty' },
    { level: 1, number: '三、', heading: '2024年书记抓基层党建工作思路', text: '一是加强学习。二是完善制度。' },
  ],
  problems: ['理论学习不够深入', '党建与业务融合不够'],
};

const HOSTILE = '<at id=all></at>请点击[点我](https://evil)看**粗**体 # 标题 `code` <font color=red>红</font> &lt;at id=all&gt;';

function act(s: Session, a: WtAction, form?: Record<string, unknown>, t?: string | number): Outcome {
  return handleAction(s, { k: 'wt', a, s: s.id, st: s.step, r: s.rev, ...(t !== undefined ? { t } : {}) }, form, ctx);
}
function updated(o: Outcome): Session {
  if (o.kind === 'reject') throw new Error(`rejected: ${o.toast.content}`);
  return o.session;
}

function fresh(imported = true): Session {
  const s = newSession({ id: 'sess-1', tenantKey: 'tk', openId: OWNER, now: NOW, tz: TZ });
  return imported ? { ...s, imported: IMPORTED } : s;
}

/** A session with something written in every part. */
function filled(): Session {
  let s = updated(act(fresh(), 'next', { unit: '区财政局', org: '党委', year: '2024', sup: '区直机关工委' }));
  s = updated(act(s, 'next', { para: '2024年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责。' }));
  s = updated(act(s, 'stat', { heading: DUTY_REPORT.achievements[0]!.heading, stat: '', para: '' }, 'accept'));
  s = updated(act(s, 'next', { heading: DUTY_REPORT.achievements[0]!.heading, para: '我坚持把党建工作摆在突出位置。' }));
  s = updated(act(s, 'save', { heading: DUTY_REPORT.achievements[1]!.heading, para: '坚持每月开展集中学习。' }));
  s = updated(act(s, 'goto', undefined, 'problems'));
  s = updated(act(s, 'save', { problem: '党建工作创新不够', analysis: '工作方法较为传统。' }));
  s = updated(act(s, 'goto', undefined, 'plan'));
  s = updated(act(s, 'save', { intro: '', para: '持续加强理论武装\n严格落实组织生活制度' }));
  s = updated(act(s, 'goto', undefined, 'rectification'));
  s = updated(act(s, 'save', { para: '针对理论学习不够深入的问题，建立了每月集中学习制度。' }));
  return s;
}

function at(s: Session, step: Session['step']): Session {
  return { ...s, step };
}

type Json = Record<string, unknown>;
function walk(v: unknown, f: (o: Json) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, f);
  else if (v && typeof v === 'object') {
    f(v as Json);
    for (const x of Object.values(v)) walk(x, f);
  }
}
function markdownOf(card: unknown): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
  });
  return out;
}
function buttonValues(card: unknown): unknown[] {
  const out: unknown[] = [];
  walk(card, (o) => {
    if (o.tag === 'button' && Array.isArray(o.behaviors)) for (const b of o.behaviors as Json[]) out.push(b.value);
  });
  return out;
}

/** Every card the walk-through can show for a session, by name. */
function allCards(s: Session): Array<[string, object]> {
  const out: Array<[string, object]> = [];
  for (const step of steps(s)) out.push([step, renderCard(at(s, step), ctx)]);
  out.push(['later', laterCard(s)], ['publishing', publishingCard(s)], ['resume', resumeCard(s, ctx)]);
  return out;
}

describe('escapeMd', () => {
  it('neutralises mentions, links, emphasis, headings, code, font tags and entities', () => {
    const e = escapeMd(HOSTILE);
    expect(e).not.toMatch(/<at|<font|<\/|\[点我\]|\]\(|\*\*|`|#\s|&lt;/);
    expect(e).not.toMatch(/[<>[\]()*`]/);
    expect(e).not.toContain('# 标题');
    expect(e).toContain('&#60;at id&#61;all&#62;&#60;&#47;at&#62;');
    expect(e).toContain('&#91;点我&#93;&#40;https&#58;&#47;&#47;evil&#41;');
    expect(e).toContain('&#42;&#42;粗&#42;&#42;');
    // An entity typed by the user stays text: its & is escaped, so it cannot turn into a tag.
    expect(e).toContain('&#38;lt;at id&#61;all&#38;gt;');
  });

  it('keeps Chinese text and full-width punctuation as they are and turns line breaks into spaces', () => {
    expect(escapeMd('坚持“三会一课”（制度），全年12次。')).toBe('坚持“三会一课”（制度），全年12次。');
    expect(escapeMd('第一行\n- 第二行\r\n1. 第三行')).toBe('第一行 &#45; 第二行 1&#46; 第三行');
    expect(escapeMd('    缩进')).toBe('缩进');
  });

  it('clip cuts by characters and marks the cut', () => {
    expect(clip('一二三四五', 5)).toBe('一二三四五');
    expect(clip('一二三四五六', 5)).toBe('一二三四…');
  });
});

describe('walk-through card snapshots', () => {
  const s = filled();

  it('setup card', () => {
    expect(renderCard(fresh(false), ctx)).toMatchSnapshot();
  });

  it.each(steps(s).map((step) => [step]))('step card %s', (step) => {
    expect(renderCard(at(s, step), ctx)).toMatchSnapshot();
  });

  it('a paragraph being edited', () => {
    const e = updated(act(at(s, 'opening'), 'edit', undefined, 0));
    expect(renderCard(e, ctx)).toMatchSnapshot();
  });

  it('a rejected submit keeps what was typed', () => {
    const o = act(at(s, 'ach:study'), 'next', { heading: ' ', para: '这段不能丢。' });
    expect(o.kind).toBe('reject');
    expect(o).toMatchSnapshot();
  });

  it('preview with findings and a removed sub-section', () => {
    let p = updated(act(at(s, 'ach:rules'), 'remove'));
    p = updated(act(p, 'goto', undefined, 'plan'));
    p = updated(act(p, 'save', { intro: '2024年,我将继续加强学习.', para: '' }));
    p = updated(act(p, 'goto', undefined, 'preview'));
    const card = renderCard(p, ctx);
    const text = markdownOf(card).join('\n');
    expect(text).toContain('发现');
    expect(text).toContain('已删除');
    expect(card).toMatchSnapshot();
  });

  it('welcome, later, publishing and resume cards', () => {
    expect(welcomeCard()).toMatchSnapshot();
    expect(laterCard(s)).toMatchSnapshot();
    expect(publishingCard(s)).toMatchSnapshot();
    expect(resumeCard(s, ctx)).toMatchSnapshot();
  });
});

describe('last year’s report (参考) on the walk-through cards', () => {
  const imported = splitReport(readFileSync(new URL('../fixtures/reports/last-year-2023-measures.txt', import.meta.url), 'utf8'), DUTY_REPORT);
  const s: Session = { ...filled(), imported };
  /** The markdown of the 去年的报告（参考） panel on a step's card, one entry per line. */
  const panelLines = (step: Session['step']): string[] => {
    let content = '';
    walk(renderCard(at(s, step), ctx), (o) => {
      if (o.tag === 'collapsible_panel' && JSON.stringify(o.header).includes('去年的报告')) content = markdownOf(o.elements)[0] ?? '';
    });
    return content.split('\n');
  };

  it.each([['opening'], ['ach:duty'], ['ach:study'], ['problems'], ['plan'], ['rectification']] as const)('%s', (step) => {
    expect(panelLines(step)).toMatchSnapshot();
  });

  it('shows one problem per line, each heading with its analysis on the line it had', () => {
    expect(panelLines('problems')).toEqual([
      '**（一）理论学习不够深入。**个别党员干部学习满足于读原文、记笔记，结合财政工作思考不够。',
      '**（二）党建工作创新不够。**工作方法较为传统，党建与业务融合不够紧密。',
      '**（三）监督考核作用发挥不够。**对党支部的考核偏重台账资料，考核结果运用不够充分。',
    ]);
    expect(panelLines('rectification')).toEqual(['（一）理论学习不够深入', '（二）党建工作创新不够', '（三）监督考核作用发挥不够']);
  });

  it('keeps a heading apart from its body, and numbered measures as the sentences they were', () => {
    expect(panelLines('ach:duty')).toEqual([
      '**（一）认真履行职责，带头落实党建工作责任制**',
      '全年主持召开支委会12次、党员大会4次，带头讲党课2次。',
      '严格落实“三会一课”制度，组织生活会按期召开。',
    ]);
    expect(panelLines('plan')).toEqual([
      '2024年，我将继续认真履行党建工作第一责任人职责，推动机关党建工作提质增效。',
      '（一）加强理论武装，建立每月集中学习制度，每季度开展一次专题研讨。',
      '（二）严格组织生活，落实“三会一课”制度，每月开展一次主题党日活动。',
      '（三）强化考核运用，把考核结果与评先评优挂钩。',
    ]);
  });

  it('shows what fits and cuts the last line shown when last year’s text is long', () => {
    const long = { ...s, imported: { ...imported, opening: Array.from({ length: 12 }, (_, i) => `第${i + 1}段${'党建工作'.repeat(20)}。`) } };
    let content = '';
    walk(renderCard(at(long, 'opening'), ctx), (o) => {
      if (o.tag === 'collapsible_panel') content = markdownOf(o.elements)[0] ?? '';
    });
    const shown = content.split('\n');
    expect(shown.length).toBeLessThan(12);
    expect(shown.at(-1)).toMatch(/…$/);
    expect([...shown.join('')].length).toBeLessThanOrEqual(800 + 1);
  });
});

describe('card structure', () => {
  it('every card passes the fake Open Platform card checker, within 30 KB and 200 components', () => {
    const cards: Array<[string, object]> = [['welcome', welcomeCard()], ['setup', renderCard(fresh(false), ctx)]];
    cards.push(...allCards(filled()));
    for (const [name, card] of cards) {
      const r = checkCard(card);
      expect({ name, r }).toMatchObject({ name, r: { ok: true } });
      if (r.ok) expect(r.components).toBeLessThanOrEqual(200);
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_MAX_BYTES);
      expect(JSON.stringify(card)).not.toContain('"tag":"action"');
      // Feishu accepts a card without them; ours always have a title and a body (project rule).
      expect({ name, header: 'header' in card, body: 'body' in card }).toEqual({ name, header: true, body: true });
    }
  });

  it('every field of every form card in the gallery is labelled (inputs by label, selects and date pickers by the line above)', () => {
    const problems = galleryCards().flatMap((c) => unlabelledFields(c.card).map((p) => `${c.id}: ${p}`));
    expect(problems).toEqual([]);
    // The gallery holds the forms: the activity edit form among them, with its date picker and kind selector.
    const edit = galleryCards().find((c) => c.id === 'activity/edit')!.card;
    expect(JSON.stringify(edit)).toMatch(/"content":"\*\*活动日期\*\*"\},\{"tag":"date_picker"/);
    expect(JSON.stringify(edit)).toMatch(/"content":"\*\*活动类型\*\*"\},\{"tag":"select_static"/);
    expect(edit).toMatchSnapshot();
  });

  it('an unlabelled input, select or date picker is found, wherever it sits', () => {
    const picker = { tag: 'date_picker', name: 'd', behaviors: [] };
    const select = { tag: 'select_static', name: 's', options: [] };
    const unlabelled = {
      body: {
        elements: [
          {
            tag: 'form',
            name: 'f',
            elements: [
              { tag: 'input', name: 'i' },
              { tag: 'input', name: 'j', label: { tag: 'plain_text', content: ' ' } },
              picker,
              { tag: 'markdown', content: '**类型**' },
              select,
              { tag: 'button', name: 'b' },
              { ...select, name: 't' },
            ],
          },
          { tag: 'column_set', columns: [{ tag: 'column', elements: [{ ...picker, name: 'e' }] }] },
        ],
      },
    };
    expect(unlabelledFields(unlabelled)).toEqual([
      'body.elements[0].elements[0] (input "i")',
      'body.elements[0].elements[1] (input "j")',
      'body.elements[0].elements[2] (date_picker "d")',
      'body.elements[0].elements[6] (select_static "t")',
      'body.elements[1].columns[0].elements[0] (date_picker "e")',
    ]);
  });

  it('every button carries a valid value with the session id, step and rev', () => {
    const s = filled();
    for (const [name, card] of allCards(s)) {
      const values = buttonValues(card);
      expect(values.length, name).toBeGreaterThan(0);
      for (const v of values) {
        const parsed = actionValueSchema.safeParse(v);
        expect(parsed.success, `${name}: ${JSON.stringify(v)}`).toBe(true);
        expect(v).toMatchObject({ k: 'wt', s: s.id, r: s.rev });
      }
    }
    expect(buttonValues(welcomeCard())).toEqual([{ k: 'start' }]);
  });

  it('the welcome card explains the bot, shows 3 example messages and a start button', () => {
    const card = welcomeCard();
    const text = markdownOf(card).join('\n');
    expect(text.match(/^· \d+月\d+日/gm)).toHaveLength(3);
    expect(JSON.stringify(card)).toContain('开始写述职报告');
  });

  it('user text is escaped in markdown and kept verbatim only in input default values', () => {
    let s = updated(act(fresh(), 'next', { unit: '区财政局<at id=all></at>', org: '党委', year: '2024', sup: '' }));
    s = updated(act(s, 'save', { para: HOSTILE }));
    s = updated(act(s, 'goto', undefined, 'ach:duty'));
    s = updated(act(s, 'save', { heading: '**粗**[点我](https://evil)', para: HOSTILE }));
    s = updated(act(s, 'add'));
    s = updated(act(s, 'save', { heading: '<at id=all></at>', para: HOSTILE }));
    s = updated(act(s, 'goto', undefined, 'problems'));
    s = updated(act(s, 'save', { problem: HOSTILE, analysis: HOSTILE }));
    s = updated(act(s, 'goto', undefined, 'plan'));
    s = updated(act(s, 'save', { intro: HOSTILE, para: HOSTILE }));
    const cards = [...allCards(s), ['edit', renderCard(updated(act(s, 'edit', undefined, 0)), ctx)] as [string, object]];
    for (const [name, card] of cards) {
      for (const content of markdownOf(card)) {
        expect(content, name).not.toMatch(/<at|\[点我\]|\]\(https|\*\*粗|<font color=red|&lt;at/);
      }
      walk(card, (o) => {
        if (o.tag === 'plain_text' && typeof o.content === 'string') expect(o.content, name).not.toContain('<at');
      });
    }
    // The text is still there, escaped, so the user sees what they typed.
    const opening = markdownOf(renderCard(at(s, 'opening'), ctx)).join('\n');
    expect(opening).toContain('&#60;at id&#61;all&#62;');
    // And in the input being edited it is verbatim (plain text, never parsed).
    const edit = renderCard(updated(act(at(s, 'opening'), 'edit', undefined, 0)), ctx);
    const inputs: string[] = [];
    walk(edit, (o) => {
      if (o.tag === 'input' && typeof o.default_value === 'string') inputs.push(o.default_value);
    });
    expect(inputs).toContain(HOSTILE);
  });

  it('long sections are shown truncated with their length and the card stays under 30 KB', () => {
    const s = filled();
    const big = '这是一段很长的述职内容，用于检验卡片大小。'.repeat(45); // 945 characters
    const achievements = Array.from({ length: 20 }, (_, i) => ({
      id: i < 7 ? DUTY_REPORT.achievements[i]!.id : `custom-${i}`,
      heading: `第${i + 1}个小节的标题`.repeat(5),
      paragraphs: Array.from({ length: 50 }, () => big),
    }));
    const huge: Session = {
      ...s,
      answers: {
        ...s.answers,
        opening: Array.from({ length: 20 }, () => big),
        achievements,
        problems: Array.from({ length: 10 }, () => ({ problem: big.slice(0, 500), analysis: Array.from({ length: 20 }, () => big) })),
        plan: { intro: big, items: Array.from({ length: 20 }, () => big) },
      },
      imported: { ...IMPORTED, opening: big.repeat(20), sections: [{ level: 2, number: '（一）', heading: 'x', text: big.repeat(20), templateId: 'duty' }] },
    };
    for (const [name, card] of allCards(huge)) {
      const r = checkCard(card);
      expect({ name, ok: r.ok }).toEqual({ name, ok: true });
      expect(cardBytes(card), name).toBeLessThanOrEqual(CARD_MAX_BYTES);
    }
    const opening = markdownOf(renderCard(at(huge, 'opening'), ctx)).join('\n');
    expect(opening).toContain('（共 945 字）');
    expect(opening).toContain('…');
    // With a 1000-character draft in the input as well.
    const o = handleAction(at(huge, 'opening'), { k: 'wt', a: 'save', s: huge.id, st: 'opening', r: huge.rev }, { para: '长'.repeat(1000) }, ctx);
    expect(o.kind).toBe('reject');
    if (o.kind === 'reject') expect(cardBytes(o.card)).toBeLessThanOrEqual(CARD_MAX_BYTES);
  });
});
