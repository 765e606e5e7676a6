// The largest cards the bot can send stay within Feishu's 30 KB request body (measured as Feishu does: the
// card escaped in a string inside the send body) and pass the fake's Card JSON 2.0 checker; a card that had
// to leave content out says so.
import { describe, expect, it } from 'vitest';
import { confirmCard, editCard, KIND_CHOICES_MAX, ledgerCard, listCard, PAGE_SIZE } from '../../cards/activity.ts';
import { collectorCard, deadlineFormCard, FORM_MAX_MEMBERS, groupNudgeCard, progressCard } from '../../cards/deadline.ts';
import { CARD_MAX_BYTES, cardBytes, clipMarkup, fitCard, md, shrinkToFit, TRIMMED_NOTE, card as cardOf } from '../../cards/parts.ts';
import { renderCard, resumeCard } from '../../cards/walkthrough.ts';
import { ACTIVITY_KINDS } from '../../src/activity/kinds.ts';
import { buildLedger } from '../../src/activity/ledger.ts';
import { MAX_ACTIVITIES } from '../../src/activity/parse.ts';
import type { ActivityRecord } from '../../src/activity/record.ts';
import { CARD_BODY_MAX_BYTES } from '../../src/feishu/card-spec.ts';
import { checkCard } from '../../src/playground/fake/card-check.ts';
import {
  type Ctx,
  MAX_ACHIEVEMENTS,
  MAX_PARAGRAPHS,
  MAX_PLAN_ITEMS,
  MAX_PROBLEMS,
  newSession,
  type Session,
  sessionSchema,
  TEMPLATE,
} from '../../src/report/walkthrough-state.ts';
import { cardText } from '../support/cards.ts';

const TZ = 'Asia/Shanghai';
const NOW = Date.UTC(2024, 11, 10, 2, 0, 0);
const ctx: Ctx = { now: NOW, tz: TZ, operatorOpenId: 'ou_owner', stats: { year: 2024, counts: { 支委会: 12, 集中学习: 30, 党课: 4, 主题党日: 12 } } };

/**
 * Text that costs the most bytes per character in both places user text goes: markdown (escapeMd turns each
 * of these marks into a 5-byte entity) and input default values (a quote or backslash is 4 bytes once the
 * card is escaped in the request body). Chinese characters are 3 bytes.
 */
const WORST = '"\\*<党';
const worst = (n: number) => WORST.repeat(Math.ceil(n / WORST.length)).slice(0, n);

/** The walk-through at its limits: the longest answers the bot takes (handleAction's caps) in every part. */
function largestSession(): Session {
  const base = newSession({ id: 's'.repeat(64), tenantKey: 'tk', openId: 'ou_owner', now: NOW, tz: TZ });
  const achievements = Array.from({ length: MAX_ACHIEVEMENTS }, (_, i) => ({
    id: i < TEMPLATE.achievements.length ? TEMPLATE.achievements[i]!.id : `custom-${i}`,
    heading: worst(200),
    paragraphs: Array.from({ length: MAX_PARAGRAPHS.achievement }, () => worst(1000)),
    stat: { mode: 'edit' as const, text: worst(1000) },
  }));
  const s: Session = {
    ...base,
    rev: 99_999,
    answers: {
      setup: { unit: worst(60), orgType: '党委', year: 2024, superior: worst(60) },
      opening: Array.from({ length: MAX_PARAGRAPHS.opening }, () => worst(1000)),
      achievements,
      rectification: Array.from({ length: MAX_PARAGRAPHS.rectification }, () => worst(1000)),
      problems: Array.from({ length: MAX_PROBLEMS }, () => ({ problem: worst(500), analysis: Array.from({ length: MAX_PARAGRAPHS.analysis }, () => worst(1000)) })),
      plan: { intro: worst(1000), items: Array.from({ length: MAX_PLAN_ITEMS }, () => worst(1000)) },
    },
    imported: {
      title: worst(1000),
      year: 2023,
      opening: Array.from({ length: 50 }, () => worst(20_000)),
      sections: achievements.map((a) => ({ level: 2, number: '（一）', heading: worst(1000), text: worst(50_000), templateId: a.id })),
      problems: Array.from({ length: 50 }, () => worst(20_000)),
    },
    removed: achievements.slice(10).map((a) => a.id),
  };
  return sessionSchema.parse(s);
}

