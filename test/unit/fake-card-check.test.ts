import { describe, expect, it } from 'vitest';
import { CARD_BODY_MAX_BYTES, cardRequestBytes, requestBodyBytes, utf8Bytes } from '../../src/feishu/card-spec.ts';
import { CARD_MAX_COMPONENTS, cardErrorMessage, checkCard } from '../../src/playground/fake/card-check.ts';
import { SOURCES, TAGS } from '../../src/playground/fake/card-props.ts';

type Card = Record<string, unknown>;

function card(elements: unknown[], extra: Card = {}): Card {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: '述职助手' }, template: 'red' },
    body: { elements },
    ...extra,
  };
}

const text = (content: string) => ({ tag: 'plain_text', content });
const callback = [{ type: 'callback', value: { a: 1 } }];
const submit = { tag: 'button', name: 'btn_submit', form_action_type: 'submit', text: text('提交'), behaviors: callback };
const inForm = (...elements: unknown[]) => card([{ tag: 'form', name: 'f', elements: [...elements, submit] }]);
const options = [
  { text: text('甲'), value: 'a' },
  { text: text('乙'), value: 'b' },
];

function failure(c: unknown): { errCode: number; message: string; path: string; value?: string } {
  const r = checkCard(c);
  if (r.ok) throw new Error('expected the card to be refused');
  return r;
}

