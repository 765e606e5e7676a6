// Cards of the activity log: every sample passes the fake's Card JSON 2.0 checker and stays small, user text
// is escaped, every button carries a valid `act` value, the forms have what the issue asks for.
import { describe, expect, it } from 'vitest';
import { activityGalleryCards, confirmCard, editCard, listCard, parseActValue, recordLine } from '../../cards/activity.ts';
import { escapeMd } from '../../cards/escape.ts';
import { CARD_MAX_BYTES, cardBytes } from '../../cards/parts.ts';
import type { ActivityRecord } from '../../src/activity/record.ts';
import { checkCard } from '../../src/playground/fake/card-check.ts';
import { buttons, cardText } from '../support/cards.ts';

const EVIL = '研究**工作**<at id=all></at>[链接](http://x) `code`';

function record(extra: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    v: 1,
    id: 'om_1:0',
    msg: 'om_1',
    idx: 0,
    date: '2024-03-05',
    kind: '支委会',
    attendees: 12,
    allMembers: false,
    topic: EVIL,
    hours: null,
    source: `3月5日 支委会 ${EVIL}`,
    status: 'logged',
    rev: 3,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

type Obj = Record<string, unknown>;
function elements(card: unknown, tag: string): Obj[] {
  const out: Obj[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Obj;
    if (o.tag === tag) out.push(o);
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}

describe('activity cards', () => {
  const gallery = activityGalleryCards();

  it('every sample passes the Card JSON 2.0 checker, is small, and has only valid button values', () => {
    expect(gallery.length).toBeGreaterThanOrEqual(10);
    for (const g of gallery) {
      const r = checkCard(g.card);
      expect(r, g.id).toMatchObject({ ok: true });
      expect(cardBytes(g.card), g.id).toBeLessThan(CARD_MAX_BYTES);
      for (const b of buttons(g.card)) {
        if (b.value.k === 'start') continue;
        expect(parseActValue(b.value), `${g.id}: ${b.text}`).not.toBeNull();
      }
    }
  });

  it('escapes user text in markdown and keeps it raw only in input default values', () => {
    const r = record();
    for (const c of [confirmCard([r], { m: 'om_1', n: 1 }, { askMembers: false }), listCard([r], 0, 1), editCard(r, { o: 'l', p: 0 })]) {
      for (const m of elements(c, 'markdown')) {
        const content = String(m.content);
        expect(content).not.toContain('<at');
        expect(content).not.toContain('**工作**');
        expect(content).not.toContain('[链接]');
      }
    }
    expect(recordLine(r)).toContain(escapeMd(EVIL));
    const topicInput = elements(editCard(r, { o: 'l', p: 0 }), 'input').find((i) => i.name === 'topic');
    expect(topicInput?.default_value).toBe(EVIL);
  });

  it('the confirmation card has 确认 / 修改 / 撤销; an unclear kind gets a selector, 全体党员 a member-count input', () => {
    const clear = confirmCard([record()], { m: 'om_1', n: 1 }, { askMembers: false });
    expect(buttons(clear).map((b) => b.text)).toEqual(['确认', '修改', '撤销']);
    expect(elements(clear, 'select_static')).toHaveLength(0);

    const unclear = confirmCard([record({ kind: null, idx: 2, id: 'om_1:2', allMembers: true, attendees: null })], { m: 'om_1', n: 3 }, { askMembers: true });
    const selects = elements(unclear, 'select_static');
    expect(selects.map((s) => s.name)).toEqual(['kind2']);
    expect((selects[0]!.options as unknown[]).length).toBe(15);
    expect(elements(unclear, 'input').map((i) => i.name)).toEqual(['members']);
    const ok = buttons(unclear).find((b) => b.text === '确认')!;
    expect(ok.form).toEqual({ kind2: '', members: '' });
    expect(cardText(unclear)).toContain('类型待选择');
  });

  it('the edit form has a date picker, a kind selector, attendance and topic, filled with the record', () => {
    const c = editCard(record({ hours: 1.5 }), { o: 'c', m: 'om_1', n: 1 });
    const save = buttons(c).find((b) => b.text === '保存')!;
    expect(save.form).toEqual({ date: '2024-03-05', kind: '支委会', att: '12', topic: EVIL, hours: '1.5' });
    expect(parseActValue(save.value)).toMatchObject({ a: 'save', id: 'om_1:0', r: 3, o: 'c', m: 'om_1', n: 1 });
  });

  it('the list pages and offers 修改 / 删除 per record', () => {
    const page = listCard([record(), record({ id: 'om_2:0' })], 1, 20);
    const texts = buttons(page).map((b) => b.text);
    expect(texts.filter((t) => t === '修改')).toHaveLength(2);
    expect(texts.filter((t) => t === '删除')).toHaveLength(2);
    expect(texts).toContain('上一页');
    expect(texts).toContain('下一页');
    expect(buttons(listCard([record()], 0, 1)).map((b) => b.text)).not.toContain('下一页');
  });
});
