// A checker for Card JSON 2.0, as strict as the Feishu server is (reference §4 and its Corrections). Used by
// the fake Open Platform on message create/patch, card/update and card-callback answers, and by the card tests.
// Every tag and every property is checked against the closed tables of card-props.ts (from the official 2.0
// pages): in 2.0 "传入不支持的属性将报错".
//
// Error codes are the card-build codes Feishu puts inside the 230099 message ("ErrCode: 2006xx ..."):
//   200621 "parse card json err": an unknown property (captured: "ErrCode 200621: parse card json err —
//          unknown property: elements, path: []", bigduu/Bamboo-agent#484), a wrong type, a missing property;
//   200861 unsupported tag / 1.0 capability in a 2.0 card (captured: "cards of schema V2 no longer support this
//          capability; unsupported tag note (ErrCode: 200861)", deepcoldy/botmux#139);
//   200530 a form component without a (card-unique) name (the callback page's client code for it);
//   200550 too many elements / nested too deep, 200570 a value out of its documented range or list (codes not
//          captured: the closest ones are chosen).
// Callers should assert on `ok` and on `message`, not on which of the uncaptured codes a rule maps to.
import { BEHAVIORS, type Prop, type Props, type Struct, TAGS, type TagSpec, TOP, V1_ONLY_TAGS } from './card-props.ts';

export type CardCheckResult =
  | {
      ok: true;
      /** Elements counted toward the 200 limit: components (columns too), text elements, icons, the header. */
      components: number;
    }
  | { ok: false; errCode: number; message: string; path: string; value?: string };

/** "一张卡片最多支持 200 个元素（如 tag 为 plain_text 的文本元素）或组件" (structure page): icons count too (Corrections). */
export const CARD_MAX_COMPONENTS = 200;
/** "容器类组件最多支持嵌套五层组件" (form, panel and column-set pages). */
export const CARD_MAX_NESTING = 5;

