// The outbound Feishu port: the only code in the bot that calls the Feishu Open Platform.
//
// Built on the official SDK client (typed methods only; `client.request` for the two endpoints without a
// generated method: POST /open-apis/interactive/v1/card/update and GET /open-apis/bot/v3/info). Every call goes
// through the shared Redis rate limiter and the retry policy in retry.ts, and resolves to a plain typed value or
// throws FeishuApiError. The tenant token lives in Redis (token-cache.ts) so all instances share it.
import { randomUUID } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Redis } from 'ioredis';
import { type RateLimit, type RateLimiter, RedisRateLimiter } from './limiter.ts';
import {
  describeFailure,
  FeishuResponseFailure,
  type OutboundMetrics,
  type PortLogger,
  type RetryPolicy,
  withRetry,
} from './retry.ts';
import { RedisTokenCache } from './token-cache.ts';
import { PERMISSION_ALREADY_HELD_CODE } from './errors.ts';

export { FeishuApiError } from './errors.ts';
export type { OutboundMetrics, OutboundResult, PortLogger } from './retry.ts';

export type ReceiveIdType = 'open_id' | 'chat_id' | 'user_id' | 'union_id' | 'email';
export type MsgType = 'text' | 'post' | 'interactive' | 'file';
export type FileType = 'opus' | 'mp4' | 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream';
export type DocPerm = 'view' | 'edit' | 'full_access';

/**
 * What a successful send or reply tells us. Feishu answers with the whole message object (Corrections), but a
 * send whose `code` is 0 has succeeded whatever its `data` lacks: a field that is missing reads as "" (unknown).
 */
export interface SentMessage {
  /** "" when the response did not carry it (the message was still sent). */
  messageId: string;
  /** "" when the response did not carry it. */
  chatId: string;
}

export interface FeishuPort {
  /** Sends a message. `uuid` (≤ 50 chars) makes retries idempotent; one is generated when omitted. */
  sendMessage(p: {
    receiveIdType: ReceiveIdType;
    receiveId: string;
    msgType: MsgType;
    content: object;
    uuid?: string;
  }): Promise<SentMessage>;
  /** Replies to a message. `chatId`, when known, adds the per-chat 5 QPS limit. */
  replyMessage(p: { messageId: string; msgType: MsgType; content: object; uuid?: string; chatId?: string }): Promise<SentMessage>;
  /** PATCHes a sent (shared) card. */
  patchCard(messageId: string, card: object): Promise<void>;
  /** Delayed update of an interacted card with the callback token (c-…). */
  updateCardByToken(token: string, card: object): Promise<void>;
  /** All human members (bots are not returned by Feishu), every page. */
  listChatMembers(chatId: string): Promise<Array<{ openId: string; name: string }>>;
  getChat(chatId: string): Promise<{ name: string; ownerId?: string; managerIds: string[] }>;
  getBotInfo(): Promise<{ openId: string; appName: string }>;
  createDocument(p: { title: string; folderToken?: string }): Promise<{ documentId: string; revisionId: number }>;
  appendBlocks(p: {
    documentId: string;
    parentId?: string;
    children: object[];
    index?: number;
    clientToken: string;
  }): Promise<{ blockIds: string[]; revisionId: number }>;
  listChildren(p: { documentId: string; parentId?: string }): Promise<Array<{ blockId: string; blockType: number }>>;
  deleteChildren(p: {
    documentId: string;
    parentId?: string;
    startIndex: number;
    endIndex: number;
    clientToken: string;
  }): Promise<{ revisionId: number }>;
  createDescendants(p: {
    documentId: string;
    parentId?: string;
    childrenIds: string[];
    descendants: object[];
    index?: number;
    clientToken: string;
  }): Promise<{ relations: Array<{ temporaryBlockId: string; blockId: string }>; revisionId: number }>;
  grantPermission(p: { token: string; type: 'docx'; openId: string; perm: DocPerm }): Promise<void>;
  uploadFile(p: { fileName: string; fileType: FileType; data: Buffer }): Promise<{ fileKey: string }>;
  /** Downloads a file a user sent (im message resource), at most `maxBytes`. */
  downloadResource(p: { messageId: string; fileKey: string; type: 'file' | 'image'; maxBytes?: number }): Promise<Buffer>;
}

