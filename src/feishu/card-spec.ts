// Card JSON 2.0 facts (reference §4) shared by the fake's card checker and the playground's renderer.
// Pure data, safe in the browser bundle too.

/** Header colour templates. */
export const HEADER_TEMPLATES: readonly string[] = [
  'blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default',
];

/** Tags of a text object (titles, placeholders, labels). */
export const TEXT_TAGS: readonly string[] = ['plain_text', 'lark_md', 'markdown'];
