// Card JSON 2.0 → HTML for the playground, drawing faithfully the parts our cards use. Pure and deterministic
// (the same card gives the same string): the browser bundle renders messages with it and the snapshot tests
// pin its output. Interactive elements carry `data-path` (their JSON path in the card, "/"-separated) so the
// page can find the element's name, behaviours and confirm dialog in the card JSON it holds.
//
// `cardProblems` lists what a card uses that this renderer does not draw (unknown tags, properties that
// would change meaning, unknown behaviour types, unsupported markdown tags): the gallery test walks every
// card the bot can send through it, so cards and renderer stay honest.
import { entityAt, escapeHtml, px } from './html.ts';
import { type MarkdownOptions, renderInline, renderMarkdown, unsupportedMarkdownTags } from './markdown.ts';
import { HEADER_TEMPLATES, TEXT_TAGS } from '../../feishu/card-spec.ts';

export type RenderOptions = MarkdownOptions;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const COMMON_PROPS = ['tag', 'element_id', 'margin'];

/** Element tags the renderer draws, each with the properties it understands (drawn, or purely cosmetic). */
export const SUPPORTED_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  markdown: ['content', 'text_size', 'text_align'],
  plain_text: ['content', 'text_size', 'text_align'],
  div: ['text'],
  hr: [],
  column_set: ['columns', 'flex_mode', 'horizontal_spacing', 'horizontal_align'],
  collapsible_panel: ['expanded', 'header', 'border', 'vertical_spacing', 'padding', 'elements'],
  form: ['name', 'elements'],
  input: [
    'name',
    'required',
    'placeholder',
    'default_value',
    'input_type',
    'rows',
    'auto_resize',
    'max_rows',
    'max_length',
    'width',
    'label',
    'label_position',
    'disabled',
    'behaviors',
  ],
  button: [
    'text',
    'type',
    'size',
    'width',
    'disabled',
    'disabled_tips',
    'hover_tips',
    'confirm',
    'behaviors',
    'name',
    'form_action_type',
  ],
  select_static: ['name', 'required', 'placeholder', 'options', 'initial_option', 'initial_index', 'width', 'disabled', 'behaviors'],
  multi_select_static: ['name', 'required', 'placeholder', 'options', 'selected_values', 'width', 'disabled', 'behaviors'],
  date_picker: ['name', 'required', 'placeholder', 'initial_date', 'width', 'disabled', 'behaviors'],
  checker: ['name', 'checked', 'text', 'disabled', 'behaviors'],
};

/** Element tags the renderer draws. */
export const SUPPORTED_TAGS: readonly string[] = Object.keys(SUPPORTED_ELEMENTS);

const COLUMN_PROPS = ['tag', 'elements', 'width', 'weight', 'vertical_align', 'vertical_spacing', 'element_id'];
const PANEL_HEADER_PROPS = ['title', 'vertical_align', 'icon', 'icon_position', 'icon_expanded_angle', 'width', 'padding'];
const TOP_PROPS = ['schema', 'config', 'header', 'body'];
const CONFIG_PROPS = ['update_multi', 'width_mode', 'summary', 'enable_forward'];
const HEADER_PROPS = ['title', 'subtitle', 'template', 'padding'];
const BODY_PROPS = ['elements', 'direction', 'padding', 'vertical_spacing'];

/** Behaviour types a button (or other component) may carry that the page performs. */
export const SUPPORTED_BEHAVIORS: readonly string[] = ['callback', 'open_url'];
export const BUTTON_TYPES: readonly string[] = [
  'default',
  'primary',
  'danger',
  'text',
  'primary_text',
  'danger_text',
  'primary_filled',
  'danger_filled',
];
export const INPUT_TYPES: readonly string[] = ['text', 'multiline_text', 'password'];
export { HEADER_TEMPLATES };

// --- honesty check ----------------------------------------------------------------------------------------

