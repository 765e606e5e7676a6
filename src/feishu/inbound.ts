// Inbound payloads: the zod schemas of what Feishu sends, and the one typed union the edge hands on.
// Every fixture under test/fixtures/events is parsed by these schemas (test/unit/fixtures.test.ts).
import { z } from 'zod';

const userId = z.object({ open_id: z.string().optional(), user_id: z.string().optional(), union_id: z.string().optional() });

export const headerSchema = z.object({
  event_id: z.string().min(1).max(200),
  event_type: z.string().min(1).max(200),
  create_time: z.string().optional(),
  token: z.string().optional(),
  app_id: z.string().optional(),
  tenant_key: z.string().optional(),
});

export const envelopeSchema = z.object({ schema: z.literal('2.0'), header: headerSchema, event: z.unknown() });

export const challengeSchema = z.object({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(1000),
  token: z.string().optional(),
});

const mentionSchema = z.object({
  key: z.string(),
  id: userId,
  name: z.string().optional(),
  tenant_key: z.string().optional(),
});

export const messageEventSchema = z.object({
  sender: z.object({ sender_id: userId, sender_type: z.string().optional(), tenant_key: z.string().optional() }),
  message: z.object({
    message_id: z.string().min(1),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
    create_time: z.string().optional(),
    update_time: z.string().optional(),
    chat_id: z.string().min(1),
    thread_id: z.string().optional(),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(mentionSchema).optional(),
    user_agent: z.string().optional(),
  }),
});

export const cardActionEventSchema = z.object({
  operator: z.object({ tenant_key: z.string().optional(), open_id: z.string().optional(), user_id: z.string().optional(), union_id: z.string().optional() }),
  token: z.string().optional(),
  action: z.object({
    value: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    tag: z.string().optional(),
    timezone: z.string().optional(),
    name: z.string().optional(),
    form_value: z.record(z.string(), z.unknown()).optional(),
    input_value: z.string().optional(),
    option: z.string().optional(),
    options: z.array(z.string()).optional(),
    checked: z.boolean().optional(),
  }),
  host: z.string().optional(),
  context: z
    .object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional(), url: z.string().optional() })
    .optional(),
  // Older shapes put these at the top level (reference §3.1).
  open_message_id: z.string().optional(),
  open_chat_id: z.string().optional(),
});

export const p2pEnteredEventSchema = z.object({
  chat_id: z.string().min(1),
  operator_id: userId,
  last_message_id: z.string().optional(),
  last_message_create_time: z.string().optional(),
});

export const botChatEventSchema = z.object({
  chat_id: z.string().min(1),
  operator_id: userId.optional(),
  name: z.string().optional(),
  external: z.boolean().optional(),
  operator_tenant_key: z.string().optional(),
});

export const menuEventSchema = z.object({
  operator: z.object({ operator_id: userId, operator_name: z.string().optional() }),
  event_key: z.string().min(1),
  timestamp: z.union([z.number(), z.string()]).optional(),
});

export interface Mention {
  key: string;
  openId?: string;
  name?: string;
}

interface Base {
  eventId: string;
  tenantKey: string;
}

export type InboundEvent =
  | (Base & {
      type: 'message';
      messageId: string;
      chatId: string;
      chatType: 'p2p' | 'group' | string;
      senderOpenId: string;
      messageType: string;
      /** For text: the text with mention placeholders removed. For post: its plain text. Else ''. */
      text: string;
      /** The raw content JSON string as sent. */
      content: string;
      mentions: Mention[];
      fileKey?: string;
      fileName?: string;
      parentId?: string;
    })
  | (Base & {
      type: 'card_action';
      operatorOpenId: string;
      updateToken?: string;
      value: Record<string, unknown>;
      tag?: string;
      name?: string;
      formValue?: Record<string, unknown>;
      inputValue?: string;
      option?: string;
      checked?: boolean;
      messageId?: string;
      chatId?: string;
    })
  | (Base & { type: 'p2p_entered'; chatId: string; operatorOpenId: string })
  | (Base & { type: 'bot_added' | 'bot_removed'; chatId: string; operatorOpenId?: string; chatName?: string })
  | (Base & { type: 'menu'; operatorOpenId: string; eventKey: string })
  | (Base & { type: 'unknown'; eventType: string });

export type InboundType = InboundEvent['type'];