export interface FeishuPortOptions {
  appId: string;
  appSecret: string;
  /** Base URL without trailing slash, e.g. https://open.feishu.cn or the fake's URL. */
  domain: string;
  redis: Redis;
  logger: PortLogger;
  /** Defaults to a RedisRateLimiter on `redis` (prefix shuzhi:rl:). */
  limiter?: RateLimiter;
  metrics?: OutboundMetrics;
  /** Sleep used between retries (the limiter has its own). */
  sleep?: (ms: number) => Promise<void>;
  /** Total retry wait budget per call. Default 20 000 ms. */
  maxWaitMs?: number;
  /** Randomness for retry jitter, in [0,1). */
  random?: () => number;
  /** Other retry knobs (backoff base/cap, attempt cap…). */
  retryPolicy?: Partial<Omit<RetryPolicy, 'maxWaitMs'>>;
  /**
   * Added to every limiter window to absorb network jitter between the grant (Redis time) and the arrival at
   * Feishu: 5/s is enforced as 5 per (1000 + slack) ms. Default 100.
   */
  limitSlackMs?: number;
  /** Defaults to a RedisTokenCache on `redis`. */
  tokenCache?: RedisTokenCache;
  /** SDK log level; SDK log lines are redacted and forwarded to `logger`. Default warn. */
  loggerLevel?: lark.LoggerLevel;
}

type DocxChildren = NonNullable<
  NonNullable<Parameters<lark.Client['docx']['v1']['documentBlockChildren']['create']>[0]>['data']
>['children'];
type DocxDescendants = NonNullable<
  NonNullable<Parameters<lark.Client['docx']['v1']['documentBlockDescendant']['create']>[0]>['data']
>['descendants'];

interface Envelope<D> {
  code?: number;
  msg?: string;
  data?: D;
}

/** Unwraps `{code,msg,data}`; a non-zero code (HTTP 200) becomes a FeishuResponseFailure for the retry policy. */
function unwrap<D>(res: Envelope<D> | null | undefined): D {
  if (!res) throw new FeishuResponseFailure(-1, 'empty response body');
  if (typeof res.code === 'number' && res.code !== 0) throw new FeishuResponseFailure(res.code, res.msg ?? '');
  if (res.data === undefined || res.data === null) throw new FeishuResponseFailure(-1, 'response has no data');
  return res.data;
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw new FeishuResponseFailure(-1, `response lacks ${what}`);
  return value;
}

function stringify(content: object | string): string {
  return typeof content === 'string' ? content : JSON.stringify(content);
}

const MAX_PAGES = 1000;

