// Small builders for Card JSON 2.0 (reference §4). Text passed to `md` must already be safe: static
// text of ours, or user text that went through escapeMd (cards/escape.ts).
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
    options: a.options.map((o) => ({ text: plain(o.text), value: o.value })),
  };
  if (a.value && a.options.some((o) => o.value === a.value)) el.initial_option = a.value;
  return el;
}

export function form(name: string, elements: El[]): El {
  return { tag: 'form', name, elements };
}

/** Size of the card as sent (UTF-8 bytes of its JSON). */
export function cardBytes(c: unknown): number {
  return Buffer.byteLength(JSON.stringify(c), 'utf8');
}