/** What the card uses that the renderer does not draw; [] when the renderer draws all of it. */
export function cardProblems(card: unknown): string[] {
  const out: string[] = [];
  if (!isObj(card)) return ['card is not an object'];
  const extra = (o: Obj, allowed: readonly string[], where: string) => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) out.push(`${where}: property "${k}" is not drawn`);
  };
  const text = (v: unknown, where: string) => {
    if (v === undefined) return;
    if (!isObj(v) || typeof v.content !== 'string' || !TEXT_TAGS.includes(String(v.tag))) {
      out.push(`${where}: not a text object the renderer draws`);
      return;
    }
    extra(v, ['tag', 'content'], where);
    if (v.tag !== 'plain_text') for (const t of unsupportedMarkdownTags(v.content)) out.push(`${where}: markdown tag <${t}> is not drawn`);
  };
  extra(card, TOP_PROPS, 'card');
  if (card.schema !== '2.0') out.push('card: schema is not "2.0"');
  if (card.config !== undefined) {
    if (isObj(card.config)) {
      extra(card.config, CONFIG_PROPS, 'config');
      if (card.config.update_multi === false) out.push('config: update_multi false is not drawn');
    } else out.push('config: not an object');
  }
  if (isObj(card.header)) {
    extra(card.header, HEADER_PROPS, 'header');
    text(card.header.title, 'header.title');
    text(card.header.subtitle, 'header.subtitle');
    if (card.header.template !== undefined && !HEADER_TEMPLATES.includes(String(card.header.template))) {
      out.push(`header.template: "${String(card.header.template)}" is not drawn`);
    }
  } else if (card.header !== undefined) out.push('header: not an object');
  if (!isObj(card.body)) {
    out.push('body: missing');
    return out;
  }
  extra(card.body, BODY_PROPS, 'body');
  if (card.body.direction !== undefined && card.body.direction !== 'vertical') out.push('body.direction: only vertical is drawn');
  const behaviors = (v: unknown, where: string) => {
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      out.push(`${where}: not an array`);
      return;
    }
    v.forEach((b, i) => {
      if (!isObj(b) || !SUPPORTED_BEHAVIORS.includes(String(b.type))) {
        out.push(`${where}[${i}]: behaviour type "${isObj(b) ? String(b.type) : typeof b}" is not performed`);
      } else if (b.type === 'open_url') extra(b, ['type', 'default_url', 'pc_url', 'ios_url', 'android_url'], `${where}[${i}]`);
      else extra(b, ['type', 'value'], `${where}[${i}]`);
    });
  };
  const elements = (list: unknown, where: string) => {
    if (!Array.isArray(list)) {
      out.push(`${where}: not an array`);
      return;
    }
    for (const [i, el] of list.entries()) element(el, `${where}[${i}]`);
  };
  const element = (el: unknown, where: string) => {
    if (!isObj(el) || typeof el.tag !== 'string') {
      out.push(`${where}: not an element`);
      return;
    }
    const allowed = SUPPORTED_ELEMENTS[el.tag];
    if (!allowed) {
      out.push(`${where}: tag "${el.tag}" is not drawn`);
      return;
    }
    extra(el, [...COMMON_PROPS, ...allowed], `${where} (${el.tag})`);
    behaviors(el.behaviors, `${where}.behaviors`);
    switch (el.tag) {
      case 'markdown':
        if (typeof el.content === 'string') {
          for (const t of unsupportedMarkdownTags(el.content)) out.push(`${where}: markdown tag <${t}> is not drawn`);
        }
        break;
      case 'div':
        text(el.text, `${where}.text`);
        break;
      case 'column_set':
        if (!Array.isArray(el.columns)) out.push(`${where}.columns: not an array`);
        else
          el.columns.forEach((c, j) => {
            const cw = `${where}.columns[${j}]`;
            if (!isObj(c) || c.tag !== 'column') {
              out.push(`${cw}: not a column`);
              return;
            }
            extra(c, COLUMN_PROPS, cw);
            elements(c.elements ?? [], `${cw}.elements`);
          });
        break;
      case 'collapsible_panel':
        if (isObj(el.header)) {
          extra(el.header, PANEL_HEADER_PROPS, `${where}.header`);
          text(el.header.title, `${where}.header.title`);
        } else out.push(`${where}.header: missing`);
        elements(el.elements ?? [], `${where}.elements`);
        break;
      case 'form':
        elements(el.elements, `${where}.elements`);
        break;
      case 'input':
        text(el.placeholder, `${where}.placeholder`);
        text(el.label, `${where}.label`);
        if (el.input_type !== undefined && !INPUT_TYPES.includes(String(el.input_type))) {
          out.push(`${where}: input_type "${String(el.input_type)}" is not drawn`);
        }
        break;
      case 'button':
        text(el.text, `${where}.text`);
        text(el.disabled_tips, `${where}.disabled_tips`);
        text(el.hover_tips, `${where}.hover_tips`);
        if (el.type !== undefined && !BUTTON_TYPES.includes(String(el.type))) out.push(`${where}: button type "${String(el.type)}" is not drawn`);
        if (el.confirm !== undefined) {
          if (!isObj(el.confirm)) out.push(`${where}.confirm: not an object`);
          else {
            extra(el.confirm, ['title', 'text'], `${where}.confirm`);
            text(el.confirm.title, `${where}.confirm.title`);
            text(el.confirm.text, `${where}.confirm.text`);
          }
        }
        if (el.form_action_type !== undefined && el.form_action_type !== 'submit' && el.form_action_type !== 'reset') {
          out.push(`${where}: form_action_type "${String(el.form_action_type)}" is not performed`);
        }
        break;
      case 'select_static':
      case 'multi_select_static':
        text(el.placeholder, `${where}.placeholder`);
        if (Array.isArray(el.options)) {
          el.options.forEach((op, j) => {
            if (!isObj(op) || typeof op.value !== 'string') out.push(`${where}.options[${j}]: not an option`);
            else {
              extra(op, ['text', 'value'], `${where}.options[${j}]`);
              text(op.text, `${where}.options[${j}].text`);
            }
          });
        }
        break;
      case 'date_picker':
        text(el.placeholder, `${where}.placeholder`);
        break;
      case 'checker':
        text(el.text, `${where}.text`);
        break;
    }
  };
  elements(card.body.elements, 'body.elements');
  return out;
}

