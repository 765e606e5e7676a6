// A docx document of the fake (blocks as Feishu stores them, reference §6.3) → HTML page content. Pure.
import { escapeHtml, safeUrl } from './html.ts';
import { mentionChip, type MarkdownOptions } from './markdown.ts';
import { TEXT_FIELD_OF_TYPE } from '../../feishu/docx-blocks.ts';

export interface DocBlock {
  block_id: string;
  block_type: number;
  parent_id: string;
  children: string[];
  [k: string]: unknown;
}

export interface DocView {
  documentId: string;
  title: string;
  blocks: DocBlock[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}


function runs(payload: unknown, o: MarkdownOptions): string {
  if (!isObj(payload) || !Array.isArray(payload.elements)) return '';
  return payload.elements
    .filter(isObj)
    .map((e) => {
      if (isObj(e.text_run)) {
        const r = e.text_run;
        let h = escapeHtml(typeof r.content === 'string' ? r.content : '').replace(/\n/g, '<br>');
        const s = isObj(r.text_element_style) ? r.text_element_style : {};
        if (s.inline_code === true) h = `<code>${h}</code>`;
        if (s.bold === true) h = `<strong>${h}</strong>`;
        if (s.italic === true) h = `<em>${h}</em>`;
        if (s.underline === true) h = `<u>${h}</u>`;
        if (s.strikethrough === true) h = `<del>${h}</del>`;
        if (isObj(s.link) && typeof s.link.url === 'string') {
          let decoded = '';
          try {
            decoded = decodeURIComponent(s.link.url);
          } catch {
            decoded = '';
          }
          const url = safeUrl(decoded);
          if (url) h = `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${h}</a>`;
        }
        return h;
      }
      if (isObj(e.mention_user) && typeof e.mention_user.user_id === 'string') return mentionChip(e.mention_user.user_id, o);
      if (isObj(e.equation) && typeof e.equation.content === 'string') return `<code>${escapeHtml(e.equation.content)}</code>`;
      return '';
    })
    .join('');
}

function alignClass(payload: unknown): string {
  const a = isObj(payload) && isObj(payload.style) ? payload.style.align : undefined;
  return a === 2 ? ' class="al-center"' : a === 3 ? ' class="al-right"' : '';
}

/** The document body: the title, then every block in reading order. */
export function renderDocument(doc: DocView, o: MarkdownOptions = {}): string {
  const byId = new Map(doc.blocks.map((b) => [b.block_id, b]));
  const seen = new Set<string>();
  const children = (b: DocBlock): string => {
    let out = '';
    let ordinal = 0;
    for (const id of b.children) {
      const c = byId.get(id);
      if (!c || seen.has(id)) continue;
      ordinal = c.block_type === 13 ? ordinal + 1 : 0;
      out += block(c, ordinal);
    }
    return out;
  };
  const block = (b: DocBlock, ordinal: number): string => {
    seen.add(b.block_id);
    const field = TEXT_FIELD_OF_TYPE[b.block_type];
    const payload = field ? b[field] : undefined;
    const inner = children(b);
    const sub = inner ? `<div class="doc-children">${inner}</div>` : '';
    if (b.block_type >= 3 && b.block_type <= 11) {
      const level = Math.min(b.block_type - 2, 6);
      return `<h${level}${alignClass(payload)}>${runs(payload, o)}</h${level}>`;
    }
    switch (b.block_type) {
      case 2:
        return `<p${alignClass(payload)}>${runs(payload, o) || '<br>'}</p>${sub}`;
      case 12:
        return `<div class="doc-bullet"><span class="doc-mark">•</span><div>${runs(payload, o)}${sub}</div></div>`;
      case 13:
        return `<div class="doc-ordered"><span class="doc-mark">${ordinal}.</span><div>${runs(payload, o)}${sub}</div></div>`;
      case 14:
        return `<pre class="doc-code"><code>${runs(payload, o)}</code></pre>`;
      case 15:
        return `<blockquote>${runs(payload, o)}${sub}</blockquote>`;
      case 17: {
        const done = isObj(payload) && isObj(payload.style) && payload.style.done === true;
        return `<div class="doc-todo"><span class="doc-mark">${done ? '☑' : '☐'}</span><div>${runs(payload, o)}${sub}</div></div>`;
      }
      case 22:
        return '<hr>';
      case 19:
        return `<div class="doc-callout">${inner}</div>`;
      case 34:
        return `<blockquote>${inner}</blockquote>`;
      default:
        return `<div class="doc-unsupported">[体验环境暂不支持显示的内容块：${b.block_type}]</div>${sub}`;
    }
  };
  const root = byId.get(doc.documentId);
  const body = root ? children(root) : '';
  return `<article class="doc"><h1 class="doc-title">${escapeHtml(doc.title || '未命名文档')}</h1>${body}</article>`;
}
