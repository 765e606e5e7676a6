import { describe, expect, it } from 'vitest';
import { CARD_MAX_COMPONENTS, checkCard } from '../../src/playground/fake/card-check.ts';

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

const submit = { tag: 'button', name: 'btn_submit', form_action_type: 'submit', text: { tag: 'plain_text', content: '提交' } };

function failure(c: unknown): { errCode: number; message: string } {
  const r = checkCard(c);
  if (r.ok) throw new Error('expected the card to be refused');
  return r;
}

describe('checkCard (Card JSON 2.0)', () => {
  it('accepts a card with markdown, columns, a panel and a form', () => {
    const r = checkCard(
      card([
        { tag: 'markdown', content: '**本月活动**', element_id: 'intro_1' },
        { tag: 'hr' },
        {
          tag: 'column_set',
          columns: [
            { tag: 'column', elements: [{ tag: 'markdown', content: 'a' }] },
            { tag: 'column', elements: [{ tag: 'button', text: { tag: 'plain_text', content: '查看' }, behaviors: [{ type: 'callback', value: { a: 1 } }] }] },
          ],
        },
        { tag: 'collapsible_panel', header: { title: { tag: 'plain_text', content: '详情' } }, elements: [{ tag: 'markdown', content: 'x' }] },
        {
          tag: 'form',
          name: 'form_1',
          elements: [
            { tag: 'input', name: 'reason', max_length: 1000, placeholder: { tag: 'plain_text', content: '请输入' } },
            { tag: 'select_static', name: 'kind', options: [] },
            submit,
          ],
        },
      ]),
    );
    // 13 = markdown, hr, column_set, 2 columns, markdown, button, panel, markdown, form, input, select, button.
    expect(r).toEqual({ ok: true, components: 13 });
  });

  it('refuses the 1.0 action module with 200861', () => {
    const r = failure(card([{ tag: 'action', actions: [{ tag: 'button' }] }]));
    expect(r.errCode).toBe(200861);
    expect(r.message).toContain('unsupported tag action');
  });

  it('refuses unknown tags, 1.0 cards, missing header title and top-level elements', () => {
    expect(failure(card([{ tag: 'table', rows: [] }])).message).toContain('unsupported tag table');
    expect(failure({ ...card([]), schema: '1.0' }).message).toContain('schema');
    expect(failure({ ...card([]), header: { template: 'red' } }).message).toContain('header.title');
    expect(failure({ ...card([]), elements: [] }).errCode).toBe(200861);
    expect(failure({ schema: '2.0', header: { title: { tag: 'plain_text', content: 't' } } }).message).toContain('body');
    expect(failure(card([], { config: { update_multi: false } })).message).toContain('shared');
  });

  it('allows a form only at the body root and never inside a collapsible_panel', () => {
    const form = { tag: 'form', name: 'f', elements: [submit] };
    expect(checkCard(card([form])).ok).toBe(true);
    expect(
      failure(card([{ tag: 'collapsible_panel', header: { title: { tag: 'plain_text', content: 'p' } }, elements: [form] }]))
        .message,
    ).toContain('root');
    expect(failure(card([{ tag: 'column_set', columns: [{ tag: 'column', elements: [form] }] }])).message).toContain('root');
  });

  it('requires card-unique names on interactive elements in a form (200530) and a submit button', () => {
    expect(failure(card([{ tag: 'form', name: 'f', elements: [{ tag: 'input' }, submit] }])).errCode).toBe(200530);
    expect(
      failure(card([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'btn_submit' }, submit] }])).errCode,
    ).toBe(200530);
    expect(failure(card([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'x' }] }])).message).toContain('submit');
  });

  it('checks input max_length and element_id', () => {
    const withInput = (max: number) => card([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'i', max_length: max }, submit] }]);
    expect(checkCard(withInput(1)).ok).toBe(true);
    expect(failure(withInput(0)).message).toContain('max_length');
    expect(failure(withInput(1001)).message).toContain('max_length');
    expect(failure(card([{ tag: 'hr', element_id: '1abc' }])).message).toContain('element_id');
    expect(failure(card([{ tag: 'hr', element_id: 'a'.repeat(21) }])).message).toContain('element_id');
    expect(failure(card([{ tag: 'hr', element_id: 'dup' }, { tag: 'hr', element_id: 'dup' }])).message).toContain('unique');
  });

  it(`refuses more than ${CARD_MAX_COMPONENTS} components`, () => {
    const many = (n: number) => card(Array.from({ length: n }, () => ({ tag: 'hr' })));
    expect(checkCard(many(CARD_MAX_COMPONENTS)).ok).toBe(true);
    expect(failure(many(CARD_MAX_COMPONENTS + 1)).message).toContain('components');
  });

  it('refuses containers nested deeper than 5 levels', () => {
    const nest = (depth: number): unknown =>
      depth === 0
        ? { tag: 'markdown', content: 'leaf' }
        : { tag: 'collapsible_panel', header: { title: { tag: 'plain_text', content: `L${depth}` } }, elements: [nest(depth - 1)] };
    expect(checkCard(card([nest(5)])).ok).toBe(true);
    expect(failure(card([nest(6)])).message).toContain('nested');
  });
});
