// The fake's state: users, chats, messages, files, documents and the tokens it issued. Plain data held in
// memory for the life of one fake server; the route modules read and change it.
import { botOpenIdOf, defaultTenantKey, p2pChatIdOf, unionIdOf, userIdOf } from './ids.ts';
import { RateLimiter } from './rate-limit.ts';
import type { FakeDocument, FakeFeishuOptions, FakeLogger, FakeMessage, FakeUser } from './types.ts';

export const DEFAULT_REPUSH_SCHEDULE_MS = [15_000, 300_000, 3_600_000, 21_600_000];

export interface ChatState {
  chatId: string;
  name: string;
  type: 'p2p' | 'group';
  members: string[];
  ownerId?: string;
  managerIds: string[];
  botIsMember: boolean;
  messageIds: string[];
}

export interface TokenState {
  issuedAt: number;
  expiresAt: number;
  valid: boolean;
}

export interface CardTokenState {
  messageId: string;
  issuedAt: number;
  uses: number;
}

export interface StoredFile {
  fileName: string;
  fileType: string;
  data: Buffer;
}

export interface Settings {
  appId: string;
  appSecret: string;
  tenantKey: string;
  encryptKey?: string;
  verificationToken?: string;
  botUrl?: string;
  rateLimits: boolean;
  repushScheduleMs: number[];
  callbackTimeoutMs: number;
  groupMessages: 'mentions' | 'all';
  /** How events and callbacks reach the bot: POST to botUrl, or frames over the bot's long connection. */
  transport: 'webhook' | 'websocket';
  /** Extra deliveries of every card callback (duplicateCallbacks); 0 by default. */
  callbackCopies: number;
}

const silent: FakeLogger = { info() {}, warn() {} };

export class World {
  readonly settings: Settings;
  readonly log: FakeLogger;
  readonly bot: { openId: string; appName: string };
  readonly users = new Map<string, FakeUser>();
  readonly chats = new Map<string, ChatState>();
  readonly messages = new Map<string, FakeMessage>();
  /** Message-send uuid → the message it created and when (1-hour idempotency window). */
  readonly uuids = new Map<string, { messageId: string; at: number }>();
  readonly files = new Map<string, StoredFile>();
  readonly documents = new Map<string, FakeDocument>();
  /** `${documentId}:${client_token}` → the first answer given for it. */
  readonly clientTokens = new Map<string, unknown>();
  readonly cardTokens = new Map<string, CardTokenState>();
  readonly tokens = new Map<string, TokenState>();
  readonly limiter: RateLimiter;
  private clock: () => number;

  constructor(opts: FakeFeishuOptions) {
    this.settings = {
      appId: opts.appId,
      appSecret: opts.appSecret,
      tenantKey: opts.tenantKey ?? defaultTenantKey(opts.appId),
      encryptKey: opts.encryptKey,
      verificationToken: opts.verificationToken,
      botUrl: opts.botUrl,
      rateLimits: opts.rateLimits ?? true,
      repushScheduleMs: opts.repushScheduleMs ?? DEFAULT_REPUSH_SCHEDULE_MS,
      callbackTimeoutMs: opts.callbackTimeoutMs ?? 3000,
      groupMessages: opts.groupMessages ?? 'mentions',
      transport: opts.transport ?? 'webhook',
      callbackCopies: 0,
    };
    this.log = opts.logger ?? silent;
    this.bot = { openId: botOpenIdOf(opts.appId), appName: opts.appName ?? '述职助手' };
    this.clock = opts.now ?? Date.now;
    this.limiter = new RateLimiter(
      () => this.now(),
      () => this.settings.rateLimits,
    );
  }

  now(): number {
    return this.clock();
  }

  setClock(now: () => number): void {
    this.clock = now;
  }

  /**
   * The ids a user has in events. user_id needs contact:user.employee_id:readonly: a user whose tenant did not
   * grant it has `"user_id": null` in message events (Corrections, captured payloads); the bot itself, when
   * mentioned, has `"user_id": ""`.
   */
  userIds(openId: string): { union_id: string; open_id: string; user_id: string | null } {
    if (openId === this.bot.openId) return { union_id: unionIdOf(openId), open_id: openId, user_id: '' };
    return { union_id: unionIdOf(openId), open_id: openId, user_id: this.userIdVisible(openId) ? userIdOf(openId) : null };
  }

  /** A card callback's operator: without the scope the `user_id` key is absent altogether (Corrections). */
  operatorIds(openId: string): { union_id: string; open_id: string; user_id?: string } {
    const ids = { union_id: unionIdOf(openId), open_id: openId };
    return this.userIdVisible(openId) ? { ...ids, user_id: userIdOf(openId) } : ids;
  }

  private userIdVisible(openId: string): boolean {
    return this.users.get(openId)?.userIdVisible !== false;
  }

  userName(openId: string): string {
    return this.users.get(openId)?.name ?? openId;
  }

  /** The p2p chat between the bot and a known user, created on first use. */
  p2pChatOf(openId: string): string {
    if (!this.users.has(openId)) throw new Error(`fake feishu: unknown user ${openId}; call addUser first`);
    const chatId = p2pChatIdOf(this.settings.appId, openId);
    if (!this.chats.has(chatId)) {
      this.chats.set(chatId, {
        chatId,
        name: this.userName(openId),
        type: 'p2p',
        members: [openId],
        managerIds: [],
        botIsMember: true,
        messageIds: [],
      });
    }
    return chatId;
  }

  storeMessage(m: FakeMessage): void {
    this.messages.set(m.messageId, m);
    this.chats.get(m.chatId)?.messageIds.push(m.messageId);
  }
}
