// Inbound payloads: the zod schemas of what Feishu sends, and the one typed union the edge hands on.
//
// Tolerant by construction (DESIGN rule 1; ../shared/feishu-reference.md "Corrections"): real tenants send
// absent, null or "" for ids the app has no scope for (`sender_id.user_id` is null without
// contact:user.employee_id:readonly, a mentioned bot has `user_id: ""`, a long-connection card operator has no
// `user_id` key), and likewise for root_id, parent_id, thread_id, update_time, user_agent, context… Every field
// the bot does not strictly need goes through `optStr`/`opt` (absent, null and "" all mean absent); unknown
// fields are ignored (zod objects strip them). A payload that still fails is salvaged where it can be: the
// drifted fields are dropped and reported through `onDrift`, and the event is handled if what remains is enough
// (see `parseTolerant`). Every payload under test/fixtures/ is parsed by these schemas.
import { z } from 'zod';

/** An optional string: absent, null and "" all read as absent. */
export const optStr = z.preprocess((v) => (v === null || v === '' ? undefined : v), z.string().optional());
/** Any optional value: absent and null read as absent ("" is kept: an empty input is an answer). */
function opt<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}
/** Feishu sends times as strings of ms; some captures carry numbers. */
const optTime = opt(z.union([z.string(), z.number()]));

const userId = z.object({ open_id: optStr, user_id: optStr, union_id: optStr });

export const headerSchema = z.object({
  event_id: z.string().min(1).max(200),
  event_type: z.string().min(1).max(200),
  create_time: optTime,
  // "" over the long connection (Corrections); checked by the webhook edge only.
  token: opt(z.string()),
  app_id: optStr,
  tenant_key: optStr,
});

export const envelopeSchema = z.object({ schema: z.literal('2.0'), header: headerSchema, event: z.unknown() });

export const challengeSchema = z.object({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(1000),
  token: opt(z.string()),
});

const mentionSchema = z.object({
  key: z.string(),
  id: opt(userId),
  name: optStr,
  tenant_key: optStr,
});

export const messageEventSchema = z.object({
  sender: z.object({ sender_id: userId, sender_type: optStr, tenant_key: optStr }),
  message: z.object({
    message_id: z.string().min(1),
    root_id: optStr,
    parent_id: optStr,
    create_time: optTime,
    update_time: optTime,
    chat_id: z.string().min(1),
    thread_id: optStr,
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: opt(z.array(mentionSchema)),
    user_agent: optStr,
  }),
});

export const cardActionEventSchema = z.object({
  operator: z.object({ tenant_key: optStr, open_id: optStr, user_id: optStr, union_id: optStr }),
  token: optStr,
  action: z.object({
    value: opt(z.union([z.record(z.string(), z.unknown()), z.string()])),
    tag: optStr,
    timezone: optStr,
    name: optStr,
    form_value: opt(z.record(z.string(), z.unknown())),
    input_value: opt(z.string()),
    option: opt(z.string()),
    options: opt(z.array(z.string())),
    checked: opt(z.boolean()),
  }),
  host: optStr,
  context: opt(z.object({ open_message_id: optStr, open_chat_id: optStr, url: optStr })),
  // Older shapes put these at the top level (reference §3.1).
  open_message_id: optStr,
  open_chat_id: optStr,
});

export const p2pEnteredEventSchema = z.object({
  chat_id: z.string().min(1),
  operator_id: opt(userId),
  last_message_id: optStr,
  last_message_create_time: optTime,
});

export const botChatEventSchema = z.object({
  chat_id: z.string().min(1),
  operator_id: opt(userId),
  name: optStr,
  external: opt(z.boolean()),
  operator_tenant_key: optStr,
});

export const menuEventSchema = z.object({
  operator: z.object({ operator_id: userId, operator_name: optStr }),
  event_key: z.string().min(1),
  timestamp: optTime,
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
  /** lastMessageId: absent when the chat has no message yet (first open; the key is then absent or ""). */
  | (Base & { type: 'p2p_entered'; chatId: string; operatorOpenId: string; lastMessageId?: string })
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

/** Reports a field that drifted from its schema: the event type and a path such as `message.mentions[].id`. */
export type DriftReporter = (eventType: string, path: string) => void;

const DROPPED = Symbol('dropped');

function isContainer(v: unknown): v is Record<string | number, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A metric-friendly path: array indices folded to [] so that label values stay few. */
function pathLabel(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += '[]';
    else out += (out ? '.' : '') + String(p);
  }
  return (out || '(root)').slice(0, 120);
}

/**
 * Drops the value at `path` (array items are marked and removed after the round). When there is nothing to drop
 * (a required field is missing), the parent is dropped instead. Returns the path actually dropped, or undefined
 * when only the root would be left to drop.
 */
function dropAt(root: unknown, path: ReadonlyArray<PropertyKey>): ReadonlyArray<PropertyKey> | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    let parent: unknown = root;
    for (const k of path.slice(0, depth - 1)) parent = isContainer(parent) ? parent[k as string] : undefined;
    if (!isContainer(parent)) continue;
    const leaf = path[depth - 1] as string | number;
    if (parent[leaf] === undefined || parent[leaf] === DROPPED) continue;
    parent[leaf] = Array.isArray(parent) ? DROPPED : undefined;
    return path.slice(0, depth);
  }
  return undefined;
}

