// Small builders for Card JSON 2.0 (reference §4). Text passed to `md` must already be safe: static
// text of ours, or user text that went through escapeMd (cards/escape.ts).
import { CARD_BODY_MAX_BYTES, cardRequestBytes } from '../src/feishu/card-spec.ts';
import type { ActionValue } from './action.ts';

export type HeaderTemplate =
  | 'blue'
  | 'wathet'
  | 'turquoise'
  | 'green'
  | 'yellow'
  | 'orange'
  | 'red'
  | 'carmine'
  | 'violet'
  | 'purple'
  | 'indigo'
  | 'grey'
  | 'default';

export type El = Record<string, unknown>;

export function plain(content: string): El {
  return { tag: 'plain_text', content };
}

export function card(a: {
  title: string;
  subtitle?: string;
  template: HeaderTemplate;
  elements: El[];
  summary?: string;
}): El {
  const header: El = { title: plain(a.title), template: a.template };
  if (a.subtitle) header.subtitle = plain(a.subtitle);
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill', ...(a.summary ? { summary: { content: a.summary } } : {}) },
    header,
    body: { elements: a.elements },
  };
}

export function md(content: string, opts: { size?: 'normal' | 'notation' | 'heading' } = {}): El {
  return opts.size ? { tag: 'markdown', content, text_size: opts.size } : { tag: 'markdown', content };
}

export function grey(content: string): string {
  return `<font color='grey'>${content}</font>`;
}

export function hr(): El {
  return { tag: 'hr' };
}

export interface ButtonOpts {
  type?: 'default' | 'primary' | 'danger' | 'text' | 'primary_text' | 'danger_text';
  /** Set for buttons inside a form: makes it a submit button with this (card-unique) name. */
  submit?: string;
  confirm?: { title: string; text: string };
  size?: 'tiny' | 'small' | 'medium' | 'large';
}

export function button(text: string, value: ActionValue | Readonly<Record<string, unknown>>, o: ButtonOpts = {}): El {
  const b: El = {
    tag: 'button',
    text: plain(text),
    type: o.type ?? 'default',
    size: o.size ?? 'medium',
    behaviors: [{ type: 'callback', value }],
  };
  if (o.submit) {
    b.name = o.submit;
    b.form_action_type = 'submit';
  }
  if (o.confirm) b.confirm = { title: plain(o.confirm.title), text: plain(o.confirm.text) };
  return b;
}