export function createFeishuPort(opts: FeishuPortOptions): FeishuPort {
  const cache = opts.tokenCache ?? new RedisTokenCache({ redis: opts.redis });
  const limiter = opts.limiter ?? new RedisRateLimiter({ redis: opts.redis });
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const slack = opts.limitSlackMs ?? 100;
  const logger = opts.logger;
  const client = new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.domain,
    cache,
    loggerLevel: opts.loggerLevel ?? lark.LoggerLevel.warn,
    logger: sdkLogger(logger, opts.appSecret),
  });

  const per = (key: string, limit: number, windowMs: number): RateLimit => ({ key, limit, windowMs: windowMs + slack });
  const MSG_LIMITS = [per('app:msg', 50, 1000), per('app:msg:1m', 1000, 60_000)];
  const PATCH_LIMITS = [per('app:patch', 50, 1000), per('app:patch:1m', 1000, 60_000)];
  const docxEdit = (documentId: string) => [per('app:docx', 3, 1000), per(`doc:${documentId}`, 3, 1000)];

  function call<T>(api: string, limits: RateLimit[], fn: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        if (limits.length > 0) await limiter.acquire(limits);
        return fn();
      },
      {
        api,
        logger,
        metrics: opts.metrics,
        sleep,
        ...(opts.random ? { random: opts.random } : {}),
        policy: { ...opts.retryPolicy, ...(opts.maxWaitMs === undefined ? {} : { maxWaitMs: opts.maxWaitMs }) },
        onTokenInvalid: async (f) => {
          const evicted = await cache.evict(opts.appId, f.staleToken);
          logger.info({ api, code: f.code, evicted }, 'feishu tenant token rejected; cached token evicted');
        },
      },
    );
  }

  // Read only what we need and tolerate the rest: code 0 is success (see SentMessage).
  const toSent = (res: Envelope<{ message_id?: string | null; chat_id?: string | null }> | null | undefined): SentMessage => {
    checkCode(res);
    const d = res?.data ?? {};
    return { messageId: d.message_id ?? '', chatId: d.chat_id ?? '' };
  };

  return {
    async sendMessage(p) {
      const receiverKey = p.receiveIdType === 'chat_id' ? `chat:${p.receiveId}` : `user:${p.receiveId}`;
      const uuid = p.uuid ?? randomUUID();
      return call('im.message.create', [...MSG_LIMITS, per(receiverKey, 5, 1000)], async () =>
        toSent(
          await client.im.v1.message.create({
            params: { receive_id_type: p.receiveIdType },
            data: { receive_id: p.receiveId, msg_type: p.msgType, content: stringify(p.content), uuid },
          }),
        ),
      );
    },

    async replyMessage(p) {
      const uuid = p.uuid ?? randomUUID();
      const limits = p.chatId ? [...MSG_LIMITS, per(`chat:${p.chatId}`, 5, 1000)] : MSG_LIMITS;
      return call('im.message.reply', limits, async () =>
        toSent(
          await client.im.v1.message.reply({
            path: { message_id: p.messageId },
            data: { msg_type: p.msgType, content: stringify(p.content), uuid },
          }),
        ),
      );
    },

    async patchCard(messageId, card) {
      await call('im.message.patch', [...PATCH_LIMITS, per(`msg:${messageId}`, 5, 1000)], async () => {
        const res = await client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: stringify(card) } });
        checkCode(res);
      });
    },

    async updateCardByToken(token, card) {
      await call('interactive.card.update', [], async () => {
        const res: Envelope<unknown> = await client.request({
          method: 'POST',
          url: '/open-apis/interactive/v1/card/update',
          data: { token, card },
        });
        checkCode(res);
      });
    },

    async listChatMembers(chatId) {
      const out: Array<{ openId: string; name: string }> = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const d = await call('im.chatMembers.get', [], async () =>
          unwrap(
            await client.im.v1.chatMembers.get({
              path: { chat_id: chatId },
              params: { member_id_type: 'open_id', page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) },
            }),
          ),
        );
        for (const m of d.items ?? []) if (m.member_id) out.push({ openId: m.member_id, name: m.name ?? '' });
        if (!d.has_more || !d.page_token) return out;
        pageToken = d.page_token;
      }
      throw new FeishuResponseFailure(-1, 'im.chatMembers.get: too many pages');
    },

    async getChat(chatId) {
      return call('im.chat.get', [], async () => {
        const d = unwrap(await client.im.v1.chat.get({ path: { chat_id: chatId }, params: { user_id_type: 'open_id' } }));
        return {
          name: d.name ?? '',
          ...(d.owner_id ? { ownerId: d.owner_id } : {}),
          managerIds: d.user_manager_id_list ?? [],
        };
      });
    },

    async getBotInfo() {
      // No generated method for GET /open-apis/bot/v3/info; the body carries `bot` at top level, not `data`.
      return call('bot.info', [], async () => {
        const res: Envelope<unknown> & { bot?: { open_id?: string; app_name?: string } } = await client.request({
          method: 'GET',
          url: '/open-apis/bot/v3/info',
        });
        checkCode(res);
        return { openId: required(res.bot?.open_id, 'bot.open_id'), appName: res.bot?.app_name ?? '' };
      });
    },

    async createDocument(p) {
      return call('docx.document.create', [per('app:docxcreate', 3, 1000)], async () => {
        const d = unwrap(
          await client.docx.v1.document.create({
            data: { title: p.title, ...(p.folderToken ? { folder_token: p.folderToken } : {}) },
          }),
        );
        return {
          documentId: required(d.document?.document_id, 'document.document_id'),
          revisionId: d.document?.revision_id ?? 0,
        };
      });
    },

    async appendBlocks(p) {
      if (p.children.length < 1 || p.children.length > 50) {
        throw new RangeError(`appendBlocks takes 1..50 children, got ${p.children.length}`);
      }
      return call('docx.blockChildren.create', docxEdit(p.documentId), async () => {
        const d = unwrap(
          await client.docx.v1.documentBlockChildren.create({
            path: { document_id: p.documentId, block_id: p.parentId ?? p.documentId },
            params: { document_revision_id: -1, client_token: p.clientToken, user_id_type: 'open_id' },
            data: {
              children: p.children as DocxChildren,
              ...(p.index === undefined ? {} : { index: p.index }),
            },
          }),
        );
        return {
          blockIds: (d.children ?? []).map((b) => required(b.block_id, 'children[].block_id')),
          revisionId: d.document_revision_id ?? 0,
        };
      });
    },

    async listChildren(p) {
      const out: Array<{ blockId: string; blockType: number }> = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const d = await call('docx.blockChildren.get', [], async () =>
          unwrap(
            await client.docx.v1.documentBlockChildren.get({
              path: { document_id: p.documentId, block_id: p.parentId ?? p.documentId },
              params: { document_revision_id: -1, page_size: 500, ...(pageToken ? { page_token: pageToken } : {}) },
            }),
          ),
        );
        for (const b of d.items ?? []) if (b.block_id) out.push({ blockId: b.block_id, blockType: b.block_type });
        if (!d.has_more || !d.page_token) return out;
        pageToken = d.page_token;
      }
      throw new FeishuResponseFailure(-1, 'docx.blockChildren.get: too many pages');
    },

    async deleteChildren(p) {
      return call('docx.blockChildren.batchDelete', docxEdit(p.documentId), async () => {
        const d = unwrap(
          await client.docx.v1.documentBlockChildren.batchDelete({
            path: { document_id: p.documentId, block_id: p.parentId ?? p.documentId },
            params: { document_revision_id: -1, client_token: p.clientToken },
            data: { start_index: p.startIndex, end_index: p.endIndex },
          }),
        );
        return { revisionId: d.document_revision_id ?? 0 };
      });
    },

    async createDescendants(p) {
      return call('docx.blockDescendant.create', docxEdit(p.documentId), async () => {
        const d = unwrap(
          await client.docx.v1.documentBlockDescendant.create({
            path: { document_id: p.documentId, block_id: p.parentId ?? p.documentId },
            params: { document_revision_id: -1, client_token: p.clientToken },
            data: {
              index: p.index ?? -1,
              children_id: p.childrenIds,
              descendants: p.descendants as DocxDescendants,
            },
          }),
        );
        return {
          relations: (d.block_id_relations ?? []).map((r) => ({
            temporaryBlockId: r.temporary_block_id ?? '',
            blockId: r.block_id ?? '',
          })),
          revisionId: d.document_revision_id ?? 0,
        };
      });
    },

    async grantPermission(p) {
      await call('drive.permissionMember.create', [], async () => {
        // 1063003 "invalid operation": the member already holds an equal or higher permission. The grant is
        // in place, so it counts as done (permission-member create page, 2025-07; Corrections). Feishu sends it
        // with HTTP 400 (the SDK throws) or inside an HTTP 200 body: both are read here.
        let res: Envelope<unknown> | null | undefined;
        try {
          res = await client.drive.v1.permissionMember.create({
            path: { token: p.token },
            params: { type: p.type, need_notification: false },
            data: { member_type: 'openid', member_id: p.openId, perm: p.perm, type: 'user' },
          });
        } catch (err) {
          if (describeFailure(err).code === PERMISSION_ALREADY_HELD_CODE) return;
          throw err;
        }
        if (res?.code === PERMISSION_ALREADY_HELD_CODE) return;
        checkCode(res);
      });
    },

    async uploadFile(p) {
      // The generated im.v1.file.create resolves to body.data ({ file_key }) rather than the envelope, so an
      // HTTP 200 with code != 0 shows up here only as a missing file_key.
      return call('im.file.create', [], async () => {
        // A stream with a `path` becomes a multipart file part WITH a filename (form-data reads `path`); a bare
        // Buffer would be sent as a text field and its bytes mangled. A fresh stream for every attempt.
        const file = Object.assign(Readable.from([p.data]), { path: p.fileName }) as unknown as ReadStream;
        const d = await client.im.v1.file.create({ data: { file_type: p.fileType, file_name: p.fileName, file } });
        return { fileKey: required(d?.file_key, 'file_key') };
      });
    },

    async downloadResource(p) {
      const max = p.maxBytes ?? 20 * 1024 * 1024;
      return call('im.messageResource.get', [], async () => {
        const res = await client.im.v1.messageResource.get({
          path: { message_id: p.messageId, file_key: p.fileKey },
          params: { type: p.type },
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.getReadableStream()) {
          const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          size += b.length;
          if (size > max) throw new FeishuResponseFailure(-1, `resource larger than ${max} bytes`);
          chunks.push(b);
        }
        return Buffer.concat(chunks);
      });
    },
  };
}