// --- rendering --------------------------------------------------------------------------------------------

function textOf(v: unknown, o: RenderOptions, inline = true): string {
  if (!isObj(v) || typeof v.content !== 'string') return '';
  if (v.tag === 'plain_text') return escapeHtml(v.content).replace(/\n/g, '<br>');
  return inline ? renderInline(v.content, o) : renderMarkdown(v.content, o);
}

function plainOf(v: unknown): string {
  return isObj(v) && typeof v.content === 'string' ? v.content : '';
}

function attr(name: string, value: string | number | undefined | null | false): string {
  if (value === undefined || value === null || value === false) return '';
  return ` ${name}="${escapeHtml(String(value))}"`;
}

function flag(name: string, on: unknown): string {
  return on === true ? ` ${name}` : '';
}

function widthClass(v: unknown): { cls: string; style: string } {
  if (v === 'fill') return { cls: ' w-fill', style: '' };
  if (typeof v === 'string' && /^\d{2,4}px$/.test(v)) return { cls: '', style: ` style="width:${v};max-width:100%"` };
  return { cls: ' w-default', style: '' };
}

/** select_static's first choice: initial_option (a value), else initial_index (1 = the first option, 0 = none). */
function initialOption(el: Obj, options: Obj[]): string[] {
  if (typeof el.initial_option === 'string') return [el.initial_option];
  const i = el.initial_index;
  const op = typeof i === 'number' && Number.isInteger(i) && i >= 1 ? options[i - 1] : undefined;
  return op ? [String(op.value)] : [];
}

interface Ctx {
  o: RenderOptions;
  inForm: boolean;
}

/** Controls without a `label` property of their own: the markdown line just above is their label (cards/parts.ts fieldLabel). */
const LABELLED_ABOVE = ['select_static', 'multi_select_static', 'date_picker'];

/** A markdown element's text without its markup, for an aria-label (attr escapes it again). */
function labelText(el: Obj): string {
  const html = renderMarkdown(typeof el.content === 'string' ? el.content : '', {}).replace(/<[^>]*>/g, ' ');
  let out = '';
  for (let i = 0; i < html.length; ) {
    const e = html[i] === '&' ? entityAt(html, i) : null;
    out += e ? e[0] : html[i];
    i += e ? e[1] : 1;
  }
  return out.replace(/\s+/g, ' ').trim();
}

function renderElements(list: unknown, path: string, c: Ctx): string {
  if (!Array.isArray(list)) return '';
  return list
    .map((el, i) => {
      const above = list[i - 1];
      const label = isObj(el) && LABELLED_ABOVE.includes(String(el.tag)) && isObj(above) && above.tag === 'markdown' ? labelText(above) : undefined;
      const labels = isObj(el) && el.tag === 'markdown' && isObj(list[i + 1]) && LABELLED_ABOVE.includes(String((list[i + 1] as Obj).tag));
      return renderElement(el, `${path}/${i}`, c, { label, labels });
    })
    .join('');
}

