// Feishu card markdown (Card JSON 2.0 `markdown` component) → HTML, for the parts our cards use:
// **bold**, *italic*, ~~strike~~, `code`, [links](https://…), lists, headings, line breaks, <at id=…>,
// <font color=…>, <br>, <hr>, and entities such as &#60; (shown as the literal character, never as markup).
//
// Safety: the source is scanned for markup first; text and decoded entities are HTML-escaped on output and
// never scanned again. Links are kept only for http(s)/mailto/lark URLs; <at> is a chip, never a link;
// a colour is a class from a closed list; any other tag is shown as text.
import { entityAt, escapeHtml, safeUrl } from './html.ts';

export interface MarkdownOptions {
  /** Display name for an open_id in <at id=…> (falls back to the id). */
  userName?: (openId: string) => string | undefined;
}

/** Tags inside markdown content that the renderer draws. Any other raw tag is shown as text. */
export const MARKDOWN_TAGS: readonly string[] = ['at', 'font', 'br', 'hr'];

/** Colours of <font color=…> drawn with their own class (Feishu's colour names). */
export const FONT_COLORS: readonly string[] = [
  'grey',
  'gray',
  'red',
  'green',
  'blue',
  'orange',
  'yellow',
  'purple',
  'violet',
  'indigo',
  'wathet',
  'turquoise',
  'carmine',
  'default',
];

/** Raw tags in markdown content the renderer does not draw (e.g. <text_tag>, <link>, <person>). */
export function unsupportedMarkdownTags(content: string): string[] {
  const out = new Set<string>();
  for (const m of content.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9_]*)/g)) {
    const tag = (m[1] ?? '').toLowerCase();
    if (!MARKDOWN_TAGS.includes(tag)) out.add(tag);
  }
  return [...out];
}

