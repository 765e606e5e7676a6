// Reading cards as a person does: find a button by its text, fill the form it belongs to, click it.
import type { ClickResult, FakeFeishu, FakeMessage } from '../../src/playground/fake/index.ts';

type Obj = Record<string, unknown>;

export interface FoundButton {
  text: string;
  value: Obj;
  name?: string;
  /** The inputs of the form the button submits (name → the value the client would send untouched). */
  form?: Record<string, unknown>;
}

function walk(node: unknown, visit: (el: Obj, form: Obj | undefined) => void, form?: Obj): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit, form);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const el = node as Obj;
  const inForm = el.tag === 'form' ? el : form;
  if (typeof el.tag === 'string') visit(el, inForm);
  for (const [k, v] of Object.entries(el)) if (k !== 'behaviors' && typeof v === 'object') walk(v, visit, inForm);
}

export function buttons(card: unknown): FoundButton[] {
  const out: FoundButton[] = [];
  walk(card, (el, form) => {
    if (el.tag !== 'button') return;
    const text = String(((el.text as Obj | undefined)?.content as string | undefined) ?? '');
    const beh = (el.behaviors as Obj[] | undefined)?.find((b) => b.type === 'callback');
    const b: FoundButton = { text, value: (beh?.value as Obj) ?? {} };
    if (typeof el.name === 'string') b.name = el.name;
    if (form && el.form_action_type === 'submit') {
      const fields: Record<string, unknown> = {};
      walk(form.elements, (x) => {
        if (x.tag === 'button' || typeof x.name !== 'string') return;
        // What the Feishu client submits for an untouched field: its default value, initial option(s) or date.
        fields[x.name] = x.default_value ?? x.initial_option ?? x.selected_values ?? x.initial_date ?? (x.tag === 'checker' ? Boolean(x.checked) : '');
      });
      b.form = fields;
    }
    out.push(b);
  });
  return out;
}

export function cardText(card: unknown): string {
  const parts: string[] = [];
  walk(card, (el) => {
    if (typeof el.content === 'string') parts.push(el.content);
  });
  return parts.join('\n');
}

export function lastCard(fake: FakeFeishu, chatId: string): FakeMessage {
  const m = fake
    .messages(chatId)
    .filter((x) => x.msgType === 'interactive')
    .at(-1);
  if (!m) throw new Error(`no card in ${chatId}`);
  return m;
}

/**
 * Clicks the button whose text contains `text`, typing `inputs` into its form (other fields keep what the card
 * shows). Reads the card as it is now, unless `asShown` gives the content of an older rendering (a stale card).
 */
export async function click(
  fake: FakeFeishu,
  m: FakeMessage,
  openId: string,
  text: string,
  inputs: Obj = {},
  asShown?: unknown,
): Promise<ClickResult> {
  const content = asShown ?? (fake.message(m.messageId) ?? m).content;
  const all = buttons(content);
  const b = all.find((x) => x.text === text) ?? all.find((x) => x.text.includes(text));
  if (!b) throw new Error(`no button "${text}" on the card; buttons: ${all.map((x) => x.text).join(' | ')}`);
  const formValue = b.form ? { ...b.form, ...inputs } : undefined;
  return fake.userClicks({
    messageId: m.messageId,
    openId,
    value: b.value,
    ...(b.name ? { name: b.name } : {}),
    ...(formValue ? { formValue } : {}),
  });
}
