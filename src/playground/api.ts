// The playground's HTTP routes on the bot's own server: the page (HTML, the bundled client, CSS), a small JSON
// API over the embedded fake Open Platform, a change stream (SSE), documents and file downloads, the card
// gallery, and the fake clock. Everything a person does goes through the fake (userSendsText, userClicks, …),
// which turns it into the signed events and callbacks Feishu sends to POST /feishu/events: the page never
// reaches into the bot.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { galleryCards, GALLERY_SECTIONS } from '../../cards/gallery.ts';
import { ClockError, type PlaygroundClock } from './clock.ts';
import type { FakeFeishu, FakeMessage } from './fake/index.ts';
import { escapeHtml } from './render/html.ts';
import { renderCard } from './render/card.ts';
import { renderDocument } from './render/docx.ts';

export interface DemoUser {
  openId: string;
  name: string;
  role: string;
}

export interface PlaygroundAssets {
  html: string;
  js: string;
  css: string;
}

export interface PlaygroundApiDeps {
  fake: FakeFeishu;
  clock: PlaygroundClock;
  users: readonly DemoUser[];
  group: { chatId: string; name: string };
  /** Zone the page shows times in (the bot's BOT_TZ). */
  tz: string;
  assets: PlaygroundAssets;
  /** How often the change stream looks for changes, ms. Default 200. */
  pollMs?: number;
  /** 重置演示数据: offered only when main allows it (the private redis-server); see Playground.allowReset. */
  reset?: { available(): boolean; run(): Promise<void> };
}

/** Largest file the page may send (base64 inflates it by a third; the server takes 2 MB bodies). */
export const MAX_UPLOAD_BYTES = 1_400_000;

const asQuery = z.object({ as: z.string().min(1).max(128) });
const sendBody = z.object({
  as: z.string().min(1).max(128),
  text: z.string().min(1).max(20_000),
  mention: z.boolean().optional(),
});
const fileBody = z.object({
  as: z.string().min(1).max(128),
  fileName: z.string().min(1).max(200),
  dataBase64: z.string().max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 8),
});
const openBody = z.object({ as: z.string().min(1).max(128) });
const clickBody = z.object({
  as: z.string().min(1).max(128),
  messageId: z.string().min(1).max(128),
  value: z.record(z.string(), z.unknown()).optional(),
  name: z.string().max(200).optional(),
  tag: z.enum(['button', 'input', 'select_static', 'multi_select_static', 'date_picker', 'checker']).optional(),
  formValue: z.record(z.string(), z.unknown()).optional(),
  inputValue: z.string().max(5000).optional(),
  option: z.string().max(200).optional(),
  checked: z.boolean().optional(),
});
const clockBody = z.union([
  z.object({ advanceMs: z.number().int().min(0).max(400 * 24 * 3600 * 1000) }),
  z.object({ to: z.number().int().min(0) }),
]);

export interface ChatView {
  chatId: string;
  type: 'p2p' | 'group';
  name: string;
  members: number;
  last?: { preview: string; time: number };
}

export interface MessageView {
  messageId: string;
  msgType: string;
  content: unknown;
  sender: { type: 'app' | 'user'; id: string; name: string };
  createTime: number;
  updateTime: number;
  updates: number;
  /** For file messages: the stored file's name. */
  fileName?: string;
}

function bad(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ error: message });
}

/** A short preview of a message for the chat list. */
export function previewOf(m: FakeMessage): string {
  const c = (m.content ?? {}) as Record<string, unknown>;
  switch (m.msgType) {
    case 'text':
      return String(c.text ?? '')
        .replace(/@_user_\d+/g, '@述职助手')
        .replace(/<at[^>]*>([^<]*)<\/at>/g, '@$1')
        .slice(0, 60);
    case 'interactive': {
      const h = c.header as { title?: { content?: unknown } } | undefined;
      return `[卡片] ${String(h?.title?.content ?? '')}`.slice(0, 60);
    }
    case 'post':
      return '[富文本消息]';
    case 'file':
      return '[文件]';
    case 'image':
      return '[图片]';
    default:
      return `[${m.msgType}]`;
  }
}

