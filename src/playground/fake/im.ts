// Auth, bot, messages, files, chats and delayed card updates of the fake Open Platform (reference §1.3,
// §3.3, §5). Every body and query is checked with zod; errors are Feishu's HTTP status + {code, msg}.
import { CARD_BODY_MAX_BYTES } from '../../feishu/card-spec.ts';
import { z } from 'zod';
import { cardErrorMessage, checkCard } from './card-check.ts';
import { badRequest } from './errors.ts';
import { newId, unionIdOf, userIdOf } from './ids.ts';
import { gateway429, imFrequency, type RateRule } from './rate-limit.ts';
import { type ApiReply, type ApiRequest, check, type Route } from './server.ts';
import type { FakeMessage } from './types.ts';
import type { ChatState, World } from './world.ts';

const IM_PARAM = 230001;
const CHAT_PARAM = 232001;
const FILE_PARAM = 234001;

const TOKEN_LIFE_S = 7200;
const TOKEN_RENEW_BELOW_MS = 30 * 60_000;
const UUID_WINDOW_MS = 3_600_000;
const PATCH_WINDOW_MS = 14 * 24 * 3_600_000;
const CARD_TOKEN_LIFE_MS = 30 * 60_000;
const CARD_TOKEN_MAX_USES = 2;
const TEXT_MAX_BYTES = 150 * 1024;
const FILE_MAX_BYTES = 30 * 1024 * 1024;

const SECOND = 1000;
const MINUTE = 60_000;

const ok = (data: unknown, msg = 'success'): ApiReply => ({ body: { code: 0, msg, data } });

// --- schemas -------------------------------------------------------------------------------------------

const tokenBody = z.object({ app_id: z.string(), app_secret: z.string() });

const receiveIdType = z.enum(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);
const createQuery = z.object({ receive_id_type: receiveIdType });
const createBody = z.object({
  receive_id: z.string().min(1),
  msg_type: z.string().min(1),
  content: z.string(),
  uuid: z.string().min(1).max(50).optional(),
});
const replyBody = z.object({
  msg_type: z.string().min(1),
  content: z.string(),
  reply_in_thread: z.boolean().optional(),
  uuid: z.string().min(1).max(50).optional(),
});
const patchBody = z.object({ content: z.string() });

const textContent = z.object({ text: z.string() });
const postParagraph = z.array(z.array(z.looseObject({ tag: z.string() })));
const postContent = z
  .record(z.string(), z.object({ title: z.string().optional(), content: postParagraph }))
  .refine((r) => Object.keys(r).length > 0, 'post content needs at least one locale');
const fileContent = z.object({ file_key: z.string().min(1) });
const imageContent = z.object({ image_key: z.string().regex(/^img_/) });
const templateContent = z.object({
  type: z.literal('template'),
  data: z.looseObject({ template_id: z.string().min(1) }),
});

const memberIdType = z.enum(['open_id', 'union_id', 'user_id']);
const membersQuery = z.object({
  member_id_type: memberIdType.default('open_id'),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  page_token: z.string().optional(),
});
const chatGetQuery = z.object({ user_id_type: memberIdType.default('open_id') });

const fileType = z.enum(['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']);
const uploadFields = z.object({
  file_type: fileType,
  file_name: z.string().min(1).max(250),
  duration: z.coerce.number().int().min(0).optional(),
});
const resourceQuery = z.object({ type: z.enum(['image', 'file']) });

const cardUpdateBody = z.object({
  token: z.string().min(1),
  card: z.looseObject({}),
});

// --- helpers -------------------------------------------------------------------------------------------

function idOf(openId: string, type: 'open_id' | 'union_id' | 'user_id'): string {
  if (type === 'union_id') return unionIdOf(openId);
  if (type === 'user_id') return userIdOf(openId);
  return openId;
}