describe('checkCard (Card JSON 2.0)', () => {
  it('accepts a card with markdown, columns, a panel and a form, counting components, texts and icons', () => {
    const r = checkCard(
      card([
        { tag: 'markdown', content: '**本月活动**', element_id: 'intro_1' },
        { tag: 'hr' },
        {
          tag: 'column_set',
          columns: [
            { tag: 'column', elements: [{ tag: 'markdown', content: 'a' }] },
            { tag: 'column', elements: [{ tag: 'button', text: text('查看'), behaviors: callback }] },
          ],
        },
        {
          tag: 'collapsible_panel',
          header: { title: { tag: 'markdown', content: '详情' }, icon: { tag: 'standard_icon', token: 'down-small-ccm_outlined', size: '16px 16px' } },
          elements: [{ tag: 'markdown', content: 'x' }],
        },
        {
          tag: 'form',
          name: 'form_1',
          elements: [
            { tag: 'input', name: 'reason', max_length: 1000, placeholder: text('请输入') },
            { tag: 'select_static', name: 'kind', options: [], behaviors: callback },
            submit,
          ],
        },
      ]),
    );
    // Header + its title (2); markdown, hr, column_set, 2 columns, markdown, button + text (8); panel + its
    // title + icon + markdown (4); form, input + placeholder, select, button + text (6).
    expect(r).toEqual({ ok: true, components: 20 });
  });

  it('refuses the 1.0 action module and note with 200861', () => {
    const r = failure(card([{ tag: 'action', actions: [{ tag: 'button' }] }]));
    expect(r.errCode).toBe(200861);
    expect(r.message).toContain('unsupported tag action');
    expect(failure(card([{ tag: 'note', elements: [] }])).message).toContain('unsupported tag note');
  });

  it('refuses unknown tags, 1.0 cards, a bare plain_text element, missing header title and top-level elements; accepts a card without body or header', () => {
    expect(failure(card([{ tag: 'table', rows: [] }])).message).toContain('unsupported tag table');
    expect(failure(card([{ tag: 'plain_text', content: 'x' }])).message).toContain('unsupported tag plain_text');
    expect(failure({ ...card([]), schema: '1.0' }).message).toContain('schema');
    expect(failure({ ...card([]), header: { template: 'red' } }).message).toContain('header.title');
    expect(failure({ ...card([]), elements: [] }).errCode).toBe(200861);
    // Feishu builds a card without a body or a header, even "{}" (card-json-v2-structure): so does the checker.
    expect(checkCard({ schema: '2.0', header: { title: text('t') } }).ok).toBe(true);
    expect(checkCard({ schema: '2.0', body: { elements: [] } }).ok).toBe(true);
    expect(failure(card([], { config: { update_multi: false } })).message).toContain('update_multi');
  });

  it('refuses any property outside the tables, with 200621 "unknown property" like Feishu, on every level', () => {
    const cases: Array<[Card, string]> = [
      [{ ...card([]), fallback: {} }, 'fallback'],
      [card([], { config: { update_multi: true, wide_screen_mode: true } }), 'wide_screen_mode'],
      [card([], { header: { title: text('t'), ud_icon: {} } }), 'ud_icon'],
      [card([], { header: { title: { ...text('t'), text_size: 'normal' } } }), 'text_size'],
      [card([{ tag: 'markdown', content: 'x', href: {} }]), 'href'],
      [card([{ tag: 'hr', color: 'red' }]), 'color'],
      [card([{ tag: 'column_set', columns: [{ tag: 'column', elements: [], flex: 1 }] }]), 'flex'],
      [card([{ tag: 'column_set', padding: '4px', columns: [] }]), 'padding'],
      [card([{ tag: 'collapsible_panel', header: { title: text('p'), position: 'top' }, elements: [] }]), 'position'],
      [card([{ tag: 'button', text: text('x'), behaviors: callback, extra: {} }]), 'extra'],
      [card([{ tag: 'button', text: { ...text('x'), text_color: 'red' }, behaviors: callback }]), 'text_color'],
      [card([{ tag: 'button', text: text('x'), behaviors: [{ type: 'callback', value: {}, multi_url: {} }] }]), 'multi_url'],
      [card([{ tag: 'button', text: text('x'), behaviors: callback, confirm: { title: text('t'), text: text('x'), ok_text: 'y' } }]), 'ok_text'],
      [inForm({ tag: 'input', name: 'i', rows_max: 3 }), 'rows_max'],
      [inForm({ tag: 'select_static', name: 's', behaviors: callback, options: [{ ...options[0], description: 'x' }] }), 'description'],
      [inForm({ tag: 'date_picker', name: 'd', behaviors: callback, initial_time: '10:00' }), 'initial_time'],
      [inForm({ tag: 'checker', name: 'c', text: text('x'), required: true }), 'required'],
    ];
    for (const [c, key] of cases) {
      const r = failure(c);
      expect({ key, code: r.errCode, message: r.message }).toMatchObject({ key, code: 200621, message: expect.stringContaining(`unknown property: ${key}`) });
      expect(r.value).toBe(key);
      expect(cardErrorMessage(r)).toBe(`Failed to create card content, ext=ErrCode: 200621; ErrMsg: ${r.message}; ErrorValue: ${key}; `);
    }
  });

  it('refuses multi_select_static.initial_options (2.0 says selected_values) and checks selected_values', () => {
    const multi = (extra: Card) => inForm({ tag: 'multi_select_static', name: 'm', options, behaviors: callback, ...extra });
    expect(failure(multi({ initial_options: ['a'] })).message).toContain('unknown property: initial_options');
    expect(checkCard(multi({ selected_values: ['a', 'b'] })).ok).toBe(true);
    expect(failure(multi({ selected_values: ['c'] })).message).toContain('selected_values');
    // Only inside a form, and it needs a name there.
    expect(failure(card([{ tag: 'multi_select_static', name: 'm', options, behaviors: callback }])).message).toContain('inside a form');
    expect(failure(inForm({ tag: 'multi_select_static', options, behaviors: callback })).errCode).toBe(200530);
  });

  it('takes select_static defaults from initial_option (a value) or initial_index', () => {
    const single = (extra: Card) => inForm({ tag: 'select_static', name: 's', options, behaviors: callback, ...extra });
    expect(checkCard(single({ initial_option: 'b' })).ok).toBe(true);
    expect(checkCard(single({ initial_index: 2 })).ok).toBe(true);
    expect(failure(single({ initial_option: 'c' })).message).toContain('initial_option');
    expect(failure(single({ initial_index: 3 })).message).toContain('initial_index');
    expect(failure(single({ selected_values: ['a'] })).message).toContain('unknown property: selected_values');
    expect(failure(inForm({ tag: 'select_static', name: 's', behaviors: callback, options: [options[0], options[0]] })).message).toContain('distinct');
  });

  it('requires behaviors where the 2.0 tables mark them required (button, selects, date picker), not on checker and input', () => {
    for (const tag of ['button', 'select_static', 'multi_select_static', 'date_picker']) {
      expect(TAGS[tag]?.props.behaviors, tag).toMatchObject({ required: true });
    }
    expect(failure(inForm({ tag: 'select_static', name: 's', options })).message).toContain('behaviors is required');
    expect(failure(inForm({ tag: 'multi_select_static', name: 'm', options })).message).toContain('behaviors is required');
    expect(failure(inForm({ tag: 'date_picker', name: 'd' })).message).toContain('behaviors is required');
    expect(failure(card([{ tag: 'button', text: text('x') }])).message).toContain('behaviors is required');
    expect(checkCard(inForm({ tag: 'checker', name: 'c', text: text('x') }, { tag: 'input', name: 'i' })).ok).toBe(true);
    expect(failure(card([{ tag: 'button', text: text('x'), behaviors: [{ type: 'form_action' }] }])).message).toContain('type');
    expect(failure(card([{ tag: 'button', text: text('x'), behaviors: [{ type: 'callback', value: 'x' }] }])).message).toContain('object');
    expect(failure(card([{ tag: 'button', text: text('x'), behaviors: [{ type: 'open_url', pc_url: 'https://x' }] }])).message).toContain('default_url');
  });

  it('allows a form only at the body root and never inside a collapsible_panel', () => {
    const form = { tag: 'form', name: 'f', elements: [submit] };
    expect(checkCard(card([form])).ok).toBe(true);
    expect(failure(card([{ tag: 'collapsible_panel', header: { title: text('p') }, elements: [form] }])).message).toContain('root');
    expect(failure(card([{ tag: 'column_set', columns: [{ tag: 'column', elements: [form] }] }])).message).toContain('root');
  });

  it('requires card-unique names on interactive elements in a form (200530), form-only properties only there, and a submit button', () => {
    expect(failure(inForm({ tag: 'input' })).errCode).toBe(200530);
    expect(failure(inForm({ tag: 'input', name: 'btn_submit' })).errCode).toBe(200530);
    // Names are unique across the whole card, forms included.
    expect(failure(card([{ tag: 'form', name: 'x', elements: [{ tag: 'input', name: 'x' }, submit] }])).errCode).toBe(200530);
    expect(failure(card([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'x' }] }])).message).toContain('submit');
    expect(failure(inForm({ tag: 'button', name: 'b2', text: text('x'), behaviors: callback })).message).toContain('form_action_type');
    // "required … 当组件内嵌在表单容器中时，该属性可用。其它情况将报错": outside a form it is refused.
    expect(failure(card([{ tag: 'input', name: 'i', required: false }])).message).toContain('unknown property: required');
    expect(failure(card([{ ...submit, name: 'b' }])).message).toContain('unknown property: name');
  });

  it('enforces the documented limits: input max_length 1..1000, placeholders and button texts ≤ 100 characters', () => {
    const withInput = (max: number) => inForm({ tag: 'input', name: 'i', max_length: max });
    expect(checkCard(withInput(1)).ok).toBe(true);
    expect(checkCard(withInput(1000)).ok).toBe(true);
    expect(failure(withInput(0)).message).toContain('max_length');
    expect(failure(withInput(1001)).message).toContain('max_length');
    expect(failure(withInput(2.5)).message).toContain('max_length');
    expect(failure(inForm({ tag: 'input', name: 'i', max_length: '10' })).message).toContain('max_length must be a number');
    const placeholder = (n: number) => inForm({ tag: 'input', name: 'i', placeholder: text('字'.repeat(n)) });
    expect(checkCard(placeholder(100)).ok).toBe(true);
    expect(failure(placeholder(101)).message).toContain('placeholder.content must be at most 100 characters');
    expect(failure(inForm({ tag: 'date_picker', name: 'd', behaviors: callback, placeholder: text('x'.repeat(101)) })).message).toContain('100');
    const button = (n: number) => card([{ tag: 'button', text: text('按'.repeat(n)), behaviors: callback }]);
    expect(checkCard(button(100)).ok).toBe(true);
    expect(failure(button(101)).message).toContain('at most 100 characters');
    expect(failure(card([{ tag: 'button', text: { tag: 'lark_md', content: 'x' }, behaviors: callback }])).message).toContain('plain_text');
    expect(failure(card([{ tag: 'button', type: 'link', text: text('x'), behaviors: callback }])).message).toContain('type');
    expect(failure(card([{ tag: 'column_set', columns: [{ tag: 'column', width: 'weighted', weight: 6, elements: [] }] }])).message).toContain('weight');
    expect(failure(inForm({ tag: 'date_picker', name: 'd', behaviors: callback, initial_date: '2026/01/01' })).message).toContain('yyyy-MM-dd');
  });

  it('checks element_id: pattern, length and uniqueness across components and text elements', () => {
    expect(checkCard(card([{ tag: 'hr', element_id: 'a_1' }, { tag: 'div', text: { ...text('x'), element_id: 'a_2' } }])).ok).toBe(true);
    expect(failure(card([{ tag: 'hr', element_id: '1abc' }])).message).toContain('element_id');
    expect(failure(card([{ tag: 'hr', element_id: 'a-b' }])).message).toContain('element_id');
    expect(checkCard(card([{ tag: 'hr', element_id: 'a'.repeat(20) }])).ok).toBe(true);
    expect(failure(card([{ tag: 'hr', element_id: 'a'.repeat(21) }])).message).toContain('element_id');
    expect(failure(card([{ tag: 'hr', element_id: 'dup' }, { tag: 'hr', element_id: 'dup' }])).message).toContain('unique');
  });

  it(`refuses more than ${CARD_MAX_COMPONENTS} elements, counting plain_text elements and icons as well as components`, () => {
    const many = (n: number) => card(Array.from({ length: n }, () => ({ tag: 'hr' })));
    // The header and its title are 2 of the 200.
    expect(checkCard(many(CARD_MAX_COMPONENTS - 2)).ok).toBe(true);
    expect(failure(many(CARD_MAX_COMPONENTS - 1)).message).toContain('200 elements');
    // 66 buttons with a text and an icon each: 198 + 2 = 200; one more text element is too many.
    const btn = { tag: 'button', text: text('x'), icon: { tag: 'standard_icon', token: 'add_outlined' }, behaviors: callback };
    expect(checkCard(card(Array.from({ length: 66 }, () => btn))).ok).toBe(true);
    expect(failure(card([...Array.from({ length: 66 }, () => btn), { tag: 'div', text: text('x') }])).errCode).toBe(200550);
    // Options' names are plain_text elements too.
    const select = { tag: 'select_static', name: 's', behaviors: callback, options: Array.from({ length: 196 }, (_, i) => ({ text: text(`${i}`), value: `${i}` })) };
    expect(failure(inForm(select)).message).toContain('200 elements');
  });

  it('refuses containers nested deeper than 5 levels', () => {
    const nest = (depth: number): unknown =>
      depth === 0 ? { tag: 'markdown', content: 'leaf' } : { tag: 'collapsible_panel', header: { title: text(`L${depth}`) }, elements: [nest(depth - 1)] };
    expect(checkCard(card([nest(5)])).ok).toBe(true);
    expect(failure(card([nest(6)])).message).toContain('nested');
  });

  it('names the official page of every tag table', () => {
    for (const [tag, spec] of Object.entries(TAGS)) {
      expect(Object.values(SOURCES), tag).toContain(spec.source);
      expect(spec.source, tag).toMatch(/^https:\/\/open\.feishu\.cn\/document\/feishu-cards\//);
    }
  });
});