const id = (i: number) => `om_${'x'.repeat(150)}:${i}`;
/** An activity record with the longest fields the store takes. */
const rec = (i: number, extra: Partial<ActivityRecord> = {}): ActivityRecord => ({
  v: 1,
  id: id(i),
  msg: `om_${'x'.repeat(150)}`,
  idx: i,
  date: '2024-12-31',
  kind: '组织生活会',
  attendees: 100_000,
  allMembers: false,
  topic: worst(200),
  hours: 999.5,
  source: worst(1000),
  status: 'logged',
  rev: 99_999,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

function expectSendable(name: string, c: object): void {
  const r = checkCard(c);
  expect({ name, r }).toMatchObject({ name, r: { ok: true } });
  expect(cardBytes(c), name).toBeLessThanOrEqual(CARD_MAX_BYTES);
}

describe('the card budget', () => {
  it('keeps a margin below Feishu’s limit', () => {
    expect(CARD_MAX_BYTES).toBeLessThan(CARD_BODY_MAX_BYTES);
  });

  it('the largest walk-through cards (longest answers, most paragraphs, statistics, last year’s text) fit and pass the checker', () => {
    const s = largestSession();
    const first = s.answers.achievements[0]!;
    const draft = { heading: worst(1000), stat: worst(1000), para: worst(1000), problem: worst(1000), analysis: worst(1000), intro: worst(1000) };
    const cards: Array<[string, object]> = [];
    for (const step of ['opening', `ach:${first.id}`, 'rectification', 'problems', 'plan', 'preview'] as const) {
      const at = { ...s, step };
      cards.push([step, renderCard(at, ctx)]);
      cards.push([`${step} editing the last item with a rejected draft`, renderCard({ ...at, edit: 19 }, ctx, { draft })]);
      cards.push([`${step} resumed`, resumeCard(at, ctx)]);
    }
    for (const [name, c] of cards) expectSendable(name, c);
    // The achievement step had to show less than its first budget, and says so.
    const ach = cards.find(([n]) => n === `ach:${first.id}`)![1];
    expect(cardText(ach)).toContain(TRIMMED_NOTE);
    expect(cardText(ach)).toContain('此处从略');
  });

  it('the largest ledger, activity list, confirmation and edit cards fit and pass the checker', () => {
    const year: ActivityRecord[] = [];
    for (let m = 1; m <= 12; m++) {
      for (const kind of ACTIVITY_KINDS) year.push(rec(m, { kind, date: `2024-${String(m).padStart(2, '0')}-15`, hours: 1000 }));
    }
    year.push(rec(99, { kind: null }));
    const batch = Array.from({ length: MAX_ACTIVITIES }, (_, i) => rec(i, { kind: null, allMembers: true, attendees: null }));
    const cards: Array<[string, object]> = [
      ['ledger (a year with every kind every month)', ledgerCard(buildLedger(year, 2024, '2024-12-31'))],
      ['ledger of the current quarter', ledgerCard(buildLedger(year, 2024, '2024-11-20'))],
      ['activity list (a full page, the last of many)', listCard(year.slice(0, PAGE_SIZE), 10_000, 80_007)],
      ['confirmation of the most activities one message logs, none classified', confirmCard(batch, { m: batch[0]!.msg, n: 100 }, { askMembers: true, note: '已按修改保存。' })],
      ['confirmation, all classified', confirmCard(batch.map((r) => ({ ...r, kind: '党课' as const })), { m: batch[0]!.msg, n: 100 }, { askMembers: false })],
      ['edit form', editCard(rec(1), { o: 'l', p: 10_000 })],
    ];
    for (const [name, c] of cards) expectSendable(name, c);
  });

  it('a confirmation asks for a few kinds at a time (each select is 18 of the 200 elements) and says how many follow', () => {
    const batch = Array.from({ length: MAX_ACTIVITIES }, (_, i) => rec(i, { kind: null }));
    const c = confirmCard(batch, { m: 'om_1', n: MAX_ACTIVITIES }, { askMembers: false });
    const selects = JSON.stringify(c).match(/"tag":"select_static"/g) ?? [];
    expect(selects).toHaveLength(KIND_CHOICES_MAX);
    expect(cardText(c)).toContain(`另有 ${MAX_ACTIVITIES - KIND_CHOICES_MAX} 条的类型，确认后继续选择。`);
  });

  it('the largest deadline cards (the form of a full group, the collector’s lists, progress, nudges) fit and pass the checker', () => {
    const members = Array.from({ length: FORM_MAX_MEMBERS }, (_, i) => ({ openId: `ou_${'a'.repeat(32)}${i}`, name: worst(100) }));
    const people = Array.from({ length: 400 }, (_, i) => ({ name: worst(100), status: '填写中（第 25/25 步）', url: `https://example.feishu.cn/docx/doxcn${'d'.repeat(22)}${i}` }));
    const collector = collectorCard({ title: worst(40), chatName: worst(100), dueText: '2025年1月15日（周三）18:00', closed: true, done: people, missing: people.map(({ url: _u, ...p }) => p) });
    const cards: Array<[string, object]> = [
      ['form', deadlineFormCard({ modify: true, title: worst(40), day: '2025-01-15', time: '23:59', offsets: [14, 10, 7, 5, 3, 2, 1, 0], workdaysOnly: true, mention: true, private: true, members, excluded: members.map((m) => m.openId), rev: 99_999 })],
      ['collector', collector],
      ['progress', progressCard({ title: worst(40), dueText: 'x', closed: false, done: 1, writing: 1, notStarted: 398, total: 400, missingNames: people.map((p) => p.name) })],
      ['nudge with mentions', groupNudgeCard({ title: worst(40), daysLeft: 0, dayText: '1月15日 周三', dueTime: '18:00', done: 1, total: 400, missing: members.map((m) => m.openId) })],
    ];
    for (const [name, c] of cards) expectSendable(name, c);
    // 2 × 400 people do not fit with 150 names each: the collector shows fewer, with the note and the count left out.
    expect(cardText(collector)).toContain(TRIMMED_NOTE);
    expect(cardText(collector)).toMatch(/……另有 \d+ 人/);
  });
});

describe('fitCard and shrinkToFit', () => {
  const big = (n: number) => cardOf({ title: 't', template: 'blue', elements: [md(worst(n)), md('短')] });

  it('takes the first budget that fits, and marks only later ones as trimmed', () => {
    const seen: boolean[] = [];
    const c = fitCard([20_000, 1000], (n, trimmed) => {
      seen.push(trimmed);
      return big(n);
    });
    expect(seen).toEqual([false, true]);
    expect(cardBytes(c)).toBeLessThanOrEqual(CARD_MAX_BYTES);
  });

  it('never returns a card over the budget for long text: it halves the longest markdown and puts the note first', () => {
    const c = shrinkToFit(big(40_000));
    expect(cardBytes(c)).toBeLessThanOrEqual(CARD_MAX_BYTES);
    expect((c.body as { elements: unknown[] }).elements[0]).toEqual(md(`<font color='grey'>${TRIMMED_NOTE}</font>`));
    expect(checkCard(c).ok).toBe(true);
    expect(cardText(c)).toContain('短');
    // A card that fits is returned as it is.
    const small = big(10);
    expect(shrinkToFit(small)).toBe(small);
  });

  it('cuts markdown without leaving half an entity or half a tag', () => {
    expect(clipMarkup('甲乙&#42;丙', 5)).toBe('甲乙…');
    expect(clipMarkup("甲<font color='grey'>乙</font>", 8)).toBe('甲…');
    expect(clipMarkup('甲乙', 5)).toBe('甲乙');
  });
});