function messageData(world: World, m: FakeMessage): Record<string, unknown> {
  const s = world.settings;
  return {
    message_id: m.messageId,
    root_id: m.rootId,
    parent_id: m.parentId,
    thread_id: m.threadId,
    msg_type: m.msgType,
    create_time: String(m.createTime),
    update_time: String(m.updateTime),
    deleted: false,
    updated: m.updates > 0,
    chat_id: m.chatId,
    sender:
      m.sender.type === 'app'
        ? { id: s.appId, id_type: 'app_id', sender_type: 'app', tenant_key: s.tenantKey }
        : { id: m.sender.id, id_type: 'open_id', sender_type: 'user', tenant_key: s.tenantKey },
    body: { content: JSON.stringify(m.content) },
    // The whole message object, as the send/reply pages and captures show it (Corrections).
    mentions: [],
    upper_message_id: '',
  };
}

function parseJsonContent(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    throw badRequest(IM_PARAM, 'invalid param: content is not a valid JSON string');
  }
}

/** Checks a message's content for its msg_type and the size limits; returns the parsed content. */
function checkContent(world: World, msgType: string, content: string, bodyBytes: number): unknown {
  const big = msgType === 'interactive' || msgType === 'post' ? CARD_BODY_MAX_BYTES : TEXT_MAX_BYTES;
  if (bodyBytes > big) {
    throw badRequest(230025, `The message content is too long: request body ${bodyBytes} bytes > ${big} bytes.`);
  }
  const parsed = parseJsonContent(content);
  switch (msgType) {
    case 'text':
      check(textContent, parsed, IM_PARAM, 'content');
      return parsed;
    case 'post':
      check(postContent, parsed, IM_PARAM, 'content');
      return parsed;
    case 'interactive': {
      // A template card is accepted as is; the fake cannot render templates (this project never uses them).
      if (templateContent.safeParse(parsed).success) return parsed;
      const r = checkCard(parsed);
      if (!r.ok) throw badRequest(230099, cardErrorMessage(r));
      return parsed;
    }
    case 'file': {
      const c = check(fileContent, parsed, IM_PARAM, 'content');
      if (!world.files.has(c.file_key)) throw badRequest(IM_PARAM, 'invalid param: file_key does not exist');
      return parsed;
    }
    case 'image':
      check(imageContent, parsed, IM_PARAM, 'content');
      return parsed;
    default:
      throw badRequest(IM_PARAM, `invalid param: msg_type ${msgType} is not supported by the fake`);
  }
}

function sendRules(chat: ChatState): RateRule[] {
  const rules: RateRule[] = [
    { key: `send:chat:${chat.chatId}`, limit: 5, windowMs: SECOND, reject: imFrequency },
  ];
  if (chat.type === 'p2p' && chat.members[0]) {
    rules.push({ key: `send:user:${chat.members[0]}`, limit: 5, windowMs: SECOND, reject: imFrequency });
  }
  return rules;
}

const appSendRules: RateRule[] = [
  { key: 'send:app:s', limit: 50, windowMs: SECOND, reject: gateway429 },
  { key: 'send:app:m', limit: 1000, windowMs: MINUTE, reject: gateway429 },
];

function findUserBy(world: World, f: (openId: string) => string, id: string): string | undefined {
  for (const openId of world.users.keys()) if (f(openId) === id) return openId;
  return undefined;
}

function resolveReceiver(world: World, type: z.infer<typeof receiveIdType>, id: string): ChatState {
  let chatId: string;
  switch (type) {
    case 'chat_id':
      chatId = id;
      break;
    case 'open_id':
      // An open_id this app never saw belongs to another app (or nobody): Feishu says "open_id cross app".
      if (!world.users.has(id)) throw badRequest(99992361, 'open_id cross app');
      chatId = world.p2pChatOf(id);
      break;
    case 'union_id': {
      const u = findUserBy(world, unionIdOf, id);
      if (!u) throw badRequest(99992364, 'union_id not exist');
      chatId = world.p2pChatOf(u);
      break;
    }
    case 'user_id': {
      const u = findUserBy(world, userIdOf, id);
      if (!u) throw badRequest(99992360, 'user_id not exist');
      chatId = world.p2pChatOf(u);
      break;
    }
    case 'email':
      throw badRequest(IM_PARAM, 'invalid param: the fake knows no e-mail addresses');
  }
  const chat = world.chats.get(chatId);
  // Unknown chat ids get the same answer as chats without the bot (documented 230002).
  if (!chat?.botIsMember) throw badRequest(230002, 'Bot/User can NOT be out of the chat.');
  return chat;
}

