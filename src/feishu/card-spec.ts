// Card JSON 2.0 facts (reference §4) shared by the fake's card checker and the playground's renderer.
// Pure data, safe in the browser bundle too.

/** Header colour templates. */
export const HEADER_TEMPLATES: readonly string[] = [
  'blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default',
];

/** Tags of a text object (titles, placeholders, labels). */
export const TEXT_TAGS: readonly string[] = ['plain_text', 'lark_md', 'markdown'];

/**
 * Largest request body of a card (or post) message. Send, reply and patch pages (open.feishu.cn/document/
 * server-docs/im-v1/message/create, …/message/reply, …/message-card/patch, 2025): "卡片消息、富文本消息请求体最大
 * 不能超过 30 KB" (error 230025). The pages do not say whether a KB is 1,000 or 1,024 bytes: 30,000 is the smaller
 * reading, so a body within it is within both. They add that style tags make the body Feishu measures larger than
 * the one sent, so the bot keeps a margin below this (cards/parts.ts).
 */
export const CARD_BODY_MAX_BYTES = 30_000;

/** UTF-8 length of a string, without allocating (safe in the browser bundle: no Buffer). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Bytes of a JSON request body as the SDK sends it (axios: JSON.stringify, UTF-8). */
export function requestBodyBytes(body: unknown): number {
  return utf8Bytes(JSON.stringify(body));
}

/** Longest ids the bot puts beside a card in a send body: a receive_id (open_id / chat_id are 35 characters) and a uuid (≤ 50). */
const RECEIVE_ID_ROOM = 'x'.repeat(64);
const UUID_ROOM = 'x'.repeat(50);

/**
 * Bytes Feishu measures for a card the bot sends: the request body {receive_id, msg_type, content, uuid} where
 * `content` is the card as a JSON string, so every quote and backslash of the card is escaped once more (about
 * +20 % over JSON.stringify(card)). Reply ({msg_type, content, uuid}) and patch ({content}) bodies are smaller,
 * so a card within CARD_BODY_MAX_BYTES by this measure fits all three.
 */
export function cardRequestBytes(card: unknown): number {
  return cardJsonRequestBytes(JSON.stringify(card));
}

/** The send-body overhead around the escaped card: everything but the content string's characters. */
const SEND_OVERHEAD = requestBodyBytes({ receive_id: RECEIVE_ID_ROOM, msg_type: 'interactive', content: '', uuid: UUID_ROOM });

/**
 * cardRequestBytes for a card already serialised (one JSON.stringify per card on the hot path). Exact: JSON text
 * that JSON.stringify produced holds no raw control characters, so embedding it in a string escapes only its
 * `"` and `\` characters, one extra byte each.
 */
export function cardJsonRequestBytes(json: string): number {
  let escapes = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) escapes++;
  }
  return SEND_OVERHEAD + utf8Bytes(json) + escapes;
}
