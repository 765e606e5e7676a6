// Cards of the deadline feature: each passes the fake's Card JSON 2.0 checker and stays under 30 KB, user text
// is escaped, names stay out of group cards unless the admin allowed mentions, and button values validate.
import { describe, expect, it } from 'vitest';
import {
  allDoneCard,
  collectorCard,
  confirmCancelCard,
  confirmSetCard,
  deadlineCard,
  deadlineFormCard,
  dlValueSchema,
  groupNudgeCard,
  mutedCard,
  noteCard,
  privateNudgeCard,
  progressCard,
  setNoteCard,
  summaryCard,
} from '../../cards/deadline.ts';
import { CARD_MAX_BYTES, cardBytes } from '../../cards/parts.ts';
import { checkCard } from '../../src/playground/fake/card-check.ts';
import { buttons, cardText } from '../support/cards.ts';

/** The markdown of a card (plain_text titles and options are never parsed as markdown, so raw text is fine there). */
function markdownOf(c: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
    for (const v of Object.values(o)) walk(v);
  };
  walk(c);
  return out.join('\n');
}

const EVIL = '**加粗** <at id=all></at> [链接](http://evil.example) # 标题';
const people = Array.from({ length: 300 }, (_, i) => ({ openId: `ou_member_${i}`, name: `同志${i}号` }));

const all = {
  form: deadlineFormCard({
    modify: false,
    title: '2024年度述职报告',
    day: '2025-01-15',
    time: '18:00',
    offsets: [7, 3, 1, 0],
    workdaysOnly: true,
    mention: false,
    private: true,
    members: people.slice(0, 30),
    excluded: ['ou_member_3', 'ou_not_here'],
    rev: -1,
  }),
  formOwner: deadlineFormCard({
    modify: false,
    title: '2026年度述职报告',
    day: '2026-12-16',
    time: '18:00',
    offsets: [7, 3, 1, 0],
    workdaysOnly: true,
    mention: false,
    private: true,
    members: people.slice(0, 5),
    excluded: ['ou_member_1', 'ou_member_0'],
    rev: 7,
    rosterRev: 3,
    requester: { openId: 'ou_member_0', name: EVIL },
    includeSelf: false,
    titleExample: '2026年度述职报告',
    note: EVIL,
  }),
  formLarge: deadlineFormCard({
    modify: true,
    title: EVIL,
    day: '2025-01-15',
    time: '07:07',
    offsets: [],
    workdaysOnly: false,
    mention: true,
    private: false,
    members: people,
    excluded: [],
    rev: 4,
  }),
  deadline: deadlineCard(
    {
      title: EVIL,
      dueText: '2025年1月15日（周三）18:00',
      nudgeDays: ['1月8日 周三', '1月10日 周五'],
      offsets: [7, 3],
      workdaysOnly: true,
      mention: false,
      private: true,
      excludedCount: 2,
    },
    { done: 1, total: 30 },
  ),
  nudge: groupNudgeCard({ title: '2024年度述职报告', daysLeft: 3, dayText: '1月15日 周三', dueTime: '18:00', done: 12, total: 30 }),
  nudgeAt: groupNudgeCard({
    title: EVIL,
    daysLeft: 0,
    dayText: '1月15日 周三',
    dueTime: '18:00',
    done: 1,
    total: 300,
    missing: [...people.map((p) => p.openId), 'all', 'ou_x></at><at id=all'],
  }),
  private: privateNudgeCard({
    title: EVIL,
    chatName: EVIL,
    daysLeft: 1,
    dueText: '2025年1月15日（周三）18:00',
    status: '填写中（第 3/12 步）',
    chatId: 'oc_1',
    deadlineId: 'abc',
  }),
  muted: mutedCard(EVIL),
  setNote: setNoteCard({ title: EVIL, dueText: '2026年12月16日（周三）18:00', changed: false }),
  note: noteCard('已取消截止时间', `已确认取消「${EVIL}」的截止时间。`),
  confirmSet: confirmSetCard({ title: EVIL, dueText: '2026年12月2日（周三）18:00', leftText: '约 9 小时', nudgeDays: [], changed: true, pendingId: 'p1' }),
  confirmCancel: confirmCancelCard({ title: EVIL, dueText: '2026年12月16日（周三）18:00', pendingNudges: 4, deadlineId: 'd1', rev: 5 }),
  allDone: allDoneCard({ title: EVIL, total: 30 }),
  summary: summaryCard({ title: EVIL, dueText: '2025年1月15日（周三）18:00', done: 28, total: 30 }),
  collector: collectorCard({
    title: EVIL,
    chatName: EVIL,
    dueText: '2025年1月15日（周三）18:00',
    closed: true,
    done: people.slice(0, 200).map((p) => ({ name: p.name, status: '已提交（内容完整）', url: `https://example.feishu.cn/docx/${p.openId}` })),
    missing: [
      { name: EVIL, status: '未开始' },
      { name: 'x', status: '填写中（已生成文档，尚缺存在问题）', url: 'javascript:alert(1)' },
    ],
    exportOf: { chatId: 'oc_1', deadlineId: 'abc' },
  }),
  progress: progressCard({ title: EVIL, dueText: '…', closed: false, done: 1, writing: 2, notStarted: 3, total: 6, missingNames: [EVIL] }),
};