function reuseByUuid(world: World, uuid: string | undefined): FakeMessage | undefined {
  if (!uuid) return undefined;
  const hit = world.uuids.get(uuid);
  if (!hit || world.now() - hit.at >= UUID_WINDOW_MS) return undefined;
  return world.messages.get(hit.messageId);
}

function storeBotMessage(
  world: World,
  chat: ChatState,
  msgType: string,
  content: unknown,
  extra: { uuid?: string; rootId?: string; parentId?: string; threadId?: string },
): FakeMessage {
  const t = world.now();
  const m: FakeMessage = {
    messageId: newId.message(),
    chatId: chat.chatId,
    msgType,
    content,
    sender: { type: 'app', id: world.settings.appId },
    createTime: t,
    updateTime: t,
    updates: 0,
    ...extra,
  };
  world.storeMessage(m);
  if (extra.uuid) world.uuids.set(extra.uuid, { messageId: m.messageId, at: t });
  world.log.info('fake feishu: bot message', { chatId: chat.chatId, messageId: m.messageId, msgType });
  return m;
}

function pageOffset(token: string | undefined, code: number): number {
  if (token === undefined || token === '') return 0;
  const n = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0) throw badRequest(code, 'invalid param: page_token');
  return n;
}

const pageToken = (offset: number): string => Buffer.from(String(offset), 'utf8').toString('base64url');

function chatForRead(world: World, chatId: string): ChatState {
  const chat = world.chats.get(chatId);
  if (!chat) throw badRequest(232006, 'Your request specifies a chat_id which is invalid.');
  if (!chat.botIsMember) throw badRequest(232011, 'Operator can NOT be out of the chat.');
  return chat;
}

/** Reads a multipart/form-data body with the platform's own parser (undici). */
async function readMultipart(req: ApiRequest): Promise<FormData> {
  const ct = req.headers['content-type'];
  if (typeof ct !== 'string' || !ct.startsWith('multipart/form-data') || !ct.includes('boundary=')) {
    throw badRequest(FILE_PARAM, 'invalid param: expected multipart/form-data with a boundary');
  }
  try {
    return await new Response(new Uint8Array(req.raw), { headers: { 'content-type': ct } }).formData();
  } catch {
    throw badRequest(FILE_PARAM, 'invalid param: malformed multipart body');
  }
}

// --- routes --------------------------------------------------------------------------------------------

