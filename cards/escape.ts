// The one escape function for user-typed text shown in a card's markdown (Card JSON 2.0 `markdown`
// component). Feishu's card markdown renders CommonMark plus tags (<at>, <a>, <font>, <link>, …) and
// decodes HTML entities; its documentation asks for `&#NN;` numeric entities to show the special
// characters literally. So every character that can start markup (tags, links, emphasis, headings,
// code, lists, tables, emoji shortcodes, entities) becomes its numeric entity, and line breaks become
// spaces: the result is inert inline text.
//
// Plain-text fields (`plain_text` titles, input default values, select options) are never parsed as
// markdown, so user text there is used as is; nothing user-typed is put into a `lark_md` field.

const SPECIAL = /[&<>*_~`#[\]()\\|!$+\-=:.{}"'/@%^]/g;

export function escapeMd(text: string): string {
  return text
    .replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
    .replace(/^\s+/, '')
    .replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

/** Cuts `text` to at most `max` characters (code points), adding an ellipsis. Cut first, then escape. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
