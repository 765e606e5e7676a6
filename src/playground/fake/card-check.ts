// A checker for Card JSON 2.0, as strict as the Feishu server is (reference §4). Used by the fake Open
// Platform on message create/patch, card/update and card-callback answers, and by renderer tests.
//
// Error codes are the card-build codes Feishu puts inside the 230099 message ("ErrCode: 2008xx ..."):
//   200621 parse/structure error, 200861 unsupported tag / 1.0 capability in a 2.0 card, 200530 form
//   component without a (unique) name, 200550 too many components / nested too deep, 200570 bad property.
// Where the exact code of a rule is not documented the checker picks the closest one; callers should
// assert on `ok` and on `message`, not on which of these codes a rule maps to.
import { HEADER_TEMPLATES as HEADER_TEMPLATE_LIST, TEXT_TAGS as TEXT_TAG_LIST } from '../../feishu/card-spec.ts';

export type CardCheckResult =
  | { ok: true; components: number }
  | { ok: false; errCode: number; message: string; path: string };

export const CARD_MAX_COMPONENTS = 200;
export const CARD_MAX_NESTING = 5;

/** Tags a 2.0 card may contain (a deliberately closed list: whatever the bot does not use is refused). */
export const KNOWN_TAGS = new Set([
  'markdown',
  'plain_text',
  'div',
  'hr',
  'column_set',
  'column',
  'collapsible_panel',
  'form',
  'input',
  'button',
  'select_static',
  'multi_select_static',
  'date_picker',
  'checker',
  'img',
]);

/** 1.0 tags that 2.0 dropped: Feishu answers 200861 "unsupported tag". */
const V1_ONLY_TAGS = new Set(['action', 'note']);

const INTERACTIVE_TAGS = new Set(['input', 'button', 'select_static', 'multi_select_static', 'date_picker', 'checker']);
const CONTAINER_TAGS = new Set(['column_set', 'collapsible_panel', 'form']);
const ELEMENT_ID = /^[a-zA-Z][a-zA-Z0-9_]{0,19}$/;
const TEXT_TAGS = new Set(TEXT_TAG_LIST);
const HEADER_TEMPLATES = new Set(HEADER_TEMPLATE_LIST);