describe('deadline cards', () => {
  it.each(Object.entries(all))('%s passes the Card JSON 2.0 checker and stays under 30 KB', (_name, c) => {
    expect(checkCard(c)).toMatchObject({ ok: true });
    expect(cardBytes(c)).toBeLessThanOrEqual(CARD_MAX_BYTES);
  });

  it('escapes user-typed text in markdown', () => {
    for (const c of [
      all.deadline,
      all.private,
      all.muted,
      all.allDone,
      all.summary,
      all.collector,
      all.progress,
      all.nudgeAt,
      all.setNote,
      all.note,
      all.confirmSet,
      all.confirmCancel,
      all.formOwner,
    ]) {
      const text = markdownOf(c);
      expect(text).toContain('&#42;&#42;加粗&#42;&#42;');
      expect(text).not.toContain('**加粗**');
      expect(text).not.toContain('<at id=all>');
      expect(text).not.toContain('](http://evil');
    }
  });

  it('says how far the deadline is and how many are done, with counts only', () => {
    const text = cardText(all.nudge);
    expect(text).toContain('距「2024年度述职报告」截止还有3天（1月15日 周三）· 已完成 12/30');
    expect(text).not.toContain('<at');
    expect(buttons(all.nudge).map((b) => b.text)).toEqual(['开始/继续填写']);
    expect(cardText(all.nudgeAt)).toContain('今天 18:00 截止（1月15日 周三）');
  });

  it('mentions the missing people only when asked, and only well-formed open ids', () => {
    const text = cardText(all.nudgeAt);
    expect(text).toContain('<at id=ou_member_0></at>');
    expect(text.match(/<at id=/g)?.length).toBe(150);
    expect(text).not.toContain('id=all');
  });

  it('lists links of submitted reports for the collector, and no unsafe link', () => {
    const text = cardText(all.collector);
    expect(text).toContain('[查看报告](https://example.feishu.cn/docx/ou_member_0)');
    expect(text).toContain('另有 50 人');
    expect(text).not.toContain('javascript:');
  });

  it('carries valid button values', () => {
    for (const c of Object.values(all)) {
      for (const b of buttons(c)) expect(dlValueSchema.safeParse(b.value).success).toBe(true);
    }
    const priv = buttons(all.private);
    expect(priv.map((b) => b.text)).toEqual(['开始/继续填写', '不再提醒']);
    expect(priv[1]!.value).toEqual({ k: 'dl', a: 'mute', c: 'oc_1', d: 'abc', p: 1 });
  });

  it('prefills the form and offers the exclusion list only for a manageable group', () => {
    const submit = buttons(all.form).find((b) => b.text === '确定')!;
    expect(submit.value).toEqual({ k: 'dl', a: 'set', r: -1 });
    expect(submit.form).toMatchObject({ dl_title: '2024年度述职报告', dl_day: '2025-01-15', dl_time: '18:00', dl_wd: true, dl_at: false, dl_dm: true });
    expect(JSON.stringify(all.form)).toContain('"selected_values":["ou_member_3"]');
    expect(JSON.stringify(all.form)).not.toContain('initial_options');
    expect(JSON.stringify(all.formLarge)).not.toContain('dl_ex');
    expect(cardText(all.formLarge)).toContain('排除 @某某');
    // An unknown time falls back to 18:00 on the select.
    expect(buttons(all.formLarge).find((b) => b.text === '保存修改')!.form).toMatchObject({ dl_time: '18:00', dl_title: EVIL });
  });

  it('gives the form labels, a checker to include oneself, the carried exclusions, and both revisions', () => {
    const c = all.formOwner;
    expect(checkCard(c)).toMatchObject({ ok: true });
    const text = cardText(c);
    for (const label of ['**截止日期**', '**截止时间**', '**提醒时间**', '**提醒方式**', '**统计范围**']) expect(text).toContain(label);
    expect(text).toContain('已沿用本群此前的设置，可修改');
    const json = JSON.stringify(c);
    // The requester is not in the list (the checkbox decides for them); the others keep the group's exclusions.
    expect(json).toContain('"selected_values":["ou_member_1"]');
    expect(json).not.toContain('"value":"ou_member_0"');
    const submit = buttons(c).find((b) => b.text === '确定')!;
    expect(submit.value).toEqual({ k: 'dl', a: 'set', r: 7, g: 3, q: 'ou_member_0' });
    expect(submit.form).toMatchObject({ dl_me: false, dl_ex: ['ou_member_1'] });
    // The checker names the requester in plain text (never markdown).
    expect(json).toContain('"tag":"checker","name":"dl_me","checked":false,"text":{"tag":"plain_text"');
  });

  it('asks before a deadline less than 24 hours away and before cancelling', () => {
    expect(buttons(all.confirmSet).map((b) => [b.text, b.value])).toEqual([
      ['确认发布', { k: 'dl', a: 'ok', x: 'p1' }],
      ['重新设置', { k: 'dl', a: 'redo', x: 'p1' }],
    ]);
    expect(cardText(all.confirmSet)).toContain('不足 24 小时');
    expect(cardText(all.confirmSet)).toContain('截止前已无提醒时间');
    expect(buttons(all.confirmCancel).map((b) => [b.text, b.value])).toEqual([
      ['确认取消', { k: 'dl', a: 'cx', d: 'd1', r: 5 }],
      ['不取消', { k: 'dl', a: 'keep', d: 'd1', r: 5 }],
    ]);
    expect(cardText(all.confirmCancel)).toContain('尚未发送的 4 次提醒');
  });

  it('tells the collector what counts as submitted, and offers the CSV export', () => {
    const text = cardText(all.collector);
    expect(text).toContain('已提交（内容完整）200/202，填写中 1，未开始 1');
    expect(text).toContain('“已提交”指已生成文档，且内容完整');
    expect(text).toContain('填写中（已生成文档，尚缺存在问题）');
    expect(buttons(all.collector).map((b) => [b.text, b.value])).toEqual([['导出名单（CSV）', { k: 'dl', a: 'csv', c: 'oc_1', d: 'abc', p: 1 }]]);
    expect(cardText(all.summary)).toContain('已于 2025年1月15日（周三）18:00 截止，共完成 28/30');
    expect(JSON.stringify(all.summary)).toContain('述职报告已截止');
  });
});
