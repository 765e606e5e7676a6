// HTML helpers of the playground renderer. Pure: used by the browser bundle and by the tests.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A link target the page may follow: http(s), mailto and Feishu's lark:// scheme only. */
export function safeUrl(raw: string): string | null {
  const u = raw.trim();
  if (/^https?:\/\/[^\s<>"']+$/i.test(u)) return u;
  if (/^mailto:[^\s<>"']+$/i.test(u)) return u;
  if (/^lark:\/\/[^\s<>"']+$/i.test(u)) return u;
  return null;
}

const NAMED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Decodes one entity at the start of `s` (`&#60;`, `&#x3c;`, `&lt;` …): [text, length] or null. */
export function entityAt(s: string, i: number): [string, number] | null {
  const m = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/.exec(s.slice(i, i + 12));
  if (!m) return null;
  if (m[3] !== undefined) {
    const named = NAMED_ENTITIES[m[3].toLowerCase()];
    return named === undefined ? null : [named, m[0].length];
  }
  const cp = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2] ?? '', 16);
  const valid = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
  return [valid ? String.fromCodePoint(cp) : '\ufffd', m[0].length];
}

/** Text with entities decoded, then escaped for HTML: what Feishu shows for plain text with entities. */
export function textWithEntities(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    if (s[i] === '&') {
      const e = entityAt(s, i);
      if (e) {
        out += escapeHtml(e[0]);
        i += e[1];
        continue;
      }
    }
    out += escapeHtml(s[i] ?? '');
    i += 1;
  }
  return out;
}

/** A CSS length we accept from a card (e.g. "8px"), else the fallback. Never copies other text into style. */
export function px(v: unknown, fallback: string): string {
  return typeof v === 'string' && /^\d{1,3}px$/.test(v) ? v : fallback;
}