class CardError extends Error {
  constructor(
    readonly errCode: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Walk {
  components: number;
  names: Set<string>;
  elementIds: Set<string>;
}

function checkText(v: unknown, path: string, required: boolean): void {
  if (v === undefined && !required) return;
  if (!isObj(v)) throw new CardError(200621, `${path} must be a text object {tag, content}`, path);
  if (typeof v.tag !== 'string' || !TEXT_TAGS.has(v.tag)) {
    throw new CardError(200621, `${path}.tag must be plain_text or lark_md`, path);
  }
  if (typeof v.content !== 'string') throw new CardError(200621, `${path}.content must be a string`, path);
}

function checkElements(list: unknown, path: string, depth: number, w: Walk, inForm: boolean): void {
  if (!Array.isArray(list)) throw new CardError(200621, `${path} must be an array`, path);
  list.forEach((el, i) => {
    checkElement(el, `${path}[${i}]`, depth, w, inForm);
  });
}

function checkElement(el: unknown, path: string, depth: number, w: Walk, inForm: boolean): void {
  if (!isObj(el)) throw new CardError(200621, `${path} must be an object`, path);
  const tag = el.tag;
  if (typeof tag !== 'string') throw new CardError(200621, `${path}.tag is missing`, path);
  if (V1_ONLY_TAGS.has(tag)) {
    throw new CardError(
      200861,
      `cards of schema V2 no longer support this capability; unsupported tag ${tag} (${path})`,
      path,
    );
  }
  if (!KNOWN_TAGS.has(tag) || tag === 'column') {
    // `column` is only valid inside column_set.columns.
    throw new CardError(200861, `unsupported tag ${tag} (${path})`, path);
  }
  w.components += 1;
  if (w.components > CARD_MAX_COMPONENTS) {
    throw new CardError(200550, `card has more than ${CARD_MAX_COMPONENTS} components`, path);
  }
  if (el.element_id !== undefined) {
    if (typeof el.element_id !== 'string' || !ELEMENT_ID.test(el.element_id)) {
      throw new CardError(
        200570,
        `${path}.element_id must be 1-20 letters, digits or underscores and start with a letter`,
        path,
      );
    }
    if (w.elementIds.has(el.element_id)) {
      throw new CardError(200570, `${path}.element_id ${el.element_id} is not unique in the card`, path);
    }
    w.elementIds.add(el.element_id);
  }
  if (CONTAINER_TAGS.has(tag) && depth + 1 > CARD_MAX_NESTING) {
    throw new CardError(200550, `containers are nested deeper than ${CARD_MAX_NESTING} levels`, path);
  }
  if (el.name !== undefined) {
    if (typeof el.name !== 'string' || el.name === '') {
      throw new CardError(200530, `${path}.name must be a non-empty string`, path);
    }
    if (w.names.has(el.name)) throw new CardError(200530, `${path}.name ${el.name} is not unique in the card`, path);
    w.names.add(el.name);
  } else if (inForm && INTERACTIVE_TAGS.has(tag)) {
    throw new CardError(200530, `${path}: a ${tag} inside a form needs a name`, path);
  }

  switch (tag) {
    case 'markdown':
      if (typeof el.content !== 'string') throw new CardError(200621, `${path}.content must be a string`, path);
      return;
    case 'plain_text':
      if (typeof el.content !== 'string') throw new CardError(200621, `${path}.content must be a string`, path);
      return;
    case 'div':
      checkText(el.text, `${path}.text`, false);
      if (el.fields !== undefined && !Array.isArray(el.fields)) {
        throw new CardError(200621, `${path}.fields must be an array`, path);
      }
      return;
    case 'hr':
      return;
    case 'img':
      if (typeof el.img_key !== 'string' || el.img_key === '') {
        throw new CardError(200621, `${path}.img_key must be a non-empty string`, path);
      }
      return;
    case 'column_set': {
      if (!Array.isArray(el.columns)) throw new CardError(200621, `${path}.columns must be an array`, path);
      el.columns.forEach((col, i) => {
        const cpath = `${path}.columns[${i}]`;
        if (!isObj(col) || col.tag !== 'column') throw new CardError(200621, `${cpath} must be a column`, cpath);
        w.components += 1;
        if (w.components > CARD_MAX_COMPONENTS) {
          throw new CardError(200550, `card has more than ${CARD_MAX_COMPONENTS} components`, cpath);
        }
        checkElements(col.elements ?? [], `${cpath}.elements`, depth + 1, w, inForm);
      });
      return;
    }
    case 'collapsible_panel': {
      if (!isObj(el.header)) throw new CardError(200621, `${path}.header is required`, path);
      checkText(el.header.title, `${path}.header.title`, true);
      assertNoForm(el.elements, `${path}.elements`);
      checkElements(el.elements ?? [], `${path}.elements`, depth + 1, w, inForm);
      return;
    }
    case 'form': {
      if (depth !== 0) throw new CardError(200621, `${path}: a form may only sit at the root of body.elements`, path);
      if (typeof el.name !== 'string') throw new CardError(200530, `${path}: a form needs a name`, path);
      assertNoForm(el.elements, `${path}.elements`);
      checkElements(el.elements, `${path}.elements`, depth + 1, w, true);
      if (!hasSubmit(el.elements)) {
        throw new CardError(200621, `${path}: a form needs a button with form_action_type "submit"`, path);
      }
      return;
    }
    case 'input': {
      const max = el.max_length;
      if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000)) {
        throw new CardError(200570, `${path}.max_length must be an integer in 1..1000`, path);
      }
      checkText(el.placeholder, `${path}.placeholder`, false);
      checkText(el.label, `${path}.label`, false);
      return;
    }
    case 'button': {
      checkText(el.text, `${path}.text`, false);
      if (el.behaviors !== undefined && !Array.isArray(el.behaviors)) {
        throw new CardError(200621, `${path}.behaviors must be an array`, path);
      }
      if (isObj(el.confirm)) checkText(el.confirm.title, `${path}.confirm.title`, true);
      const fat = el.form_action_type;
      if (fat !== undefined && fat !== 'submit' && fat !== 'reset') {
        throw new CardError(200570, `${path}.form_action_type must be submit or reset`, path);
      }
      return;
    }
    case 'select_static':
    case 'multi_select_static':
      if (el.options !== undefined && !Array.isArray(el.options)) {
        throw new CardError(200621, `${path}.options must be an array`, path);
      }
      checkText(el.placeholder, `${path}.placeholder`, false);
      return;
    case 'date_picker':
      checkText(el.placeholder, `${path}.placeholder`, false);
      return;
    case 'checker':
      checkText(el.text, `${path}.text`, false);
      return;
    default:
      return;
  }
}

