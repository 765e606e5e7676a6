// Message bodies (text, post, file, image, interactive) → HTML for the playground's chat. Pure.
import { renderCard, type RenderOptions } from './card.ts';
import { escapeHtml, safeUrl } from './html.ts';
import { mentionChip, renderMarkdown } from './markdown.ts';

export interface MessageRenderOptions extends RenderOptions {
  /** Name shown for the @_user_N placeholders of a message a person typed (the fake only mentions the bot). */
  mentionKeyName?: (key: string) => string | undefined;
  /** Download URL of a file message's file. */
  fileUrl?: (fileKey: string) => string;
  /** File name of a file key, when the content does not carry it (messages the bot sends). */
  fileName?: (fileKey: string) => string | undefined;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TEXT_STYLE_TAGS: Record<string, string> = { b: 'strong', i: 'em', u: 'u', s: 'del' };

/**
 * A text message's text (reference §5.3): <at user_id="…">Name</at>, @_user_N keys, <b> <i> <u> <s>,
 * [text](url). Everything else is shown as typed.
 */
export function renderTextMessage(text: string, o: MessageRenderOptions = {}): string {
  let out = '';
  let i = 0;
  const open: string[] = [];
  while (i < text.length) {
    const rest = text.slice(i);
    const c = text[i] ?? '';
    if (c === '<') {
      const at = /^<at\s+user_id\s*=\s*(['"]?)([^'"\s>]*)\1\s*>([^<]*)<\/at>/i.exec(rest);
      if (at) {
        const id = at[2] ?? '';
        const name = (at[3] ?? '').trim();
        out += mentionChip(id, { userName: (x) => o.userName?.(x) ?? (name || undefined) });
        i += at[0].length;
        continue;
      }
      const style = /^<(\/?)([biusBIUS])>/.exec(rest);
      if (style) {
        const tag = TEXT_STYLE_TAGS[(style[2] ?? '').toLowerCase()] ?? 'span';
        if (style[1] === '/') {
          const k = open.lastIndexOf(tag);
          if (k >= 0) {
            for (const t of open.splice(k).reverse()) out += `</${t}>`;
          }
        } else {
          open.push(tag);
          out += `<${tag}>`;
        }
        i += style[0].length;
        continue;
      }
    }
    if (c === '@') {
      const key = /^@_user_\d{1,3}/.exec(rest);
      if (key) {
        const name = o.mentionKeyName?.(key[0]);
        out += name ? `<span class="mention">@${escapeHtml(name)}</span>` : escapeHtml(key[0]);
        i += key[0].length;
        continue;
      }
    }
    if (c === '[') {
      const link = /^\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)/.exec(rest);
      if (link) {
        const url = safeUrl(link[2] ?? '');
        const label = escapeHtml(link[1] ?? '');
        out += url ? `<a class="md-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label;
        i += link[0].length;
        continue;
      }
    }
    if (c === '\n') out += '<br>';
    else out += escapeHtml(c);
    i += 1;
  }
  for (const t of open.reverse()) out += `</${t}>`;
  return out;
}

function postNode(n: Obj, o: MessageRenderOptions): string {
  const text = typeof n.text === 'string' ? n.text : '';
  switch (n.tag) {
    case 'text': {
      let h = escapeHtml(text).replace(/\n/g, '<br>');
      const style = Array.isArray(n.style) ? n.style.map(String) : [];
      if (style.includes('bold')) h = `<strong>${h}</strong>`;
      if (style.includes('italic')) h = `<em>${h}</em>`;
      if (style.includes('underline')) h = `<u>${h}</u>`;
      if (style.includes('lineThrough')) h = `<del>${h}</del>`;
      return h;
    }
    case 'a': {
      const url = safeUrl(typeof n.href === 'string' ? n.href : '');
      const label = escapeHtml(text || (typeof n.href === 'string' ? n.href : ''));
      return url ? `<a class="md-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label;
    }
    case 'at': {
      const id = typeof n.user_id === 'string' ? n.user_id : '';
      const name = typeof n.user_name === 'string' ? n.user_name : undefined;
      return mentionChip(id, { userName: (x) => o.userName?.(x) ?? name });
    }
    case 'md':
      return `<div class="post-md md">${renderMarkdown(text, o)}</div>`;
    case 'hr':
      return '<hr class="md-hr">';
    case 'code_block':
      return `<pre class="post-code"><code>${escapeHtml(typeof n.text === 'string' ? n.text : '')}</code></pre>`;
    case 'img':
      return '<span class="placeholder">[图片]</span>';
    case 'media':
      return '<span class="placeholder">[视频]</span>';
    case 'emotion':
      return `<span class="placeholder">[${escapeHtml(typeof n.emoji_type === 'string' ? n.emoji_type : '表情')}]</span>`;
    default:
      return escapeHtml(text);
  }
}

/** A post message: {zh_cn: {title, content: [[node…]…]}} (or another locale). */
export function renderPost(content: unknown, o: MessageRenderOptions = {}): string {
  if (!isObj(content)) return '';
  const body = isObj(content.zh_cn) ? content.zh_cn : Object.values(content).find(isObj);
  if (!body) return '';
  const title = typeof body.title === 'string' && body.title !== '' ? `<div class="post-title">${escapeHtml(body.title)}</div>` : '';
  const paras = Array.isArray(body.content) ? body.content : [];
  return `<div class="post">${title}${paras
    .map((line) => `<p>${(Array.isArray(line) ? line : []).filter(isObj).map((n) => postNode(n, o)).join('')}</p>`)
    .join('')}</div>`;
}

/** Any message body. */
export function renderMessageBody(msgType: string, content: unknown, o: MessageRenderOptions = {}): string {
  const c = isObj(content) ? content : {};
  switch (msgType) {
    case 'text':
      return `<div class="text">${renderTextMessage(typeof c.text === 'string' ? c.text : '', o)}</div>`;
    case 'post':
      return renderPost(content, o);
    case 'interactive':
      return renderCard(content, o);
    case 'file': {
      const key = typeof c.file_key === 'string' ? c.file_key : '';
      const name = (typeof c.file_name === 'string' ? c.file_name : undefined) ?? o.fileName?.(key) ?? '文件';
      const href = o.fileUrl ? o.fileUrl(key) : '#';
      return (
        `<a class="file" href="${escapeHtml(href)}" download="${escapeHtml(name)}">` +
        `<span class="file-icon" aria-hidden="true"></span><span class="file-name">${escapeHtml(name)}</span><span class="file-hint">点击下载</span></a>`
      );
    }
    case 'image':
      return '<div class="placeholder">[图片]</div>';
    default:
      return `<div class="placeholder">[体验环境暂不支持的消息类型：${escapeHtml(msgType)}]</div>`;
  }
}
