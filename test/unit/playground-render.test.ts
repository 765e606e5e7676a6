// The playground's pure renderer: a snapshot of every card in the gallery, a check that the renderer draws
// everything those cards use (so cards and renderer stay honest), and escaping: user text never becomes
// live HTML, a link, or a mention.
import { describe, expect, it } from 'vitest';
import { escapeMd } from '../../cards/escape.ts';
import { galleryCards } from '../../cards/gallery.ts';
import { checkCard } from '../../src/playground/fake/card-check.ts';
import {
  cardProblems,
  elementAt,
  renderCard,
  renderDocument,
  renderMarkdown,
  renderMessageBody,
  renderPost,
  renderTextMessage,
  SUPPORTED_TAGS,
} from '../../src/playground/render/index.ts';

const userName = (id: string) => ({ ou_demo_secretary: '张书记', ou_bot: '述职助手' })[id];

/** Markup that would be live in a browser: script/style/iframe/img tags, event handlers, dangerous URLs. */
function liveHtml(html: string): string[] {
  const out: string[] = [];
  if (/<\s*(script|style|iframe|img|object|embed|svg|math|link|meta|base)\b/i.test(html)) out.push('dangerous tag');
  // Attribute values are always double-quoted (and " is escaped inside), so blank them before looking.
  for (const tag of html.matchAll(/<[a-zA-Z](?:[^>"]|"[^"]*")*>/g)) {
    if (/\son[a-z]+\s*=/i.test(tag[0].replace(/"[^"]*"/g, '""'))) out.push(`event handler in ${tag[0]}`);
  }
  if (/(href|src)\s*=\s*"\s*(javascript|data|vbscript):/i.test(html)) out.push('dangerous URL');
  for (const m of html.matchAll(/href="([^"]*)"/g)) if (!/^(https?:|mailto:|lark:|\/[^/])/.test(m[1] ?? '')) out.push(`href ${m[1]}`);
  return out;
}

const card = (elements: unknown[], header: Record<string, unknown> = { title: { tag: 'plain_text', content: 'T' } }) => ({
  schema: '2.0',
  config: { update_multi: true },
  header,
  body: { elements },
});

describe('the card gallery', () => {
  const cards = galleryCards();

  it('holds the walk-through cards under unique ids, each a card the fake Open Platform accepts', () => {
    const ids = cards.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const want of ['walkthrough/welcome', 'walkthrough/step/setup', 'walkthrough/step/preview', 'walkthrough/later', 'walkthrough/publishing', 'walkthrough/resume']) {
      expect(ids).toContain(want);
    }
    expect(ids.filter((id) => id.startsWith('walkthrough/step/ach:')).length).toBeGreaterThanOrEqual(7);
    for (const c of cards) expect(checkCard(c.card), c.id).toMatchObject({ ok: true });
  });

  it('uses only what the renderer draws (tags, properties, behaviours, markdown tags)', () => {
    const problems = cards.flatMap((c) => cardProblems(c.card).map((p) => `${c.id}: ${p}`));
    expect(problems).toEqual([]);
  });

  for (const c of cards) {
    it(`renders ${c.id}`, () => {
      const html = renderCard(c.card, { userName });
      expect(html).not.toContain('class="el unsupported"');
      expect(liveHtml(html)).toEqual([]);
      expect(html).toMatchSnapshot();
    });
  }
});

describe('cardProblems catches what the renderer would not draw faithfully', () => {
  it('accepts a card using every supported tag', () => {
    const c = card([
      { tag: 'markdown', content: '**b** <at id=ou_x></at>' },
      { tag: 'plain_text', content: 'p' },
      { tag: 'div', text: { tag: 'lark_md', content: 'd' } },
      { tag: 'hr' },
      { tag: 'column_set', flex_mode: 'flow', columns: [{ tag: 'column', width: 'auto', elements: [{ tag: 'markdown', content: 'c' }] }] },
      { tag: 'collapsible_panel', expanded: true, header: { title: { tag: 'markdown', content: 'h' } }, elements: [{ tag: 'hr' }] },
      {
        tag: 'form',
        name: 'f',
        elements: [
          { tag: 'input', name: 'i', required: true, max_length: 10, label: { tag: 'plain_text', content: 'L' } },
          { tag: 'select_static', name: 's', options: [{ text: { tag: 'plain_text', content: 'A' }, value: 'a' }], initial_option: 'a' },
          { tag: 'multi_select_static', name: 'm', options: [{ text: { tag: 'plain_text', content: 'B' }, value: 'b' }], selected_values: ['b'] },
          { tag: 'date_picker', name: 'd', initial_date: '2026-12-31' },
          { tag: 'checker', name: 'c', checked: true, text: { tag: 'plain_text', content: 'ok' } },
          { tag: 'button', name: 'b', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { k: 'x' } }] },
        ],
      },
      { tag: 'button', text: { tag: 'plain_text', content: 'go' }, behaviors: [{ type: 'open_url', default_url: 'https://example.com' }] },
    ]);
    expect(cardProblems(c)).toEqual([]);
    const used = new Set<string>();
    JSON.stringify(c, (k, v) => {
      if (k === 'tag' && typeof v === 'string') used.add(v);
      return v;
    });
    for (const t of SUPPORTED_TAGS) expect(used.has(t), t).toBe(true);
    const html = renderCard(c);
    expect(html).not.toContain('unsupported');
    expect(html).toMatch(/data-kind="multi_select_static"[^>]*multiple[^>]*><option value="b" selected>B<\/option>/);
  });

  it('draws every field’s label: an input’s own, and for a select or date picker the markdown line above it', () => {
    const options = [{ text: { tag: 'plain_text', content: 'A' }, value: 'a' }];
    const html = renderCard(
      card([
        {
          tag: 'form',
          name: 'f',
          elements: [
            { tag: 'input', name: 'i', label: { tag: 'plain_text', content: '参加人数' } },
            { tag: 'markdown', content: '**活动日期**' },
            { tag: 'date_picker', name: 'd', initial_date: '2026-03-05' },
            { tag: 'markdown', content: "**提醒时间**　<font color='grey'>每次均为上午 9:00 &amp; 以后</font>" },
            { tag: 'multi_select_static', name: 'm', options, selected_values: [] },
            { tag: 'select_static', name: 's', options },
          ],
        },
      ]),
    );
    expect(html).toContain('<span class="inp-label">参加人数</span>');
    expect(html).toContain('<div class="el md md-label"><p><strong>活动日期</strong></p></div>');
    expect(html).toMatch(/<input type="date"[^>]* aria-label="活动日期"/);
    expect(html).toMatch(/<select[^>]* aria-label="提醒时间 每次均为上午 9:00 &amp; 以后" data-kind="multi_select_static"/);
    // A select right after another control has no line above it: no label is made up.
    expect(html).not.toMatch(/aria-label="[^"]*"[^>]*data-name="s"/);
  });

  it('shows the first choice of a select from initial_option or initial_index', () => {
    const options = [
      { text: { tag: 'plain_text', content: 'A' }, value: 'a' },
      { text: { tag: 'plain_text', content: 'B' }, value: 'b' },
    ];
    expect(renderCard(card([{ tag: 'select_static', name: 's', options, initial_index: 2 }]))).toContain('<option value="b" selected>B</option>');
    expect(renderCard(card([{ tag: 'select_static', name: 's', options, initial_index: 0 }]))).not.toContain('" selected>');
  });

  it.each([
    ['an unknown tag', card([{ tag: 'table', columns: [], rows: [] }]), 'tag "table" is not drawn'],
    ['an image (not drawn by the playground)', card([{ tag: 'img', img_key: 'img_1' }]), 'tag "img" is not drawn'],
    ['a behaviour type the page does not perform', card([{ tag: 'button', behaviors: [{ type: 'form_action', behavior: 'submit' }] }]), 'behaviour type "form_action"'],
    ['a property that changes meaning', card([{ tag: 'button', text: { tag: 'plain_text', content: 'x' }, icon: { tag: 'standard_icon', token: 'a' } }]), 'property "icon" is not drawn'],
    ['a confirm without its text object', card([{ tag: 'button', confirm: { title: { tag: 'plain_text', content: 't' }, text: 'bare' } }]), 'confirm.text'],
    ['an extra confirm field', card([{ tag: 'button', confirm: { title: { tag: 'plain_text', content: 't' }, text: { tag: 'plain_text', content: 'x' }, ok_text: 'y' } }]), 'property "ok_text"'],
    ['an unknown button type', card([{ tag: 'button', type: 'laser' }]), 'button type "laser"'],
    ['a password-less unknown input type', card([{ tag: 'input', name: 'i', input_type: 'number' }]), 'input_type "number"'],
    ['a markdown tag the renderer shows as text', card([{ tag: 'markdown', content: '<person id=ou_1></person>' }]), 'markdown tag <person>'],
    ['a header tag list', card([], { title: { tag: 'plain_text', content: 'T' }, text_tag_list: [] }), 'property "text_tag_list"'],
    ['a card link', { ...card([]), card_link: { url: 'https://x' } }, 'property "card_link"'],
    ['the 1.0 default of a multi-select', card([{ tag: 'multi_select_static', name: 'm', options: [], initial_options: [] }]), 'property "initial_options"'],
    ['a 1.0 card', { config: {}, header: { title: { tag: 'plain_text', content: 'T' } }, elements: [] }, 'schema'],
  ])('reports %s', (_what, c, expected) => {
    const p = cardProblems(c);
    expect(p.join('\n')).toContain(expected);
  });
});

describe('rendering', () => {
  it('draws the header colour, subtitle, markdown, panels, forms and buttons', () => {
    const html = renderCard(
      card(
        [
          { tag: 'markdown', content: '**粗** *斜* ~~删~~ `码` [链接](https://open.feishu.cn)\n- 一\n- 二\n1. 甲\n<font color=\'grey\'>灰</font><br>&#60;at&#62;' },
          { tag: 'collapsible_panel', expanded: false, header: { title: { tag: 'markdown', content: '**面板**' } }, elements: [{ tag: 'markdown', content: '内' }] },
          {
            tag: 'form',
            name: 'f',
            elements: [
              { tag: 'input', name: 'para', input_type: 'multiline_text', rows: 4, max_length: 500, required: true, default_value: '已有', placeholder: { tag: 'plain_text', content: '提示' }, label: { tag: 'plain_text', content: '标签' } },
              { tag: 'select_static', name: 'org', placeholder: { tag: 'plain_text', content: '请选择' }, options: [{ text: { tag: 'plain_text', content: '党支部' }, value: '党支部' }], initial_option: '党支部' },
              { tag: 'button', name: 'b_next', form_action_type: 'submit', type: 'primary', text: { tag: 'plain_text', content: '提交' }, behaviors: [{ type: 'callback', value: { k: 'x' } }] },
            ],
          },
          { tag: 'button', type: 'danger_text', disabled: true, text: { tag: 'plain_text', content: '清空' }, confirm: { title: { tag: 'plain_text', content: '确认' }, text: { tag: 'plain_text', content: '确定？' } } },
        ],
        { title: { tag: 'plain_text', content: '标题' }, subtitle: { tag: 'plain_text', content: '副标题' }, template: 'green' },
      ),
    );
    expect(html).toContain('<div class="card-header tpl-green"><div class="card-title">标题</div><div class="card-subtitle">副标题</div></div>');
    expect(html).toContain('<strong>粗</strong> <em>斜</em> <del>删</del> <code>码</code> <a class="md-link" href="https://open.feishu.cn"');
    expect(html).toContain('<ul><li>一</li><li>二</li></ul><ol><li>甲</li></ol>');
    expect(html).toContain('<span class="md-font md-c-grey">灰</span><br>&lt;at&gt;');
    expect(html).toMatch(/<details class="el panel"><summary class="panel-h"><span class="panel-title"><strong>面板<\/strong>/);
    expect(html).toMatch(/<form class="el form" data-path="body\/elements\/2" data-form="f" novalidate>/);
    expect(html).toContain('<textarea class="inp-ctl" data-path="body/elements/2/elements/0" data-kind="input" data-name="para" maxlength="500" placeholder="提示" required rows="4">已有</textarea>');
    expect(html).toContain('<span class="inp-label"><span class="req">*</span>标签</span>');
    expect(html).toContain('<option value="党支部" selected>党支部</option>');
    expect(html).toContain('class="btn btn-primary btn-medium" data-path="body/elements/2/elements/2" data-kind="button" data-action="submit" data-name="b_next"');
    expect(html).toMatch(/class="btn btn-danger_text btn-medium"[^>]*data-confirm[^>]*disabled>清空<\/button>/);
  });

  it('finds an interactive element by its data-path', () => {
    const c = card([{ tag: 'column_set', columns: [{ tag: 'column', elements: [{ tag: 'button', name: 'b' }] }] }]);
    const html = renderCard(c);
    const path = /data-path="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(path).toBe('body/elements/0/columns/0/elements/0');
    expect(elementAt(c, path)).toEqual({ tag: 'button', name: 'b' });
    expect(elementAt(c, 'body/elements/9')).toBeUndefined();
  });

  it('renders text, post and file messages', () => {
    expect(renderTextMessage('@_user_1 写述职报告', { mentionKeyName: () => '述职助手' })).toBe('<span class="mention">@述职助手</span> 写述职报告');
    expect(renderTextMessage('<at user_id="ou_demo_secretary">张</at> 你好<b>重</b>\n第二行', { userName })).toBe(
      '<span class="mention" data-open-id="ou_demo_secretary">@张书记</span> 你好<strong>重</strong><br>第二行',
    );
    const post = renderPost({ zh_cn: { title: '通知', content: [[{ tag: 'text', text: '请', style: ['bold'] }, { tag: 'a', href: 'https://x.cn', text: '看' }], [{ tag: 'md', text: '**md**' }]] } });
    expect(post).toContain('<div class="post-title">通知</div>');
    expect(post).toContain('<strong>请</strong><a class="md-link" href="https://x.cn"');
    expect(post).toContain('<strong>md</strong>');
    const file = renderMessageBody('file', { file_key: 'file_1' }, { fileName: () => '报告.docx', fileUrl: (k) => `/playground/api/files/${k}` });
    expect(file).toContain('href="/playground/api/files/file_1" download="报告.docx"');
  });

  it('renders a document: title, headings, text, lists, in order', () => {
    const blocks = [
      { block_id: 'doc', block_type: 1, parent_id: '', children: ['h', 't', 'o1', 'o2'] },
      { block_id: 'h', block_type: 3, parent_id: 'doc', children: [], heading1: { elements: [{ text_run: { content: '一、成绩' } }] } },
      { block_id: 't', block_type: 2, parent_id: 'doc', children: [], text: { elements: [{ text_run: { content: '正文', text_element_style: { bold: true } } }], style: { align: 2 } } },
      { block_id: 'o1', block_type: 13, parent_id: 'doc', children: [], ordered: { elements: [{ text_run: { content: '甲' } }] } },
      { block_id: 'o2', block_type: 13, parent_id: 'doc', children: [], ordered: { elements: [{ text_run: { content: '<b>乙</b>' } }] } },
    ];
    const html = renderDocument({ documentId: 'doc', title: '2026年度述职报告', blocks }, {});
    expect(html).toBe(
      '<article class="doc"><h1 class="doc-title">2026年度述职报告</h1><h1>一、成绩</h1><p class="al-center"><strong>正文</strong></p>' +
        '<div class="doc-ordered"><span class="doc-mark">1.</span><div>甲</div></div><div class="doc-ordered"><span class="doc-mark">2.</span><div>&lt;b&gt;乙&lt;/b&gt;</div></div></article>',
    );
  });
});

describe('escaping: user text never becomes live HTML, a link or a mention', () => {
  const HOSTILE = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<at id=all></at>',
    '[点我](javascript:alert(1))',
    '"><svg onload=alert(1)>',
    '&lt;script&gt;',
    '**粗** <font color=red>红</font>',
  ];

  it('the live-HTML detector used below does catch live markup', () => {
    expect(liveHtml('<p><img src=x onerror=alert(1)></p>')).not.toEqual([]);
    expect(liveHtml('<b onclick="x">')).toEqual(['event handler in <b onclick="x">']);
    expect(liveHtml('<a href="javascript:alert(1)">x</a>')).not.toEqual([]);
    expect(liveHtml('<p title="a onclick=x">&lt;script&gt; onload=1</p>')).toEqual([]);
  });

  it('escaped user text in card markdown (escapeMd) renders as the literal text', () => {
    for (const h of HOSTILE) {
      const html = renderMarkdown(escapeMd(h));
      expect(liveHtml(html), h).toEqual([]);
      expect(html, h).not.toContain('class="mention"');
      expect(html, h).not.toContain('<a ');
      expect(html, h).not.toContain('<strong>');
      expect(html, h).not.toContain('md-font');
    }
    expect(renderMarkdown(escapeMd('<at id=all></at>'))).toBe('<p>&lt;at id=all&gt;&lt;/at&gt;</p>');
    expect(renderMarkdown(escapeMd('&lt;script&gt;'))).toBe('<p>&amp;lt;script&amp;gt;</p>');
  });

  it('raw markdown markup is still made safe: no script, no javascript: link, <at> only as a chip', () => {
    const html = renderMarkdown(HOSTILE.join('\n'));
    expect(liveHtml(html)).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<span class="mention" data-open-id="all">@所有人</span>');
    expect(html).toContain('<span class="md-link-blocked">点我</span>');
    expect(html).not.toMatch(/href="javascript/i);
    // A colour outside the closed list gets no class, and never reaches a style attribute.
    expect(renderMarkdown('<font color="red;background:url(x)">x</font>')).not.toContain('style=');
  });

  it('user text in plain-text fields, default values, options and messages stays text', () => {
    const h = HOSTILE.join(' ');
    const html = renderCard(
      card(
        [
          { tag: 'form', name: 'f', elements: [
            { tag: 'input', name: 'i', default_value: h, placeholder: { tag: 'plain_text', content: h } },
            { tag: 'input', name: 'j', input_type: 'multiline_text', default_value: `</textarea>${h}` },
            { tag: 'select_static', name: 's', options: [{ text: { tag: 'plain_text', content: h }, value: h }], initial_option: h },
            { tag: 'button', name: 'b', form_action_type: 'submit', text: { tag: 'plain_text', content: h } },
          ] },
        ],
        { title: { tag: 'plain_text', content: h }, subtitle: { tag: 'plain_text', content: h } },
      ),
    );
    expect(liveHtml(html)).toEqual([]);
    // The user's </textarea> is text: the only closing tag is the renderer's own.
    expect(html.split('</textarea>').length - 1).toBe(1);
    expect(html).not.toContain('class="mention"');
    const text = renderMessageBody('text', { text: h });
    expect(liveHtml(text)).toEqual([]);
    expect(text).not.toContain('<a ');
    const post = renderPost({ zh_cn: { title: h, content: [[{ tag: 'a', href: 'javascript:alert(1)', text: h }, { tag: 'text', text: h }]] } });
    expect(liveHtml(post)).toEqual([]);
    const file = renderMessageBody('file', { file_key: 'k', file_name: h }, { fileUrl: () => '/f' });
    expect(liveHtml(file)).toEqual([]);
    const doc = renderDocument({
      documentId: 'd',
      title: h,
      blocks: [
        { block_id: 'd', block_type: 1, parent_id: '', children: ['t'] },
        { block_id: 't', block_type: 2, parent_id: 'd', children: [], text: { elements: [{ text_run: { content: h, text_element_style: { link: { url: encodeURIComponent('javascript:alert(1)') } } } }] } },
      ],
    });
    expect(liveHtml(doc)).toEqual([]);
  });

  it('a hostile walk-through answer shown on a real card stays text', () => {
    const preview = galleryCards().find((c) => c.id === 'walkthrough/step/preview')!.card;
    const json = JSON.stringify(preview).replace('区财政局', HOSTILE.join(' ').replace(/["\\]/g, ''));
    const html = renderCard(JSON.parse(json));
    expect(liveHtml(html)).toEqual([]);
  });
});