/** `label`: the text of the markdown line above a control that has no label property; `labels`: this markdown is one. */
function renderElement(el: unknown, path: string, c: Ctx, f: { label?: string; labels?: boolean } = {}): string {
  if (!isObj(el)) return '';
  const o = c.o;
  const p = attr('data-path', path);
  const aria = attr('aria-label', f.label || undefined);
  switch (el.tag) {
    case 'markdown': {
      const size = typeof el.text_size === 'string' && /^[a-z_-]{1,24}$/.test(el.text_size) ? ` md-size-${el.text_size}` : '';
      const align = el.text_align === 'center' || el.text_align === 'right' ? ` align-${el.text_align}` : '';
      return `<div class="el md${size}${align}${f.labels ? ' md-label' : ''}">${renderMarkdown(typeof el.content === 'string' ? el.content : '', o)}</div>`;
    }
    case 'plain_text':
      return `<div class="el pt">${escapeHtml(typeof el.content === 'string' ? el.content : '').replace(/\n/g, '<br>')}</div>`;
    case 'div':
      return `<div class="el div">${textOf(el.text, o, false)}</div>`;
    case 'hr':
      return '<hr class="el hr">';
    case 'column_set': {
      const mode = typeof el.flex_mode === 'string' && /^[a-z]{1,10}$/.test(el.flex_mode) ? el.flex_mode : 'none';
      const gap = px(el.horizontal_spacing, '8px');
      const cols = Array.isArray(el.columns) ? el.columns : [];
      return `<div class="el cs cs-${mode}" style="gap:${gap}">${cols
        .map((col, j) => {
          if (!isObj(col)) return '';
          let cls = 'col';
          let style = '';
          if (col.width === 'auto') cls += ' col-auto';
          else if (typeof col.width === 'string' && /^\d{1,4}px$/.test(col.width)) style = ` style="flex:0 0 ${col.width}"`;
          else {
            const w = typeof col.weight === 'number' && Number.isInteger(col.weight) && col.weight >= 1 && col.weight <= 5 ? col.weight : 1;
            style = ` style="flex:${w} 1 0"`;
          }
          if (col.vertical_align === 'center' || col.vertical_align === 'bottom') cls += ` va-${col.vertical_align}`;
          return `<div class="${cls}"${style}>${renderElements(col.elements, `${path}/columns/${j}/elements`, c)}</div>`;
        })
        .join('')}</div>`;
    }
    case 'collapsible_panel': {
      const h = isObj(el.header) ? el.header : {};
      const border = isObj(el.border) ? ' panel-border' : '';
      return (
        `<details class="el panel${border}"${flag('open', el.expanded)}>` +
        `<summary class="panel-h"><span class="panel-title">${textOf(h.title, o)}</span><span class="panel-icon" aria-hidden="true"></span></summary>` +
        `<div class="panel-b">${renderElements(el.elements, `${path}/elements`, c)}</div></details>`
      );
    }
    case 'form':
      return `<form class="el form"${p}${attr('data-form', typeof el.name === 'string' ? el.name : '')} novalidate>${renderElements(el.elements, `${path}/elements`, { ...c, inForm: true })}</form>`;
    case 'input': {
      const w = widthClass(el.width);
      const multiline = el.input_type === 'multiline_text';
      const max = typeof el.max_length === 'number' && Number.isInteger(el.max_length) ? Math.min(Math.max(el.max_length, 1), 1000) : 1000;
      const common =
        `${attr('class', 'inp-ctl')}${p}${attr('data-kind', 'input')}${attr('data-name', typeof el.name === 'string' ? el.name : undefined)}` +
        `${attr('maxlength', max)}${attr('placeholder', plainOf(el.placeholder) || undefined)}${flag('required', el.required)}${flag('disabled', el.disabled)}`;
      const value = typeof el.default_value === 'string' ? el.default_value : '';
      const rows = typeof el.rows === 'number' && Number.isInteger(el.rows) && el.rows >= 1 && el.rows <= 30 ? el.rows : 5;
      const maxRows = typeof el.max_rows === 'number' && Number.isInteger(el.max_rows) && el.max_rows >= 1 ? el.max_rows : undefined;
      const ctl = multiline
        ? `<textarea${common}${attr('rows', rows)}${el.auto_resize === true ? attr('data-max-rows', maxRows ?? 30) : ''}>${escapeHtml(value)}</textarea>`
        : `<input${common}${attr('type', el.input_type === 'password' ? 'password' : 'text')}${attr('value', value)}>`;
      const label = el.label !== undefined ? `<span class="inp-label">${el.required === true ? '<span class="req">*</span>' : ''}${textOf(el.label, o)}</span>` : '';
      const left = el.label_position === 'left' ? ' inp-left' : '';
      return `<label class="el inp${left}${w.cls}"${w.style}>${label}${ctl}<span class="inp-count" data-count${attr('data-max', max)}>${[...value].length}/${max}</span></label>`;
    }
    case 'button': {
      const type = BUTTON_TYPES.includes(String(el.type)) ? String(el.type) : 'default';
      const size = ['tiny', 'small', 'medium', 'large'].includes(String(el.size)) ? String(el.size) : 'medium';
      const w = widthClass(el.width === 'fill' ? 'fill' : el.width);
      const kind = el.form_action_type === 'submit' ? 'submit' : el.form_action_type === 'reset' ? 'reset' : 'click';
      const tips = el.disabled === true ? plainOf(el.disabled_tips) : plainOf(el.hover_tips);
      return (
        `<button type="button" class="btn btn-${type} btn-${size}${el.width === undefined ? '' : w.cls}"${w.style}${p}` +
        `${attr('data-kind', 'button')}${attr('data-action', kind)}${attr('data-name', typeof el.name === 'string' ? el.name : undefined)}` +
        `${isObj(el.confirm) ? ' data-confirm' : ''}${attr('title', tips || undefined)}${flag('disabled', el.disabled)}>${textOf(el.text, o)}</button>`
      );
    }
    case 'select_static':
    case 'multi_select_static': {
      const multi = el.tag === 'multi_select_static';
      const w = widthClass(el.width);
      const options = (Array.isArray(el.options) ? el.options : []).filter(isObj);
      const initial = multi ? (Array.isArray(el.selected_values) ? el.selected_values.map(String) : []) : initialOption(el, options);
      const has = options.some((op) => initial.includes(String(op.value)));
      const placeholder = plainOf(el.placeholder) || '请选择';
      return (
        `<select class="el sel${w.cls}"${w.style}${p}${aria}${attr('data-kind', String(el.tag))}${attr('data-name', typeof el.name === 'string' ? el.name : undefined)}` +
        `${flag('multiple', multi)}${flag('required', el.required)}${flag('disabled', el.disabled)}>` +
        (multi ? '' : `<option value="" disabled hidden${has ? '' : ' selected'}>${escapeHtml(placeholder)}</option>`) +
        options
          .map((op) => `<option${attr('value', String(op.value))}${initial.includes(String(op.value)) ? ' selected' : ''}>${escapeHtml(plainOf(op.text) || String(op.value))}</option>`)
          .join('') +
        '</select>'
      );
    }
    case 'date_picker': {
      const w = widthClass(el.width);
      const initial = typeof el.initial_date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(el.initial_date) ? el.initial_date : undefined;
      return (
        `<input type="date" class="el date${w.cls}"${w.style}${p}${aria}${attr('data-kind', 'date_picker')}${attr('data-name', typeof el.name === 'string' ? el.name : undefined)}` +
        `${attr('value', initial)}${attr('title', plainOf(el.placeholder) || undefined)}${flag('required', el.required)}${flag('disabled', el.disabled)}>`
      );
    }
    case 'checker':
      return (
        `<label class="el checker"><input type="checkbox"${p}${attr('data-kind', 'checker')}${attr('data-name', typeof el.name === 'string' ? el.name : undefined)}` +
        `${flag('checked', el.checked)}${flag('disabled', el.disabled)}><span class="checker-text">${textOf(el.text, o)}</span></label>`
      );
    default:
      return `<div class="el unsupported">[体验环境暂不支持显示此组件：${escapeHtml(String(el.tag))}]</div>`;
  }
}