export function mentionChip(id: string, o: MarkdownOptions): string {
  const name = id === 'all' ? '所有人' : (o.userName?.(id) ?? id);
  return `<span class="mention" data-open-id="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
}

const PUNCT = /[!-/:-@[-`{-~]/;

/** Inline markdown → HTML. */
export function renderInline(src: string, o: MarkdownOptions = {}): string {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i] ?? '';
    const rest = src.slice(i);
    if (c === '\\' && i + 1 < n && PUNCT.test(src[i + 1] ?? '')) {
      out += escapeHtml(src[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (c === '&') {
      const e = entityAt(src, i);
      if (e) {
        out += escapeHtml(e[0]);
        i += e[1];
        continue;
      }
    }
    if (c === '<') {
      const at = /^<at\s+(id|ids|email|user_id)\s*=\s*(['"]?)([^'"\s>]*)\2\s*\/?>([\s\S]*?)<\/at>/i.exec(rest);
      if (at) {
        const ids = (at[1] ?? '').toLowerCase() === 'ids' ? (at[3] ?? '').split(',') : [at[3] ?? ''];
        out += ids
          .map((x) => x.trim())
          .filter((x) => x !== '')
          .map((x) => mentionChip(x, o))
          .join(' ');
        i += at[0].length;
        continue;
      }
      const br = /^<br\s*\/?>/i.exec(rest);
      if (br) {
        out += '<br>';
        i += br[0].length;
        continue;
      }
      const font = /^<font\s+color\s*=\s*(['"]?)([a-zA-Z_-]{1,20})\1\s*>/i.exec(rest);
      if (font) {
        const close = rest.toLowerCase().indexOf('</font>', font[0].length);
        if (close >= 0) {
          const color = (font[2] ?? '').toLowerCase();
          const cls = FONT_COLORS.includes(color) ? ` md-c-${color}` : '';
          out += `<span class="md-font${cls}">${renderInline(rest.slice(font[0].length, close), o)}</span>`;
          i += close + '</font>'.length;
          continue;
        }
      }
    }
    if (rest.startsWith('**') || rest.startsWith('__')) {
      const mark = rest.slice(0, 2);
      const close = rest.indexOf(mark, 2);
      if (close > 2) {
        out += `<strong>${renderInline(rest.slice(2, close), o)}</strong>`;
        i += close + 2;
        continue;
      }
    }
    if (rest.startsWith('~~')) {
      const close = rest.indexOf('~~', 2);
      if (close > 2) {
        out += `<del>${renderInline(rest.slice(2, close), o)}</del>`;
        i += close + 2;
        continue;
      }
    }
    if (c === '*' || (c === '_' && !/[\p{L}\p{N}]/u.test(src[i - 1] ?? ''))) {
      const close = findSingle(rest, c);
      if (close > 1) {
        out += `<em>${renderInline(rest.slice(1, close), o)}</em>`;
        i += close + 1;
        continue;
      }
    }
    if (c === '`') {
      const close = rest.indexOf('`', 1);
      if (close > 1) {
        out += `<code>${escapeHtml(rest.slice(1, close))}</code>`;
        i += close + 1;
        continue;
      }
    }
    if (c === '[') {
      const link = linkAt(rest);
      if (link) {
        const url = safeUrl(link.url);
        const inner = renderInline(link.text, o);
        out += url
          ? `<a class="md-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${inner}</a>`
          : `<span class="md-link-blocked">${inner}</span>`;
        i += link.length;
        continue;
      }
    }
    out += escapeHtml(c);
    i += 1;
  }
  return out;
}

/** Index of the closing single `*` / `_` (not part of a double), or -1. */
function findSingle(s: string, mark: string): number {
  for (let j = 1; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === mark) {
      if (s[j + 1] === mark) {
        j++;
        continue;
      }
      return s[j - 1] === ' ' ? -1 : j;
    }
  }
  return -1;
}

/** `[text](url)` at the start of s, with balanced brackets in the text. */
function linkAt(s: string): { text: string; url: string; length: number } | null {
  let depth = 0;
  let j = 0;
  for (; j < s.length; j++) {
    const ch = s[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '[') depth++;
    else if (ch === ']') {
      depth--;
      if (depth === 0) break;
    } else if (ch === '\n') return null;
  }
  if (depth !== 0 || s[j + 1] !== '(') return null;
  const close = s.indexOf(')', j + 2);
  if (close < 0) return null;
  const url = s.slice(j + 2, close);
  if (/\s/.test(url.trim())) return null;
  return { text: s.slice(1, j), url, length: close + 1 };
}

type Block =
  | { kind: 'p'; lines: string[] }
  | { kind: 'ul'; items: string[] }
  | { kind: 'ol'; start: number; items: string[] }
  | { kind: 'h'; level: number; text: string }
  | { kind: 'quote'; lines: string[] }
  | { kind: 'hr' }
  | { kind: 'gap' };

/** Block markdown → HTML: paragraphs (single newlines are line breaks), lists, headings, quotes, rules. */
export function renderMarkdown(src: string, o: MarkdownOptions = {}): string {
  const blocks: Block[] = [];
  const last = () => blocks[blocks.length - 1];
  for (const line of src.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^\s{0,3}(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s{0,3}[-*+]\s+(.*)$/.exec(line);
    const ordered = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/.exec(line);
    const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
    const b = last();
    if (line.trim() === '') {
      if (b && b.kind !== 'gap') blocks.push({ kind: 'gap' });
    } else if (/^\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*$/.test(line) || /^\s*<hr\s*\/?>\s*$/i.test(line)) {
      blocks.push({ kind: 'hr' });
    } else if (heading) {
      blocks.push({ kind: 'h', level: heading[1]?.length ?? 1, text: heading[2] ?? '' });
    } else if (bullet) {
      if (b?.kind === 'ul') b.items.push(bullet[1] ?? '');
      else blocks.push({ kind: 'ul', items: [bullet[1] ?? ''] });
    } else if (ordered) {
      if (b?.kind === 'ol') b.items.push(ordered[2] ?? '');
      else blocks.push({ kind: 'ol', start: Number(ordered[1]), items: [ordered[2] ?? ''] });
    } else if (quote) {
      if (b?.kind === 'quote') b.lines.push(quote[1] ?? '');
      else blocks.push({ kind: 'quote', lines: [quote[1] ?? ''] });
    } else if (b?.kind === 'p') {
      b.lines.push(line);
    } else {
      blocks.push({ kind: 'p', lines: [line] });
    }
  }
  while (last()?.kind === 'gap') blocks.pop();
  return blocks
    .map((b) => {
      switch (b.kind) {
        case 'p':
          return `<p>${b.lines.map((l) => renderInline(l, o)).join('<br>')}</p>`;
        case 'ul':
          return `<ul>${b.items.map((x) => `<li>${renderInline(x, o)}</li>`).join('')}</ul>`;
        case 'ol':
          return `<ol${b.start !== 1 ? ` start="${b.start}"` : ''}>${b.items.map((x) => `<li>${renderInline(x, o)}</li>`).join('')}</ol>`;
        case 'h': {
          const h = Math.min(b.level + 2, 6);
          return `<h${h} class="md-h md-h${b.level}">${renderInline(b.text, o)}</h${h}>`;
        }
        case 'quote':
          return `<blockquote>${b.lines.map((l) => renderInline(l, o)).join('<br>')}</blockquote>`;
        case 'hr':
          return '<hr class="md-hr">';
        case 'gap':
          return '<div class="md-gap"></div>';
      }
      return '';
    })
    .join('');
}