describe('the request body Feishu measures', () => {
  it('counts UTF-8 bytes like Buffer does', () => {
    for (const s of ['abc', '党建', '😀 emoji', 'é\u2028', '\ud800 lone surrogate']) expect(utf8Bytes(s), s).toBe(Buffer.byteLength(s, 'utf8'));
  });

  it('measures the card as an escaped string inside the send body, at least as large as any body the bot sends', () => {
    const c = card([{ tag: 'markdown', content: '引号"和反斜杠\\，以及中文' }]);
    const json = JSON.stringify(c);
    const sent = { receive_id: `oc_${'0'.repeat(32)}`, msg_type: 'interactive', content: json, uuid: '6f1c0a4e-0d7b-4f0e-9a39-2f7e3c1b8a55' };
    expect(requestBodyBytes(sent)).toBe(Buffer.byteLength(JSON.stringify(sent), 'utf8'));
    expect(cardRequestBytes(c)).toBeGreaterThanOrEqual(requestBodyBytes(sent));
    expect(cardRequestBytes(c)).toBeGreaterThanOrEqual(requestBodyBytes({ content: json })); // patch
    // Every quote of the card is escaped once more: the measure grows with them, JSON.stringify does not see it.
    const quotes = card([{ tag: 'markdown', content: '"'.repeat(1000) }]);
    expect(cardRequestBytes(quotes) - Buffer.byteLength(JSON.stringify(quotes))).toBeGreaterThan(2000);
    expect(CARD_BODY_MAX_BYTES).toBe(30_000);
  });
});