/** A form may not contain another form, also not through a panel or a column (checked before walking). */
function assertNoForm(list: unknown, path: string): void {
  if (!Array.isArray(list)) return;
  list.forEach((el, i) => {
    if (!isObj(el)) return;
    const p = `${path}[${i}]`;
    if (el.tag === 'form') {
      throw new CardError(200621, `${p}: a form may only sit at the root of body.elements`, p);
    }
    assertNoForm(el.elements, `${p}.elements`);
    if (Array.isArray(el.columns)) {
      el.columns.forEach((c, j) => {
        if (isObj(c)) assertNoForm(c.elements, `${p}.columns[${j}].elements`);
      });
    }
  });
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

/**
 * Checks one card (the parsed JSON object, not the string). The checks: schema "2.0", a header with a
 * title, body.elements, known tags only (no 1.0 `action`/`note`), ≤ 200 components, containers nested
 * ≤ 5 deep, `form` only at the body root (so never inside a collapsible_panel), card-unique `name` on
 * every interactive element of a form, a submit button in every form, input max_length 1..1000,
 * element_id pattern and uniqueness, update_multi not false.
 */
export function checkCard(card: unknown): CardCheckResult {
  try {
    if (!isObj(card)) throw new CardError(200621, 'card must be a JSON object', '');
    if (card.schema !== '2.0') {
      // Feishu still renders 1.0 cards; this project only sends 2.0, so the fake refuses anything else.
      throw new CardError(200621, 'card schema must be "2.0"', 'schema');
    }
    if (card.elements !== undefined || card.i18n_elements !== undefined) {
      throw new CardError(200861, 'cards of schema V2 put elements under body.elements', 'elements');
    }
    if (card.config !== undefined) {
      if (!isObj(card.config)) throw new CardError(200621, 'config must be an object', 'config');
      if (card.config.update_multi === false) {
        throw new CardError(200861, 'cards of schema V2 only support shared cards (update_multi true)', 'config');
      }
    }
    if (!isObj(card.header)) throw new CardError(200621, 'header is required', 'header');
    checkText(card.header.title, 'header.title', true);
    checkText(card.header.subtitle, 'header.subtitle', false);
    if (card.header.template !== undefined) {
      if (typeof card.header.template !== 'string' || !HEADER_TEMPLATES.has(card.header.template)) {
        throw new CardError(200570, 'header.template is not a known colour', 'header.template');
      }
    }
    if (!isObj(card.body)) throw new CardError(200621, 'body is required', 'body');
    const w: Walk = { components: 0, names: new Set(), elementIds: new Set() };
    checkElements(card.body.elements, 'body.elements', 0, w, false);
    return { ok: true, components: w.components };
  } catch (e) {
    if (e instanceof CardError) return { ok: false, errCode: e.errCode, message: e.message, path: e.path };
    throw e;
  }
}

/** The message Feishu puts in a 230099 answer for a card that failed to build. */
export function cardErrorMessage(r: { errCode: number; message: string }): string {
  return `Failed to create card content, ext=ErrCode: ${r.errCode}; ErrMsg: ${r.message}; ErrorValue: ; `;
}