export class InboundParseError extends Error {
  constructor(
    public readonly eventType: string,
    detail: string,
  ) {
    super(`payload of ${eventType} does not match its schema: ${detail}`);
    this.name = 'InboundParseError';
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, eventType: string, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) {
    throw new InboundParseError(eventType, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return r.data;
}

/** The plain text of a `post` content, line by line. */
export function postToText(content: unknown): string {
  const root = (content ?? {}) as Record<string, unknown>;
  // A post either has the locale level ({zh_cn:{title,content}}) or not ({title,content}).
  const post = (Array.isArray(root.content) ? root : (Object.values(root).find((v) => v && typeof v === 'object') ?? {})) as {
    title?: unknown;
    content?: unknown;
  };
  const lines: string[] = [];
  if (typeof post.title === 'string' && post.title.trim()) lines.push(post.title.trim());
  if (Array.isArray(post.content)) {
    for (const para of post.content) {
      if (!Array.isArray(para)) continue;
      lines.push(
        para
          .map((el: Record<string, unknown>) =>
            typeof el?.text === 'string' && el.tag !== 'at' ? el.text : el?.tag === 'a' && typeof el.text === 'string' ? el.text : '',
          )
          .join(''),
      );
    }
  }
  return lines.join('\n');
}

function messageText(messageType: string, content: string, mentions: Mention[]): { text: string; fileKey?: string; fileName?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { text: '' };
  }
  const obj = (parsed ?? {}) as Record<string, unknown>;
  if (messageType === 'text') {
    let text = typeof obj.text === 'string' ? obj.text : '';
    for (const m of mentions) text = text.split(m.key).join('');
    return { text: text.replace(/[ \t]+/g, ' ').trim() };
  }
  if (messageType === 'post') return { text: postToText(obj).trim() };
  if (messageType === 'file') {
    return {
      text: '',
      fileKey: typeof obj.file_key === 'string' ? obj.file_key : undefined,
      fileName: typeof obj.file_name === 'string' ? obj.file_name : undefined,
    };
  }
  return { text: '' };
}

/** Turns a decrypted, authenticated schema-2.0 envelope into the typed union. Throws InboundParseError. */
export function toInboundEvent(envelope: unknown): InboundEvent {
  const env = parseOrThrow(envelopeSchema, 'envelope', envelope);
  const { header } = env;
  const base: Base = { eventId: header.event_id, tenantKey: header.tenant_key ?? '' };
  switch (header.event_type) {
    case 'im.message.receive_v1': {
      const e = parseOrThrow(messageEventSchema, header.event_type, env.event);
      const mentions: Mention[] = (e.message.mentions ?? []).map((m) => ({ key: m.key, openId: m.id.open_id, name: m.name }));
      const body = messageText(e.message.message_type, e.message.content, mentions);
      return {
        ...base,
        tenantKey: base.tenantKey || e.sender.tenant_key || '',
        type: 'message',
        messageId: e.message.message_id,
        chatId: e.message.chat_id,
        chatType: e.message.chat_type,
        senderOpenId: e.sender.sender_id.open_id ?? e.sender.sender_id.user_id ?? '',
        messageType: e.message.message_type,
        content: e.message.content,
        mentions,
        parentId: e.message.parent_id,
        ...body,
      };
    }
    case 'card.action.trigger': {
      const e = parseOrThrow(cardActionEventSchema, header.event_type, env.event);
      const openId = e.operator.open_id ?? e.operator.user_id ?? '';
      let value: Record<string, unknown> = {};
      if (typeof e.action.value === 'string') {
        try {
          const v = JSON.parse(e.action.value);
          if (v && typeof v === 'object' && !Array.isArray(v)) value = v as Record<string, unknown>;
        } catch {
          value = { raw: e.action.value };
        }
      } else if (e.action.value) value = e.action.value;
      return {
        ...base,
        tenantKey: base.tenantKey || e.operator.tenant_key || '',
        type: 'card_action',
        operatorOpenId: openId,
        updateToken: e.token,
        value,
        tag: e.action.tag,
        name: e.action.name,
        formValue: e.action.form_value,
        inputValue: e.action.input_value,
        option: e.action.option,
        checked: e.action.checked,
        messageId: e.context?.open_message_id ?? e.open_message_id,
        chatId: e.context?.open_chat_id ?? e.open_chat_id,
      };
    }
    case 'im.chat.access_event.bot_p2p_chat_entered_v1': {
      const e = parseOrThrow(p2pEnteredEventSchema, header.event_type, env.event);
      return { ...base, type: 'p2p_entered', chatId: e.chat_id, operatorOpenId: e.operator_id.open_id ?? '' };
    }
    case 'im.chat.member.bot.added_v1':
    case 'im.chat.member.bot.deleted_v1': {
      const e = parseOrThrow(botChatEventSchema, header.event_type, env.event);
      return {
        ...base,
        type: header.event_type === 'im.chat.member.bot.added_v1' ? 'bot_added' : 'bot_removed',
        chatId: e.chat_id,
        operatorOpenId: e.operator_id?.open_id,
        chatName: e.name,
      };
    }
    case 'application.bot.menu_v6': {
      const e = parseOrThrow(menuEventSchema, header.event_type, env.event);
      return { ...base, type: 'menu', operatorOpenId: e.operator.operator_id.open_id ?? '', eventKey: e.event_key };
    }
    default:
      return { ...base, type: 'unknown', eventType: header.event_type };
  }
}