/** The card as HTML. Unknown elements are drawn as a visible placeholder (the gallery test forbids them). */
export function renderCard(card: unknown, o: RenderOptions = {}): string {
  if (!isObj(card)) return '<div class="card card-invalid">[无法显示的卡片]</div>';
  if (card.type === 'template') return '<div class="card card-invalid">[模板卡片：体验环境无法显示]</div>';
  const config = isObj(card.config) ? card.config : {};
  const width = config.width_mode === 'fill' ? 'fill' : config.width_mode === 'compact' ? 'compact' : 'default';
  let head = '';
  if (isObj(card.header)) {
    const tpl = HEADER_TEMPLATES.includes(String(card.header.template)) ? String(card.header.template) : 'default';
    const sub = card.header.subtitle !== undefined ? `<div class="card-subtitle">${textOf(card.header.subtitle, o)}</div>` : '';
    head = `<div class="card-header tpl-${tpl}"><div class="card-title">${textOf(card.header.title, o)}</div>${sub}</div>`;
  }
  const body = isObj(card.body) ? card.body : {};
  return `<div class="card card-${width}">${head}<div class="card-body">${renderElements(body.elements, 'body/elements', { o, inForm: false })}</div></div>`;
}

/** The element at a data-path produced by renderCard ("body/elements/3/columns/0/elements/1"). */
export function elementAt(card: unknown, path: string): Obj | undefined {
  let cur: unknown = card;
  for (const part of path.split('/')) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObj(cur)) cur = cur[part];
    else return undefined;
  }
  return isObj(cur) ? cur : undefined;
}