/** Registers the playground routes (call as a plugin of the bot's fastify app). */
export function playgroundRoutes(deps: PlaygroundApiDeps): (app: FastifyInstance) => Promise<void> {
  const { fake, clock } = deps;
  const users = new Map(deps.users.map((u) => [u.openId, u]));
  const nameOf = (openId: string) => (openId === fake.bot.openId ? fake.bot.appName : (users.get(openId)?.name ?? openId));
  let bumps = 0;
  const version = () => fake.calls.length + fake.deliveries.length + bumps;
  const streams = new Set<FastifyReply>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let seen = version();
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const s of streams) s.raw.write(frame);
  };
  const tick = () => {
    const v = version();
    if (v !== seen) {
      seen = v;
      broadcast('change', { v });
    }
  };
  const offClock = clock.onChange((c) => {
    bumps += 1;
    broadcast('clock', { now: c.to, offset: clock.offset() });
  });

  /** The chats a user sees: their p2p chat with the bot, and the groups they are in. */
  const chatsOf = (openId: string): ChatView[] => {
    const p2p = fake.p2pChatOf(openId);
    const out: ChatView[] = [{ chatId: p2p, type: 'p2p', name: fake.bot.appName, members: 1 }];
    out.push({ chatId: deps.group.chatId, type: 'group', name: deps.group.name, members: deps.users.length });
    for (const c of out) {
      const last = fake.messages(c.chatId).at(-1);
      if (last) c.last = { preview: previewOf(last), time: last.createTime };
    }
    return out;
  };
  const canSee = (openId: string, chatId: string) => chatsOf(openId).some((c) => c.chatId === chatId);
  const view = (m: FakeMessage): MessageView => {
    const v: MessageView = {
      messageId: m.messageId,
      msgType: m.msgType,
      content: m.content,
      sender: { type: m.sender.type, id: m.sender.id, name: m.sender.type === 'app' ? fake.bot.appName : nameOf(m.sender.id) },
      createTime: m.createTime,
      updateTime: m.updateTime,
      updates: m.updates,
    };
    if (m.msgType === 'file') {
      const key = String((m.content as { file_key?: unknown } | null)?.file_key ?? '');
      const f = fake.file(key);
      if (f) v.fileName = f.fileName;
    }
    return v;
  };

  return async (root) => {
    await root.register(async (app) => {
      app.addHook('onClose', async () => {
        offClock();
      });
      app.addHook('preClose', async () => {
        // Open event streams would keep the server from closing.
        if (timer) clearInterval(timer);
        timer = undefined;
        for (const s of streams) s.raw.end();
        streams.clear();
      });

      // --- the page
      app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(deps.assets.html));
      app.get('/playground', async (_req, reply) => reply.redirect('/'));
      app.get('/playground/app.js', async (_req, reply) =>
        reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(deps.assets.js),
      );
      app.get('/playground/app.css', async (_req, reply) =>
        reply.type('text/css; charset=utf-8').header('cache-control', 'no-store').send(deps.assets.css),
      );

      // --- state
      app.get('/playground/api/state', async () => ({
        bot: { openId: fake.bot.openId, name: fake.bot.appName },
        users: deps.users,
        group: deps.group,
        tz: deps.tz,
        clock: { now: clock.now(), offset: clock.offset() },
        reset: deps.reset?.available() ?? false,
      }));
      app.post('/playground/api/reset', async (_req, reply) => {
        if (!deps.reset?.available()) {
          return bad(reply, 409, '本体验环境使用的是 REDIS_URL 指定的 Redis，为避免误删其中的数据，不提供重置。');
        }
        await deps.reset.run();
        bumps += 1;
        // Every open page starts again from the welcome card.
        broadcast('reset', { now: clock.now() });
        return { ok: true };
      });
      app.get('/playground/api/chats', async (req, reply) => {
        const q = asQuery.safeParse(req.query);
        if (!q.success || !users.has(q.data.as)) return bad(reply, 400, '未知身份');
        return { chats: chatsOf(q.data.as) };
      });
      app.get<{ Params: { chatId: string } }>('/playground/api/chats/:chatId/messages', async (req, reply) => {
        const q = asQuery.safeParse(req.query);
        if (!q.success || !users.has(q.data.as)) return bad(reply, 400, '未知身份');
        if (!canSee(q.data.as, req.params.chatId)) return bad(reply, 404, '没有这个会话');
        return { messages: fake.messages(req.params.chatId).map(view) };
      });

      // --- what a person does
      app.post<{ Params: { chatId: string } }>('/playground/api/chats/:chatId/messages', async (req, reply) => {
        const b = sendBody.safeParse(req.body);
        if (!b.success || !users.has(b.data.as)) return bad(reply, 400, '消息格式不正确');
        if (!canSee(b.data.as, req.params.chatId)) return bad(reply, 404, '没有这个会话');
        const r = await fake.userSendsText({ chatId: req.params.chatId, openId: b.data.as, text: b.data.text, mentionBot: b.data.mention ?? false });
        bumps += 1;
        return { messageId: r.messageId, status: r.status, skipped: r.skipped };
      });
      app.post<{ Params: { chatId: string } }>('/playground/api/chats/:chatId/files', async (req, reply) => {
        const b = fileBody.safeParse(req.body);
        if (!b.success || !users.has(b.data.as)) return bad(reply, 400, '文件格式不正确或超过大小限制');
        if (!canSee(b.data.as, req.params.chatId)) return bad(reply, 404, '没有这个会话');
        const data = Buffer.from(b.data.dataBase64, 'base64');
        if (data.length > MAX_UPLOAD_BYTES) return bad(reply, 413, '文件过大');
        const r = await fake.userSendsFile({ chatId: req.params.chatId, openId: b.data.as, fileName: b.data.fileName, data });
        bumps += 1;
        return { messageId: r.messageId, status: r.status, skipped: r.skipped };
      });
      app.post('/playground/api/p2p/open', async (req, reply) => {
        const b = openBody.safeParse(req.body);
        if (!b.success || !users.has(b.data.as)) return bad(reply, 400, '未知身份');
        const r = await fake.userOpensP2p(b.data.as);
        return { chatId: fake.p2pChatOf(b.data.as), status: r.status };
      });
      app.post('/playground/api/click', async (req, reply) => {
        const b = clickBody.safeParse(req.body);
        if (!b.success || !users.has(b.data.as)) return bad(reply, 400, '操作格式不正确');
        const m = fake.message(b.data.messageId);
        if (!m || !canSee(b.data.as, m.chatId)) return bad(reply, 404, '没有这条消息');
        const { as, ...rest } = b.data;
        const r = await fake.userClicks({ ...rest, openId: as });
        bumps += 1;
        return { status: r.status, toast: r.toast, errorCode: r.errorCode, updated: r.card !== undefined };
      });

      // --- files and documents
      app.get<{ Params: { fileKey: string } }>('/playground/api/files/:fileKey', async (req, reply) => {
        const f = fake.file(req.params.fileKey);
        if (!f) return bad(reply, 404, '文件不存在');
        const ascii = f.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
        return reply
          .type('application/octet-stream')
          .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
          .send(f.data);
      });
      app.get<{ Params: { id: string } }>('/playground/api/docs/:id', async (req, reply) => {
        const d = fake.document(req.params.id);
        if (!d) return bad(reply, 404, '文档不存在');
        return { documentId: d.documentId, title: d.title, blocks: [...d.blocks.values()] };
      });
      app.get<{ Params: { id: string } }>('/playground/docx/:id', async (req, reply) => {
        const d = fake.document(req.params.id);
        const body = d
          ? renderDocument({ documentId: d.documentId, title: d.title, blocks: [...d.blocks.values()] }, { userName: nameOf })
          : '<article class="doc"><h1 class="doc-title">文档不存在</h1><p>该文档不存在或已被删除。</p></article>';
        return reply
          .code(d ? 200 : 404)
          .type('text/html; charset=utf-8')
          .send(page(d ? d.title || '未命名文档' : '文档不存在', `<div class="doc-page">${body}</div>`, 'doc-body'));
      });
      app.get('/playground/gallery', async (_req, reply) => {
        const cards = galleryCards();
        const sections = GALLERY_SECTIONS.map((s) => {
          const prefix = `${s.id}/`;
          const items = cards
            .filter((c) => c.id === s.id || c.id.startsWith(prefix))
            .map(
              (c) =>
                `<figure class="gallery-item"><figcaption>${escapeHtml(c.title)} <code>${escapeHtml(c.id)}</code></figcaption>${renderCard(c.card, { userName: nameOf })}</figure>`,
            )
            .join('');
          return `<section><h2>${escapeHtml(s.title)}</h2><div class="gallery-grid">${items}</div></section>`;
        }).join('');
        return reply
          .type('text/html; charset=utf-8')
          .send(page('卡片样式一览', `<div class="gallery"><h1>卡片样式一览</h1><p class="gallery-note">机器人可能发送的每一种卡片（示例数据）。仅供查看，按钮不可点击。</p>${sections}</div>`, 'gallery-body'));
      });

      // --- the clock
      app.get('/playground/api/clock', async () => ({ now: clock.now(), offset: clock.offset() }));
      app.post('/playground/api/clock', async (req, reply) => {
        const b = clockBody.safeParse(req.body);
        if (!b.success) return bad(reply, 400, '时间格式不正确');
        try {
          const now = 'advanceMs' in b.data ? clock.advance(b.data.advanceMs) : clock.jumpTo(b.data.to);
          return { now, offset: clock.offset() };
        } catch (e) {
          if (e instanceof ClockError) return bad(reply, 400, '模拟时间只能向后调整');
          throw e;
        }
      });

      // --- changes, pushed (SSE)
      app.get('/playground/api/events', async (_req, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        reply.raw.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ v: version(), now: clock.now() })}\n\n`);
        streams.add(reply);
        if (!timer) {
          timer = setInterval(tick, deps.pollMs ?? 200);
          timer.unref();
        }
        const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), 15_000);
        heartbeat.unref();
        reply.raw.on('close', () => {
          clearInterval(heartbeat);
          streams.delete(reply);
          if (streams.size === 0 && timer) {
            clearInterval(timer);
            timer = undefined;
          }
        });
      });
    });
  };
}

/** A standalone page (documents, gallery) with the playground's stylesheet. */
function page(title: string, body: string, bodyClass: string): string {
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)} · 述职助手本地体验</title><link rel="stylesheet" href="/playground/app.css"></head>` +
    `<body class="${bodyClass}">${body}</body></html>`
  );
}