function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== DROPPED).map(compact);
  if (isContainer(v)) {
    for (const k of Object.keys(v)) v[k] = compact(v[k]);
  }
  return v;
}

/**
 * Parses `data`; where it does not match, drops the drifted fields one round at a time (at most a few rounds)
 * and parses what remains. Every dropped path is reported. Throws InboundParseError when what remains cannot
 * be handled (a required field such as message_id or chat_id is missing or unusable).
 */
function parseTolerant<T>(schema: z.ZodType<T>, eventType: string, data: unknown, onDrift?: DriftReporter): T {
  let current = data;
  const drifted = new Set<string>();
  let detail = '';
  for (let round = 0; round < 6; round++) {
    const r = schema.safeParse(current);
    if (r.success) {
      for (const p of drifted) onDrift?.(eventType, p);
      return r.data;
    }
    detail = r.error.issues.map((i) => `${pathLabel(i.path)}: ${i.message}`).join('; ');
    if (round === 0) current = structuredClone(data);
    let progressed = false;
    for (const issue of r.error.issues) {
      const dropped = dropAt(current, issue.path);
      if (!dropped) {
        // A required field that is missing: nothing to drop, but it is where the payload drifted.
        drifted.add(pathLabel(issue.path));
        continue;
      }
      drifted.add(pathLabel(dropped));
      progressed = true;
    }
    current = compact(current);
    if (!progressed) break;
  }
  for (const p of drifted) onDrift?.(eventType, p);
  throw new InboundParseError(eventType, detail);
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

/**
 * Turns a decrypted, authenticated schema-2.0 envelope into the typed union. Drifted fields are dropped and
 * reported through `onDrift`; throws InboundParseError only when the event cannot be handled at all.
 */
export function toInboundEvent(envelope: unknown, o: { onDrift?: DriftReporter } = {}): InboundEvent {
  const parse = <T>(schema: z.ZodType<T>, eventType: string, data: unknown): T => parseTolerant(schema, eventType, data, o.onDrift);
  const env = parse(envelopeSchema, 'envelope', envelope);
  const { header } = env;
  const base: Base = { eventId: header.event_id, tenantKey: header.tenant_key ?? '' };
  switch (header.event_type) {
    case 'im.message.receive_v1': {
      const e = parse(messageEventSchema, header.event_type, env.event);
      const mentions: Mention[] = (e.message.mentions ?? []).map((m) => ({ key: m.key, openId: m.id?.open_id, name: m.name }));
      const body = messageText(e.message.message_type, e.message.content, mentions);
      return {
        ...base,
        tenantKey: base.tenantKey || e.sender.tenant_key || '',
        type: 'message',
        messageId: e.message.message_id,
        chatId: e.message.chat_id,
        chatType: e.message.chat_type,
        senderOpenId: e.sender.sender_id.open_id ?? e.sender.sender_id.user_id ?? e.sender.sender_id.union_id ?? '',
        messageType: e.message.message_type,
        content: e.message.content,
        mentions,
        parentId: e.message.parent_id,
        ...body,
      };
    }
    case 'card.action.trigger': {
      const e = parse(cardActionEventSchema, header.event_type, env.event);
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
      const e = parse(p2pEnteredEventSchema, header.event_type, env.event);
      return {
        ...base,
        type: 'p2p_entered',
        chatId: e.chat_id,
        operatorOpenId: e.operator_id?.open_id ?? e.operator_id?.user_id ?? '',
        ...(e.last_message_id ? { lastMessageId: e.last_message_id } : {}),
      };
    }
    case 'im.chat.member.bot.added_v1':
    case 'im.chat.member.bot.deleted_v1': {
      const e = parse(botChatEventSchema, header.event_type, env.event);
      return {
        ...base,
        type: header.event_type === 'im.chat.member.bot.added_v1' ? 'bot_added' : 'bot_removed',
        chatId: e.chat_id,
        operatorOpenId: e.operator_id?.open_id,
        chatName: e.name,
      };
    }
    case 'application.bot.menu_v6': {
      const e = parse(menuEventSchema, header.event_type, env.event);
      return { ...base, type: 'menu', operatorOpenId: e.operator.operator_id.open_id ?? '', eventKey: e.event_key };
    }
    default:
      return { ...base, type: 'unknown', eventType: header.event_type };
  }
}