export function imRoutes(world: World): Route[] {
  return [
    {
      api: 'auth.tenantAccessToken',
      method: 'POST',
      pattern: '/open-apis/auth/v3/tenant_access_token/internal',
      auth: false,
      invalidCode: 10003,
      handler(req) {
        // Errors of this endpoint come with HTTP 200 so that the SDK reports "failed to get
        // tenant_access_token, code: …" (reference §9); the real status is not documented.
        const p = tokenBody.safeParse(req.body);
        if (!p.success) return { body: { code: 10003, msg: 'invalid param' } };
        if (p.data.app_id !== world.settings.appId) return { body: { code: 10003, msg: 'invalid param: app_id' } };
        if (p.data.app_secret !== world.settings.appSecret) {
          return { body: { code: 10014, msg: 'app secret invalid' } };
        }
        const t = world.now();
        // Same token while more than 30 min of life remain, a new one otherwise (reference §1.3).
        for (const [token, s] of world.tokens) {
          if (s.valid && s.expiresAt - t > TOKEN_RENEW_BELOW_MS) {
            return {
              body: { code: 0, msg: 'ok', tenant_access_token: token, expire: Math.floor((s.expiresAt - t) / 1000) },
            };
          }
        }
        const token = newId.tenantToken();
        world.tokens.set(token, { issuedAt: t, expiresAt: t + TOKEN_LIFE_S * 1000, valid: true });
        return { body: { code: 0, msg: 'ok', tenant_access_token: token, expire: TOKEN_LIFE_S } };
      },
    },
    {
      api: 'bot.info',
      method: 'GET',
      pattern: '/open-apis/bot/v3/info',
      auth: true,
      invalidCode: 10003,
      handler() {
        return {
          body: {
            code: 0,
            msg: 'ok',
            bot: {
              activate_status: 2,
              app_name: world.bot.appName,
              avatar_url: '',
              ip_white_list: [],
              open_id: world.bot.openId,
            },
          },
        };
      },
    },
    {
      api: 'im.message.create',
      method: 'POST',
      pattern: '/open-apis/im/v1/messages',
      auth: true,
      invalidCode: IM_PARAM,
      handler(req) {
        const q = check(createQuery, req.query, IM_PARAM, 'receive_id_type');
        const b = check(createBody, req.body, IM_PARAM);
        world.limiter.acquire(appSendRules);
        const chat = resolveReceiver(world, q.receive_id_type, b.receive_id);
        world.limiter.acquire(sendRules(chat));
        const again = reuseByUuid(world, b.uuid);
        if (again) return ok(messageData(world, again));
        const content = checkContent(world, b.msg_type, b.content, req.raw.length);
        const m = storeBotMessage(world, chat, b.msg_type, content, { uuid: b.uuid });
        return ok(messageData(world, m));
      },
    },
    {
      api: 'im.message.reply',
      method: 'POST',
      pattern: '/open-apis/im/v1/messages/:message_id/reply',
      auth: true,
      invalidCode: IM_PARAM,
      handler(req) {
        const b = check(replyBody, req.body, IM_PARAM);
        world.limiter.acquire(appSendRules);
        const parent = world.messages.get(req.params.message_id ?? '');
        if (!parent) throw badRequest(IM_PARAM, 'invalid param: message_id does not exist');
        const chat = world.chats.get(parent.chatId);
        if (!chat?.botIsMember) throw badRequest(230002, 'Bot/User can NOT be out of the chat.');
        world.limiter.acquire(sendRules(chat));
        const again = reuseByUuid(world, b.uuid);
        if (again) return ok(messageData(world, again));
        const content = checkContent(world, b.msg_type, b.content, req.raw.length);
        const threadId = b.reply_in_thread ? (parent.threadId ?? newId.thread()) : parent.threadId;
        if (b.reply_in_thread && !parent.threadId) parent.threadId = threadId;
        const m = storeBotMessage(world, chat, b.msg_type, content, {
          uuid: b.uuid,
          rootId: parent.rootId ?? parent.messageId,
          parentId: parent.messageId,
          threadId,
        });
        return ok(messageData(world, m));
      },
    },
    {
      api: 'im.message.patch',
      method: 'PATCH',
      pattern: '/open-apis/im/v1/messages/:message_id',
      auth: true,
      invalidCode: IM_PARAM,
      handler(req) {
        const b = check(patchBody, req.body, IM_PARAM);
        const id = req.params.message_id ?? '';
        world.limiter.acquire([
          { key: 'patch:app:s', limit: 50, windowMs: SECOND, reject: gateway429 },
          { key: 'patch:app:m', limit: 1000, windowMs: MINUTE, reject: gateway429 },
          { key: `patch:msg:${id}`, limit: 5, windowMs: SECOND, reject: imFrequency },
        ]);
        const m = world.messages.get(id);
        if (!m) throw badRequest(IM_PARAM, 'invalid param: message_id does not exist');
        if (m.msgType !== 'interactive') throw badRequest(IM_PARAM, 'invalid param: this message is not a card');
        if (m.sender.type !== 'app') throw badRequest(230027, 'Lack of necessary permissions: not sent by this app');
        if (world.now() - m.createTime > PATCH_WINDOW_MS) {
          throw badRequest(230031, 'The message was sent more than 14 days ago and can no longer be updated.');
        }
        const content = checkContent(world, 'interactive', b.content, req.raw.length);
        m.content = content;
        m.updateTime = world.now();
        m.updates += 1;
        return ok({});
      },
    },
    {
      api: 'im.message.get',
      method: 'GET',
      pattern: '/open-apis/im/v1/messages/:message_id',
      auth: true,
      invalidCode: IM_PARAM,
      handler(req) {
        const m = world.messages.get(req.params.message_id ?? '');
        if (!m) throw badRequest(IM_PARAM, 'invalid param: message_id does not exist');
        return ok({ items: [messageData(world, m)] });
      },
    },
    {
      api: 'im.messageResource.get',
      method: 'GET',
      pattern: '/open-apis/im/v1/messages/:message_id/resources/:file_key',
      auth: true,
      invalidCode: 234001,
      handler(req) {
        check(resourceQuery, req.query, 234001, 'type');
        const m = world.messages.get(req.params.message_id ?? '');
        const key = req.params.file_key ?? '';
        const c = m?.content as { file_key?: unknown } | undefined;
        if (!m || c?.file_key !== key) throw badRequest(234003, 'File not in msg.');
        const f = world.files.get(key);
        if (!f) throw badRequest(234003, 'File not in msg.');
        return {
          body: undefined,
          binary: { data: f.data, contentType: 'application/octet-stream' },
          headers: { 'content-disposition': `attachment; filename="${encodeURIComponent(f.fileName)}"` },
        };
      },
    },
    {
      api: 'im.file.create',
      method: 'POST',
      pattern: '/open-apis/im/v1/files',
      auth: true,
      bodyKind: 'raw',
      invalidCode: FILE_PARAM,
      async handler(req) {
        // The im file API's own codes (234001 param, 234006 size) are taken from its error table; the
        // brief's generic "230001 for im" does not apply to /im/v1/files.
        const form = await readMultipart(req);
        const fields = {
          file_type: form.get('file_type') ?? undefined,
          file_name: form.get('file_name') ?? undefined,
          duration: form.get('duration') ?? undefined,
        };
        const file = form.get('file');
        const size = file instanceof Blob ? file.size : typeof file === 'string' ? Buffer.byteLength(file) : 0;
        req.recordBody = { file_type: fields.file_type, file_name: fields.file_name, size };
        const f = check(uploadFields, fields, FILE_PARAM);
        if (file === null) throw badRequest(FILE_PARAM, 'invalid param: file is required');
        // A part without a filename is a plain text field, not a file: its bytes would not survive (binary
        // content decoded as UTF-8). Refuse it rather than store corrupted data.
        if (!(file instanceof Blob)) throw badRequest(FILE_PARAM, 'invalid param: file must be sent as a file part with a filename');
        const data = Buffer.from(await file.arrayBuffer());
        if (data.length === 0) throw badRequest(234006, 'The file is empty.');
        if (data.length > FILE_MAX_BYTES) throw badRequest(234006, 'The file size exceeds the limit (30 MB).');
        const key = newId.file();
        world.files.set(key, { fileName: f.file_name, fileType: f.file_type, data });
        return ok({ file_key: key });
      },
    },
    {
      api: 'im.chatMembers.get',
      method: 'GET',
      pattern: '/open-apis/im/v1/chats/:chat_id/members',
      auth: true,
      invalidCode: CHAT_PARAM,
      handler(req) {
        const q = check(membersQuery, req.query, CHAT_PARAM);
        world.limiter.acquire([
          { key: 'members:app:s', limit: 50, windowMs: SECOND, reject: gateway429 },
          { key: 'members:app:m', limit: 1000, windowMs: MINUTE, reject: gateway429 },
        ]);
        const chat = chatForRead(world, req.params.chat_id ?? '');
        // Bots are never listed: `members` holds people only (the bot's membership is a flag).
        const offset = pageOffset(q.page_token, CHAT_PARAM);
        const slice = chat.members.slice(offset, offset + q.page_size);
        const next = offset + slice.length;
        const hasMore = next < chat.members.length;
        return ok({
          items: slice.map((openId) => ({
            member_id_type: q.member_id_type,
            member_id: idOf(openId, q.member_id_type),
            name: world.userName(openId),
            tenant_key: world.settings.tenantKey,
          })),
          page_token: hasMore ? pageToken(next) : '',
          has_more: hasMore,
          member_total: chat.members.length,
        });
      },
    },
    {
      api: 'im.chatMembers.isInChat',
      method: 'GET',
      pattern: '/open-apis/im/v1/chats/:chat_id/members/is_in_chat',
      auth: true,
      invalidCode: CHAT_PARAM,
      handler(req) {
        const chat = world.chats.get(req.params.chat_id ?? '');
        if (!chat) throw badRequest(232006, 'Your request specifies a chat_id which is invalid.');
        return ok({ is_in_chat: chat.botIsMember });
      },
    },
    {
      api: 'im.chat.get',
      method: 'GET',
      pattern: '/open-apis/im/v1/chats/:chat_id',
      auth: true,
      invalidCode: CHAT_PARAM,
      handler(req) {
        const q = check(chatGetQuery, req.query, CHAT_PARAM);
        const chat = chatForRead(world, req.params.chat_id ?? '');
        const owner = chat.ownerId ?? (chat.type === 'group' ? chat.members[0] : undefined);
        return ok({
          avatar: '',
          name: chat.name,
          description: '',
          i18n_names: { zh_cn: chat.name },
          add_member_permission: 'all_members',
          share_card_permission: 'allowed',
          at_all_permission: 'all_members',
          edit_permission: 'all_members',
          owner_id_type: q.user_id_type,
          owner_id: owner ? idOf(owner, q.user_id_type) : '',
          user_manager_id_list: chat.managerIds.map((id) => idOf(id, q.user_id_type)),
          bot_manager_id_list: [],
          group_message_type: 'chat',
          chat_mode: chat.type === 'p2p' ? 'p2p' : 'group',
          chat_type: 'private',
          chat_tag: 'inner',
          join_message_visibility: 'all_members',
          leave_message_visibility: 'all_members',
          membership_approval: 'no_approval_required',
          moderation_permission: 'all_members',
          external: false,
          tenant_key: world.settings.tenantKey,
          user_count: String(chat.members.length),
          bot_count: chat.botIsMember ? '1' : '0',
        });
      },
    },
    {
      api: 'interactive.card.update',
      method: 'POST',
      pattern: '/open-apis/interactive/v1/card/update',
      auth: true,
      invalidCode: 100030,
      handler(req) {
        // Error statuses of this endpoint are not documented; HTTP 400 like the other business errors.
        const b = check(cardUpdateBody, req.body, 100030);
        if (!b.token.startsWith('c-')) throw badRequest(300020, 'token format error');
        const t = world.cardTokens.get(b.token);
        if (!t) throw badRequest(300020, 'token is invalid');
        if (world.now() - t.issuedAt > CARD_TOKEN_LIFE_MS) throw badRequest(300030, 'token is expired');
        if (t.uses >= CARD_TOKEN_MAX_USES) throw badRequest(300040, 'token is used too many times');
        const { open_ids: _openIds, ...card } = b.card;
        const r = checkCard(card);
        if (!r.ok) throw badRequest(11311, cardErrorMessage(r));
        const m = world.messages.get(t.messageId);
        if (!m) throw badRequest(200000, 'the message was recalled');
        t.uses += 1;
        m.content = card;
        m.updateTime = world.now();
        m.updates += 1;
        return { body: { code: 0, msg: 'ok' } };
      },
    },
  ];
}