function checkCode(res: Envelope<unknown> | null | undefined): void {
  if (!res) throw new FeishuResponseFailure(-1, 'empty response body');
  if (typeof res.code === 'number' && res.code !== 0) throw new FeishuResponseFailure(res.code, res.msg ?? '');
}

// ---- SDK log forwarding, redacted ------------------------------------------------------------------------

const SECRET_KEYS = new Set([
  'authorization',
  'app_secret',
  'appsecret',
  'tenant_access_token',
  'app_access_token',
  'user_access_token',
  'access_token',
  'token',
  'headers',
  'cookie',
]);

function redactString(s: string, appSecret: string): string {
  let out = s
    .replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
    .replace(/\b[tuc]-[A-Za-z0-9._-]{8,}/g, '[redacted-token]');
  if (appSecret) out = out.split(appSecret).join('[redacted]');
  return out.length > 2000 ? `${out.slice(0, 2000)}…` : out;
}

function redact(v: unknown, appSecret: string, depth = 0): unknown {
  if (typeof v === 'string') return redactString(v, appSecret);
  if (v instanceof Error) return redactString(`${v.name}: ${v.message}`, appSecret);
  if (typeof v !== 'object' || v === null) return v;
  if (depth > 4) return '[…]';
  if (Array.isArray(v)) return v.map((x) => redact(x, appSecret, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (SECRET_KEYS.has(k.toLowerCase())) out[k] = '[redacted]';
    else if (k === 'config' && typeof val === 'object' && val !== null) {
      // formatErrors puts the request body under config.data: keep only where it went.
      const c = val as { url?: unknown; method?: unknown };
      out[k] = { url: redact(c.url, appSecret, depth + 1), method: c.method };
    } else out[k] = redact(val, appSecret, depth + 1);
  }
  return out;
}

function sdkLogger(logger: PortLogger, appSecret: string) {
  // The port logs its own single line per failed call, so SDK errors are kept at debug level.
  const fwd =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (...msg: unknown[]) => {
      const line = { sdkLevel: level, sdk: redact(msg, appSecret) };
      if (level === 'warn') logger.warn(line, 'lark sdk');
      else logger.debug(line, 'lark sdk');
    };
  return { error: fwd('error'), warn: fwd('warn'), info: fwd('info'), debug: fwd('debug'), trace: fwd('trace') };
}
