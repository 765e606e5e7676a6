// The fake Feishu Open Platform: a real HTTP server that answers the Open API the way the official SDK
// expects (reference §1.3, §1.4, §5, §6, §9) and plays the people in the Feishu client by pushing signed,
// encrypted events and card callbacks to the bot. Used by the tests and by `npm start` without an app.
import { FakeLongConnection, longConnectionRoute } from './ws.ts';
import { checkCard } from './card-check.ts';
import { docxRoutes } from './docx.ts';
import { newId } from './ids.ts';
import { imRoutes } from './im.ts';
import { createFakeLlm } from './openai.ts';
import { Pusher } from './push.ts';
import { FakeHttp } from './server.ts';
import type {
  ClickInput,
  ClickResult,
  FakeFeishu,
  FakeFeishuOptions,
  FakeMessage,
  PushResult,
} from './types.ts';
import { type ChatState, World } from './world.ts';

export { type CardCheckResult, checkCard } from './card-check.ts';
export { textOfDocument } from './docx.ts';
export type * from './types.ts';

const TOAST_TYPES = new Set(['info', 'success', 'error', 'warning']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Interprets a card-callback answer the way the Feishu client does (reference §3.2). */
function readClickAnswer(
  a: { status: number; body: string; timedOut: boolean; ms: number },
  current: FakeMessage,
): ClickResult & { replace?: unknown } {
  const base = { status: a.status, ms: a.ms };
  if (a.timedOut) return { ...base, raw: a.body, errorCode: 200341 };
  if (a.status === 0) return { ...base, raw: a.body, errorCode: 200342 };
  if (a.status !== 200) return { ...base, raw: a.body, errorCode: 200671 };
  let parsed: unknown;
  try {
    // An empty body is not JSON: the bot must answer at least {} (reference §3.2: "{} = keep the card").
    parsed = JSON.parse(a.body);
  } catch {
    return { ...base, raw: a.body, errorCode: 200672 };
  }
  if (!isObj(parsed)) return { ...base, raw: parsed, errorCode: 200672 };
  const out: ClickResult & { replace?: unknown } = { ...base, raw: parsed };
  if (parsed.toast !== undefined) {
    const t = parsed.toast;
    if (!isObj(t) || typeof t.type !== 'string' || !TOAST_TYPES.has(t.type) || typeof t.content !== 'string') {
      return { ...base, raw: parsed, errorCode: 200672 };
    }
    out.toast = { type: t.type, content: t.content };
  }
  if (parsed.card !== undefined) {
    const c = parsed.card;
    if (!isObj(c) || (c.type !== 'raw' && c.type !== 'template') || !isObj(c.data)) {
      return { ...base, raw: parsed, errorCode: 200672 };
    }
    if (c.type === 'raw') {
      const wasV2 = isObj(current.content) && current.content.schema === '2.0';
      if (wasV2 && c.data.schema !== '2.0') return { ...base, raw: parsed, toast: out.toast, errorCode: 200830 };
      if (!checkCard(c.data).ok) return { ...base, raw: parsed, toast: out.toast, errorCode: 200673 };
      out.card = c.data;
      out.replace = c.data;
    }
    // A template card is accepted but cannot be rendered by the fake: the message stays as it was.
  }
  return out;
}

export async function startFakeFeishu(opts: FakeFeishuOptions): Promise<FakeFeishu> {
  const world = new World(opts);
  let baseUrl = '';
  const longConn = new FakeLongConnection(world, () => baseUrl);
  const llm = createFakeLlm();
  const http = new FakeHttp(world, [...imRoutes(world), ...docxRoutes(world), longConnectionRoute(longConn), llm.route()]);
  http.onUpgrade = (req, socket, head) => longConn.upgrade(req, socket, head);
  const pusher = new Pusher(world, longConn);
  const url = await http.listen(opts.host ?? '127.0.0.1', opts.port ?? 0);
  baseUrl = url;

  const chatOrThrow = (chatId: string): ChatState => {
    const c = world.chats.get(chatId);
    if (!c) throw new Error(`fake feishu: unknown chat ${chatId}`);
    return c;
  };
  const userOrThrow = (openId: string) => {
    const u = world.users.get(openId);
    if (!u) throw new Error(`fake feishu: unknown user ${openId}; call addUser first`);
    return u;
  };
  let clicks = 0;
  const senderOf = (openId: string) => ({
    sender_id: world.userIds(openId),
    sender_type: 'user',
    tenant_key: world.settings.tenantKey,
  });

  /** Stores a message typed by a person and pushes im.message.receive_v1 (reference §2.2). */
  const userMessage = async (
    chatId: string,
    openId: string,
    msgType: string,
    content: unknown,
    mentionsBot: boolean,
    mentionUsers: string[] = [],
  ): Promise<PushResult> => {
    const chat = chatOrThrow(chatId);
    userOrThrow(openId);
    if (!chat.members.includes(openId)) throw new Error(`fake feishu: ${openId} is not a member of ${chatId}`);
    if (!chat.botIsMember) throw new Error(`fake feishu: the bot is not in ${chatId}, nothing can be pushed`);
    const t = world.now();
    const m: FakeMessage = {
      messageId: newId.message(),
      chatId,
      msgType,
      content,
      sender: { type: 'user', id: openId },
      createTime: t,
      updateTime: t,
      updates: 0,
    };
    world.storeMessage(m);
    if (chat.type === 'group' && !mentionsBot && world.settings.groupMessages === 'mentions') {
      return { eventId: '', messageId: m.messageId, status: 0, ms: 0, body: '', skipped: 'not-mentioned' };
    }
    const message: Record<string, unknown> = {
      message_id: m.messageId,
      create_time: String(t),
      update_time: String(t),
      chat_id: chatId,
      chat_type: chat.type,
      message_type: msgType,
      content: JSON.stringify(content),
    };
    // Mentions as Feishu sends them (reference §2.2): the bot first (its user_id is ""), then people.
    const mentions: Array<Record<string, unknown>> = [];
    if (mentionsBot) mentions.push({ key: '@_user_1', id: world.userIds(world.bot.openId), name: world.bot.appName, tenant_key: world.settings.tenantKey });
    mentionUsers.forEach((id, i) => {
      mentions.push({ key: `@_user_${i + 2}`, id: world.userIds(id), name: world.userName(id), tenant_key: world.settings.tenantKey });
    });
    if (mentions.length > 0) message.mentions = mentions;
    return pusher.pushEvent(
      'im.message.receive_v1',
      { sender: senderOf(openId), message },
      { messageId: m.messageId },
    );
  };

  const fake: FakeFeishu = {
    url,
    bot: world.bot,
    setBotUrl(u) {
      world.settings.botUrl = u;
    },
    setTransport(t) {
      world.settings.transport = t;
    },
    longConnection: longConn,
    llm,
    setClock(now) {
      world.setClock(now);
    },
    async close() {
      pusher.close();
      longConn.close();
      await http.close();
    },
    calls: http.calls,
    callsTo: (api) => http.calls.filter((c) => c.api === api),
    deliveries: pusher.deliveries,
    failNext: (api, f) => http.failNext(api, f),
    slowNext: (api, ms, times) => http.slowNext(api, ms, times),
    failRandomly: (o) => http.failRandomly(o),
    duplicateCallbacks(copies) {
      world.settings.callbackCopies = Math.max(0, Math.floor(copies));
    },
    invalidateTokens() {
      for (const t of world.tokens.values()) t.valid = false;
    },
    addUser(u) {
      world.users.set(u.openId, { openId: u.openId, name: u.name, userIdVisible: u.userIdVisible });
    },
    addChat(c) {
      for (const m of c.members) if (!world.users.has(m)) throw new Error(`fake feishu: unknown user ${m}`);
      const prior = world.chats.get(c.chatId);
      world.chats.set(c.chatId, {
        chatId: c.chatId,
        name: c.name,
        type: c.type,
        members: [...c.members],
        ownerId: c.ownerId,
        managerIds: [...(c.managerIds ?? [])],
        botIsMember: c.botIsMember ?? true,
        messageIds: prior?.messageIds ?? [],
      });
    },
    p2pChatOf: (openId) => world.p2pChatOf(openId),
    messages(chatId) {
      const c = world.chats.get(chatId);
      if (!c) return [];
      return c.messageIds.map((id) => world.messages.get(id)).filter((m): m is FakeMessage => m !== undefined);
    },
    message: (id) => world.messages.get(id),
    document: (id) => world.documents.get(id),
    documents: () => [...world.documents.values()],
    file: (key) => world.files.get(key),
    clearHistory() {
      for (const c of world.chats.values()) c.messageIds.length = 0;
      for (const m of [world.messages, world.uuids, world.files, world.documents, world.clientTokens, world.cardTokens]) m.clear();
    },

    userSendsText(a) {
      let text = a.mentionBot ? `@_user_1 ${a.text}` : a.text;
      const people = a.mentionUsers ?? [];
      people.forEach((id, i) => {
        userOrThrow(id);
        // A person's mention stands where "@name" was typed (else at the end), as the key Feishu puts in the text.
        const typed = `@${world.userName(id)}`;
        const key = `@_user_${i + 2}`;
        text = text.includes(typed) ? text.replace(typed, key) : `${text} ${key}`;
      });
      return userMessage(a.chatId, a.openId, 'text', { text }, a.mentionBot ?? false, people);
    },
    userSendsFile(a) {
      const fileKey = newId.file();
      const ext = a.fileName.includes('.') ? (a.fileName.split('.').pop() ?? '').toLowerCase() : '';
      const fileType = ['pdf', 'doc', 'xls', 'ppt', 'mp4', 'opus'].includes(ext)
        ? ext
        : ext === 'docx'
          ? 'doc'
          : ext === 'xlsx'
            ? 'xls'
            : ext === 'pptx'
              ? 'ppt'
              : 'stream';
      world.files.set(fileKey, { fileName: a.fileName, fileType, data: Buffer.from(a.data) });
      return userMessage(a.chatId, a.openId, 'file', { file_key: fileKey, file_name: a.fileName }, false);
    },
    async userClicks(a: ClickInput): Promise<ClickResult> {
      const m = world.messages.get(a.messageId);
      if (!m) throw new Error(`fake feishu: unknown message ${a.messageId}`);
      userOrThrow(a.openId);
      const token = newId.cardToken();
      world.cardTokens.set(token, { messageId: m.messageId, issuedAt: world.now(), uses: 0 });
      const tag =
        a.tag ??
        (a.formValue !== undefined
          ? 'button'
          : a.inputValue !== undefined
            ? 'input'
            : a.option !== undefined
              ? 'select_static'
              : a.checked !== undefined
                ? 'checker'
                : 'button');
      // Real callbacks do not always carry `timezone` nor `context` (older shapes put the ids at the top level:
      // reference §3.1, Corrections): the fake varies both, deterministically, so the bot meets every shape.
      const shape = clicks++;
      const action: Record<string, unknown> = { value: a.value ?? {}, tag };
      if (shape % 3 !== 2) action.timezone = 'Asia/Shanghai';
      if (a.name !== undefined) action.name = a.name;
      if (a.formValue !== undefined) action.form_value = a.formValue;
      if (a.inputValue !== undefined) action.input_value = a.inputValue;
      if (a.option !== undefined) action.option = a.option;
      if (a.checked !== undefined) action.checked = a.checked;
      const event: Record<string, unknown> = {
        operator: { tenant_key: world.settings.tenantKey, ...world.operatorIds(a.openId) },
        token,
        action,
        host: 'im_message',
      };
      if (shape % 4 === 3) Object.assign(event, { open_message_id: m.messageId, open_chat_id: m.chatId });
      else event.context = { open_message_id: m.messageId, open_chat_id: m.chatId };
      const answer = await pusher.pushCallback('card.action.trigger', event);
      const r = readClickAnswer(answer, m);
      const { replace, ...result } = r;
      if (replace !== undefined && result.errorCode === undefined) {
        m.content = replace;
        m.updateTime = world.now();
        m.updates += 1;
      }
      return result;
    },
    botAddedToChat(chatId, operatorOpenId) {
      const chat = chatOrThrow(chatId);
      userOrThrow(operatorOpenId);
      chat.botIsMember = true;
      return pusher.pushEvent('im.chat.member.bot.added_v1', {
        chat_id: chatId,
        operator_id: world.userIds(operatorOpenId),
        external: false,
        operator_tenant_key: world.settings.tenantKey,
        name: chat.name,
        i18n_names: { zh_cn: chat.name },
      });
    },
    userOpensP2p(openId) {
      const chatId = world.p2pChatOf(openId);
      const chat = chatOrThrow(chatId);
      const lastId = chat.messageIds[chat.messageIds.length - 1];
      const last = lastId ? world.messages.get(lastId) : undefined;
      const event: Record<string, unknown> = { chat_id: chatId, operator_id: world.userIds(openId) };
      if (last) {
        event.last_message_id = last.messageId;
        event.last_message_create_time = String(last.createTime);
      }
      return pusher.pushEvent('im.chat.access_event.bot_p2p_chat_entered_v1', event);
    },
    menuClick(openId, eventKey) {
      const u = userOrThrow(openId);
      return pusher.pushEvent('application.bot.menu_v6', {
        operator: { operator_name: u.name, operator_id: world.userIds(openId) },
        event_key: eventKey,
        timestamp: Math.floor(world.now() / 1000),
      });
    },
    pushEvent: (eventType, event, o) => pusher.pushEvent(eventType, event, o),
    redeliver: (eventId) => pusher.redeliver(eventId),
    pushRaw: (body, headers) => pusher.pushRaw(body, headers),
    challenge: (o) => pusher.challenge(o?.encrypted ?? false),
    whenIdle: () => pusher.whenIdle(),
  };
  world.log.info('fake feishu: listening', { url });
  return fake;
}