class CardError extends Error {
  constructor(
    readonly errCode: number,
    message: string,
    readonly path: string,
    readonly value?: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Walk {
  count: number;
  names: Set<string>;
  elementIds: Set<string>;
}

/** Where a component sits: container levels above it, and whether a form is one of them. */
interface At {
  depth: number;
  inForm: boolean;
}

const at = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
const shown = (path: string) => (path === '' ? '[]' : path);

function count(w: Walk, path: string): void {
  w.count += 1;
  if (w.count > CARD_MAX_COMPONENTS) {
    throw new CardError(200550, `card has more than ${CARD_MAX_COMPONENTS} elements and components`, path);
  }
}

function unknown(key: string, path: string, why = ''): never {
  throw new CardError(200621, `parse card json err: unknown property: ${key}, path: ${shown(path)}${why}`, path, key);
}

/** A closed object: no property outside `spec`, required ones present, each value of its kind. */
function checkStruct(o: Obj, spec: Struct, path: string, w: Walk, where: At): void {
  if (typeof o.tag === 'string') count(w, path);
  for (const key of Object.keys(o)) if (!(key in spec.props)) unknown(key, path);
  checkProps(o, spec.props, path, w, where);
  if (spec.anyOf && !spec.anyOf.some((k) => o[k] !== undefined)) {
    throw new CardError(200621, `${path} needs ${spec.anyOf.join(' or ')}`, path);
  }
}

function checkProps(o: Obj, props: Props, path: string, w: Walk, where: At): void {
  for (const [key, prop] of Object.entries(props)) {
    const v = o[key];
    const p = at(path, key);
    if (v === undefined) {
      if (prop.required) throw new CardError(200621, `${p} is required`, p, key);
      continue;
    }
    checkValue(v, prop, p, w, where);
  }
}

function typeError(path: string, what: string): never {
  throw new CardError(200621, `${path} must be ${what}`, path);
}

function rangeError(path: string, what: string): never {
  throw new CardError(200570, `${path} must be ${what}`, path);
}

function checkValue(v: unknown, prop: Prop, path: string, w: Walk, where: At): void {
  switch (prop.k) {
    case 'string':
      if (typeof v !== 'string') typeError(path, 'a string');
      if (prop.enum && !prop.enum.includes(v)) rangeError(path, `one of ${prop.enum.join(', ')}`);
      if (prop.valid && !prop.valid(v)) rangeError(path, prop.what ?? 'valid');
      if (prop.maxChars !== undefined && [...v].length > prop.maxChars) rangeError(path, `at most ${prop.maxChars} characters`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') typeError(path, 'a boolean');
      if (prop.equals !== undefined && v !== prop.equals) rangeError(path, String(prop.equals));
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) typeError(path, 'a number');
      if (prop.int && !Number.isInteger(v)) rangeError(path, 'an integer');
      if ((prop.min !== undefined && v < prop.min) || (prop.max !== undefined && v > prop.max)) {
        rangeError(path, `in ${prop.min ?? '-∞'}..${prop.max ?? '∞'}`);
      }
      if (prop.enum && !prop.enum.includes(v)) rangeError(path, `one of ${prop.enum.join(', ')}`);
      return;
    case 'json':
      return;
    case 'object':
      if (!isObj(v)) typeError(path, 'an object');
      return;
    case 'strings':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) typeError(path, 'an array of strings');
      return;
    case 'struct':
      if (!isObj(v)) typeError(path, 'an object');
      checkStruct(v, prop.spec, path, w, where);
      return;
    case 'list':
      if (!Array.isArray(v)) typeError(path, 'an array');
      if (prop.max !== undefined && v.length > prop.max) rangeError(path, `at most ${prop.max} entries`);
      v.forEach((x, i) => {
        const p = `${path}[${i}]`;
        if (!isObj(x)) typeError(p, 'an object');
        checkStruct(x, prop.spec, p, w, where);
      });
      return;
    case 'elements':
      if (!Array.isArray(v)) typeError(path, 'an array');
      if (prop.max !== undefined && v.length > prop.max) rangeError(path, `at most ${prop.max} entries`);
      v.forEach((el, i) => {
        checkComponent(el, `${path}[${i}]`, w, where, false);
      });
      return;
    case 'columns':
      if (!Array.isArray(v)) typeError(path, 'an array');
      v.forEach((col, i) => {
        checkComponent(col, `${path}[${i}]`, w, where, true);
      });
      return;
    case 'behaviors':
      if (!Array.isArray(v)) typeError(path, 'an array');
      v.forEach((b, i) => {
        const p = `${path}[${i}]`;
        if (!isObj(b)) typeError(p, 'an object');
        const spec = typeof b.type === 'string' ? BEHAVIORS[b.type] : undefined;
        if (!spec) rangeError(`${p}.type`, `one of ${Object.keys(BEHAVIORS).join(', ')}`);
        checkStruct(b, spec, p, w, where);
      });
      return;
  }
}

function checkComponent(el: unknown, path: string, w: Walk, where: At, asColumn: boolean): void {
  if (!isObj(el)) typeError(path, 'an object');
  const tag = el.tag;
  if (typeof tag !== 'string') throw new CardError(200621, `${path}.tag is missing`, path);
  if (V1_ONLY_TAGS.has(tag)) {
    throw new CardError(200861, `cards of schema V2 no longer support this capability; unsupported tag ${tag} (${path})`, path, tag);
  }
  if (asColumn !== (tag === 'column')) {
    if (asColumn) typeError(path, 'a column');
    // `column` is only valid inside column_set.columns.
    throw new CardError(200861, `unsupported tag ${tag} (${path})`, path, tag);
  }
  const spec: TagSpec | undefined = TAGS[tag];
  if (!spec) throw new CardError(200861, `unsupported tag ${tag} (${path})`, path, tag);
  count(w, path);

  if (typeof el.element_id === 'string') {
    if (w.elementIds.has(el.element_id)) {
      throw new CardError(200570, `${path}.element_id ${el.element_id} is not unique in the card`, path, el.element_id);
    }
    w.elementIds.add(el.element_id);
  }
  // A column sits at the level of its column_set.
  const depth = spec.container && tag !== 'column' ? where.depth + 1 : where.depth;
  if (depth > CARD_MAX_NESTING) throw new CardError(200550, `containers are nested deeper than ${CARD_MAX_NESTING} levels`, path);
  if (tag === 'form' && (where.depth !== 0 || where.inForm)) {
    throw new CardError(200621, `${path}: a form may only sit at the root of body.elements`, path);
  }
  if (spec.formOnly && !where.inForm) throw new CardError(200621, `${path}: ${tag} may only be used inside a form`, path);
  if (!where.inForm) {
    for (const key of spec.formProps ?? []) if (el[key] !== undefined) unknown(key, path, ' (only inside a form)');
  }
  checkNames(el, spec, path, w, where);

  for (const key of Object.keys(el)) if (!(key in spec.props)) unknown(key, path);
  checkProps(el, spec.props, path, w, { depth, inForm: where.inForm || tag === 'form' });

  if (tag === 'form' && !hasSubmit(el.elements)) {
    throw new CardError(200621, `${path}: a form needs a button with form_action_type "submit"`, path);
  }
  if (tag === 'select_static' || tag === 'multi_select_static') checkSelection(el, path);
}

/** `name`: non-empty and card-unique; required on what a form submits; a button in a form says what it does. */
function checkNames(el: Obj, spec: TagSpec, path: string, w: Walk, where: At): void {
  if (el.name !== undefined) {
    if (typeof el.name !== 'string' || el.name === '') throw new CardError(200530, `${path}.name must be a non-empty string`, path);
    if (w.names.has(el.name)) throw new CardError(200530, `${path}.name ${el.name} is not unique in the card`, path, el.name);
    w.names.add(el.name);
  } else if (where.inForm && spec.interactive) {
    throw new CardError(200530, `${path}: a ${String(el.tag)} inside a form needs a name`, path);
  }
  if (where.inForm && el.tag === 'button' && el.form_action_type === undefined && el.action_type === undefined) {
    throw new CardError(200621, `${path}: a button inside a form needs form_action_type`, path);
  }
}

/** Option values are unique, and the default selection names options of the component. */
function checkSelection(el: Obj, path: string): void {
  const values = (Array.isArray(el.options) ? el.options : []).map((o) => (isObj(o) ? o.value : undefined));
  const set = new Set(values);
  if (set.size !== values.length) rangeError(`${path}.options`, 'options with distinct values');
  if (typeof el.initial_option === 'string' && !set.has(el.initial_option)) rangeError(`${path}.initial_option`, 'the value of one of the options');
  if (typeof el.initial_index === 'number' && el.initial_index > values.length) rangeError(`${path}.initial_index`, `at most ${values.length}`);
  if (Array.isArray(el.selected_values) && !el.selected_values.every((v) => set.has(v))) {
    rangeError(`${path}.selected_values`, 'values of the options');
  }
}

function hasSubmit(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  return list.some((el) => {
    if (!isObj(el)) return false;
    if (el.tag === 'button' && (el.form_action_type === 'submit' || el.action_type === 'form_submit')) return true;
    if (hasSubmit(el.elements)) return true;
    return Array.isArray(el.columns) && el.columns.some((c) => isObj(c) && hasSubmit(c.elements));
  });
}

/** card_link: "url 和各端的链接必填其中一个。如果不填写 url，则必须完整填写 android_url、ios_url、pc_url" (structure page). */
function checkCardLink(link: unknown): void {
  if (!isObj(link) || typeof link.url === 'string') return;
  if (typeof link.android_url !== 'string' || typeof link.ios_url !== 'string' || typeof link.pc_url !== 'string') {
    throw new CardError(200621, 'card_link needs url, or all of android_url, ios_url and pc_url', 'card_link');
  }
}

/**
 * Checks one card (the parsed JSON object, not the string) against the 2.0 tables: schema "2.0", known tags
 * only (no 1.0 `action`/`note`), no property outside a tag's table, required properties, documented values
 * and ranges (input max_length 1..1000, placeholders and button texts ≤ 100 characters, element_id pattern),
 * ≤ 200 elements and components, containers nested ≤ 5 deep, `form` only at the body root, card-unique `name`
 * on every interactive element of a form and a submit button in every form, update_multi not false.
 *
 * Stricter than Feishu in one way, as this project's policy: only 2.0 cards are accepted (Feishu still takes
 * 1.0). A card without `header` or `body` is accepted, as Feishu accepts even "{}" (card-json-v2-structure);
 * that every card of ours has both is checked by the gallery test, not here.
 */
export function checkCard(card: unknown): CardCheckResult {
  try {
    if (!isObj(card)) throw new CardError(200621, 'card must be a JSON object', '');
    if (card.schema !== '2.0') throw new CardError(200621, 'card schema must be "2.0"', 'schema');
    for (const key of ['elements', 'i18n_elements', 'i18n_header']) {
      if (card[key] !== undefined) throw new CardError(200861, `cards of schema V2 put elements under body.elements (${key})`, key, key);
    }
    const w: Walk = { count: isObj(card.header) ? 1 : 0, names: new Set(), elementIds: new Set() }; // the header counts as one
    checkStruct(card, TOP, '', w, { depth: 0, inForm: false });
    checkCardLink(card.card_link);
    return { ok: true, components: w.count };
  } catch (e) {
    if (e instanceof CardError) {
      return { ok: false, errCode: e.errCode, message: e.message, path: e.path, ...(e.value !== undefined ? { value: e.value } : {}) };
    }
    throw e;
  }
}

/** The message Feishu puts in a 230099 answer for a card that failed to build. */
export function cardErrorMessage(r: { errCode: number; message: string; value?: string }): string {
  return `Failed to create card content, ext=ErrCode: ${r.errCode}; ErrMsg: ${r.message}; ErrorValue: ${r.value ?? ''}; `;
}