/** Buttons side by side (2.0 has no `action` module: buttons sit directly in column_set columns). */
export function row(buttons: El[]): El {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

/** A text on the left and a button on the right. */
export function line(content: string, b: El | null): El {
  const columns: El[] = [{ tag: 'column', width: 'weighted', weight: 5, vertical_align: 'center', elements: [md(content)] }];
  if (b) columns.push({ tag: 'column', width: 'auto', vertical_align: 'center', elements: [b] });
  return { tag: 'column_set', flex_mode: 'none', horizontal_spacing: '8px', columns };
}

export function panel(title: string, elements: El[], expanded = false): El {
  return {
    tag: 'collapsible_panel',
    expanded,
    header: {
      title: { tag: 'markdown', content: title },
      vertical_align: 'center',
      icon: { tag: 'standard_icon', token: 'down-small-ccm_outlined', size: '16px 16px' },
      icon_position: 'right',
      icon_expanded_angle: -180,
    },
    border: { color: 'grey', corner_radius: '5px' },
    vertical_spacing: '8px',
    padding: '8px 8px 8px 8px',
    elements,
  };
}

export function input(a: {
  name: string;
  label: string;
  placeholder?: string;
  value?: string;
  multiline?: boolean;
  maxLength?: number;
}): El {
  const el: El = {
    tag: 'input',
    name: a.name,
    required: false,
    input_type: a.multiline ? 'multiline_text' : 'text',
    max_length: a.maxLength ?? 1000,
    width: 'fill',
    label: plain(a.label),
    label_position: 'top',
  };
  if (a.multiline) {
    el.rows = 4;
    el.auto_resize = true;
    el.max_rows = 12;
  }
  if (a.placeholder) el.placeholder = plain([...a.placeholder].slice(0, 100).join(''));
  if (a.value) el.default_value = a.value;
  return el;
}

/**
 * The label of a form field whose component has no `label` property (select_static, multi_select_static,
 * date_picker; in the 2.0 tables only `input` has one): a markdown line just above it. Static text of ours.
 */
export function fieldLabel(text: string): El {
  return md(`**${text}**`);
}

export function select(a: {
  name: string;
  placeholder: string;
  options: readonly { text: string; value: string }[];
  value?: string;
}): El {
  const el: El = {
    tag: 'select_static',
    name: a.name,
    required: false,
    width: 'default',
    placeholder: plain(a.placeholder),
    options: options(a.options),
    behaviors: fieldBehaviors(a.name),
  };
  if (a.value && a.options.some((o) => o.value === a.value)) el.initial_option = a.value;
  return el;
}

/** A multi-select of a form; `selected` are the values chosen at first (2.0 `selected_values`). */
export function multiSelect(a: {
  name: string;
  placeholder: string;
  options: readonly { text: string; value: string }[];
  selected: readonly string[];
}): El {
  const values = new Set(a.options.map((o) => o.value));
  return {
    tag: 'multi_select_static',
    name: a.name,
    required: false,
    width: 'fill',
    placeholder: plain(a.placeholder),
    options: options(a.options),
    selected_values: a.selected.filter((v) => values.has(v)),
    behaviors: fieldBehaviors(a.name),
  };
}

/** A date picker of a form, showing `date` (yyyy-MM-dd) at first; empty (the placeholder) without one. */
export function datePicker(a: { name: string; placeholder: string; date?: string }): El {
  return {
    tag: 'date_picker',
    name: a.name,
    required: false,
    width: 'default',
    placeholder: plain(a.placeholder),
    ...(a.date ? { initial_date: a.date } : {}),
    behaviors: fieldBehaviors(a.name),
  };
}

function options(list: readonly { text: string; value: string }[]): El[] {
  return list.map((o) => ({ text: plain(o.text), value: o.value }));
}

/**
 * The behaviors of a select or date picker. The 2.0 tables require them ("behaviors | 是"), but inside a form
 * a control sends nothing of its own: its value travels in the submit's form_value, so this value never
 * reaches the bot. It names the field, for the logs should a client send it anyway.
 */
function fieldBehaviors(name: string): El[] {
  return [{ type: 'callback', value: { k: 'field', f: name } }];
}

export function form(name: string, elements: El[]): El {
  return { tag: 'form', name, elements };
}

/** Size of the card as Feishu measures it: the request body that carries it, the card escaped in a string. */
export const cardBytes: (c: unknown) => number = cardRequestBytes;

/**
 * What the bot allows a card: Feishu's limit (CARD_BODY_MAX_BYTES) less a margin, because "若消息中包含大量样式
 * 标签，会使实际消息体长度大于传入的请求体长度" (send page) and our cards use <font> tags.
 */
export const CARD_MAX_BYTES = CARD_BODY_MAX_BYTES - 2000;

/** The line a card shows when it had to leave content out to stay within CARD_MAX_BYTES. */
export const TRIMMED_NOTE = '内容较长，已截取部分显示。';

/**
 * Builds the card with the first budget whose card fits CARD_MAX_BYTES (budgets go from most to least
 * content; `trimmed` is true for all but the first, and the card then says so with TRIMMED_NOTE). A card
 * still too large with the last budget is cut down by shrinkToFit: a card is never refused for its size.
 */
export function fitCard<B>(budgets: readonly B[], build: (b: B, trimmed: boolean) => El): El {
  let c: El = {};
  for (const [i, b] of budgets.entries()) {
    c = build(b, i > 0);
    if (cardBytes(c) <= CARD_MAX_BYTES) return c;
  }
  return shrinkToFit(c);
}

/** TRIMMED_NOTE as a markdown element (grey). */
export function trimmedNote(): El {
  return md(grey(TRIMMED_NOTE));
}

/**
 * Last resort for a card over CARD_MAX_BYTES: halves its longest markdown texts until it fits, and puts
 * TRIMMED_NOTE first unless the card shows it already. Buttons, forms and inputs are kept as they are.
 */
export function shrinkToFit(c: El): El {
  if (cardBytes(c) <= CARD_MAX_BYTES) return c;
  const out = structuredClone(c);
  const body = out.body as { elements: El[] };
  const texts: El[] = [];
  const collect = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const el of list as El[]) {
      if (el.tag === 'markdown') texts.push(el);
      collect(el.elements);
      if (Array.isArray(el.columns)) for (const col of el.columns as El[]) collect(col.elements);
    }
  };
  collect(body.elements);
  const note = JSON.stringify(trimmedNote());
  if (!body.elements.some((el) => JSON.stringify(el) === note)) body.elements.unshift(trimmedNote());
  while (cardBytes(out) > CARD_MAX_BYTES) {
    const longest = texts.reduce<El | undefined>((a, b) => (a && String(a.content).length >= String(b.content).length ? a : b), undefined);
    const len = longest ? [...String(longest.content)].length : 0;
    if (!longest || len <= 20) break;
    longest.content = clipMarkup(String(longest.content), Math.floor(len / 2));
  }
  return out;
}

/** Cuts markdown to at most `max` characters without leaving half an entity (&#60;) or half a tag (<font …>). */
export function clipMarkup(content: string, max: number): string {
  const chars = [...content];
  if (chars.length <= max) return content;
  const cut = chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .replace(/&#?\w*$/, '')
    .replace(/<[^>]*$/, '');
  return `${cut}…`;
}
