// Public types of the fake Feishu Open Platform. Other modules (tests, the playground UI) code against
// these names, so change them only together with their users.
import type { FakeLlm } from './openai.ts';

export interface FakeLogger {
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
}

export interface FakeFeishuOptions {
  /** Interface to listen on. Default '127.0.0.1'. */
  host?: string;
  /** Port to listen on. Default 0 (a free port). */
  port?: number;
  /** App id, e.g. 'cli_0123456789abcdef' (the WS client of the SDK insists on this form). */
  appId: string;
  appSecret: string;
  /** When set, events and callbacks are sent as {"encrypt": ...} with signature headers. */
  encryptKey?: string;
  /** Put in header.token of every event/callback and in `token` of the challenge. */
  verificationToken?: string;
  /** Where events AND card callbacks are POSTed (the bot's /feishu/events). */
  botUrl?: string;
  /** Default true: enforce the documented rate limits on the injected clock. */
  rateLimits?: boolean;
  /** Re-push delays after a failed event delivery. Default [15 s, 5 min, 1 h, 6 h]. */
  repushScheduleMs?: number[];
  /** An answer slower than this counts as a failure (recorded). Default 3000. */
  callbackTimeoutMs?: number;
  /** Clock in ms (14-day patch rule, create_time, uuid window, token life, rate windows). Default Date.now. */
  now?: () => number;
  tenantKey?: string;
  /** The bot's display name (bot.info, mentions). Default '述职助手'. */
  appName?: string;
  /**
   * Which group messages reach the bot. 'mentions' (default) is the behaviour without the sensitive
   * scope im:message.group_msg: only messages that @-mention the bot are pushed. 'all' pushes every one.
   */
  groupMessages?: 'mentions' | 'all';
  /**
   * How events and card callbacks reach the bot. 'webhook' (default): POSTed to botUrl, encrypted and signed when
   * an Encrypt Key is set. 'websocket': as frames over the long connection the bot opened (src/playground/fake/ws.ts).
   */
  transport?: 'webhook' | 'websocket';
  logger?: FakeLogger;
}

export interface PushResult {
  eventId: string;
  messageId?: string;
  /** HTTP status of the first delivery; 0 when the bot did not answer in time or the connection failed. */
  status: number;
  ms: number;
  body: string;
  /** Set when nothing was pushed (a group message without an @-mention under groupMessages 'mentions'). */
  skipped?: 'not-mentioned';
}

export interface ClickResult {
  status: number;
  ms: number;
  toast?: { type: string; content: string };
  card?: unknown;
  /** The parsed answer (or the raw text when it was not JSON). */
  raw: unknown;
  /** The client-side error code Feishu would show (200341, 200671, 200672, 200673, 200830). */
  errorCode?: number;
}

export interface RecordedCall {
  api: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  code: number;
  at: number;
  /** Answered by failRandomly() instead of being processed. */
  injected?: boolean;
}

/** One delivery attempt of an event or a callback to the bot. */
export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  /** 0 = first delivery, 1.. = re-push number; duplicates have their own chains. */
  attempt: number;
  duplicate: boolean;
  status: number;
  ms: number;
  ok: boolean;
  timedOut: boolean;
  error?: string;
  at: number;
}

export interface FakeMessage {
  messageId: string;
  chatId: string;
  msgType: string;
  /** Parsed JSON content. */
  content: unknown;
  sender: { type: 'app' | 'user'; id: string };
  createTime: number;
  updateTime: number;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  uuid?: string;
  updates: number;
}

export interface FakeBlock {
  block_id: string;
  block_type: number;
  parent_id: string;
  children: string[];
  [k: string]: unknown;
}

export interface FakeDocument {
  documentId: string;
  title: string;
  folderToken?: string;
  revisionId: number;
  blocks: Map<string, FakeBlock>;
  permissions: Array<{ member_type: string; member_id: string; perm: string }>;
}

export interface FakeUser {
  openId: string;
  name: string;
  /**
   * Whether the app may read this user's user_id (tenant granted contact:user.employee_id:readonly). Default
   * true. False: events carry `"user_id": null` for the user, and card callbacks have no `user_id` key
   * (../shared/feishu-reference.md, Corrections: captured payloads of real tenants).
   */
  userIdVisible?: boolean;
}

export interface FakeChat {
  chatId: string;
  name: string;
  type: 'p2p' | 'group';
  members: string[];
  ownerId?: string;
  managerIds?: string[];
  botIsMember?: boolean;
}

export interface FailSpec {
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
  times?: number;
}

/** A window of random failures (fault injection for chaos runs): see FakeFeishu.failRandomly. */
export interface RandomFailSpec {
  /** Probability that a call fails, 0..1. */
  rate: number;
  /** Statuses to pick from, uniformly. Default [429, 500, 502, 503]. */
  statuses?: number[];
  /** How long the window lasts, in real milliseconds from now. */
  forMs: number;
  /** Only these APIs (RecordedCall.api names); default every route. */
  apis?: string[];
  /** PRNG seed. Default 1. */
  seed?: number;
}

export interface ClickInput {
  messageId: string;
  openId: string;
  value?: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  name?: string;
  tag?: string;
  inputValue?: string;
  option?: string;
  checked?: boolean;
}

export interface FakeFeishu {
  /** Base URL to give the SDK as `domain` (no trailing slash). */
  readonly url: string;
  /** The fake OpenAI-compatible endpoint at `${url}/v1` (帮我起草): fault injection and the record of calls. */
  readonly llm: FakeLlm;
  readonly bot: { openId: string; appName: string };
  setBotUrl(url: string): void;
  /** Switches how events and callbacks reach the bot (see FakeFeishuOptions.transport). */
  setTransport(t: 'webhook' | 'websocket'): void;
  /** The long-connection side: open connections and fault injection. */
  readonly longConnection: {
    readonly connections: number;
    refuseNext(code: number, times?: number): void;
    dropAll(): void;
    fragmentBytes: number;
    cardFrameType: 'event' | 'card';
    readonly acks: ReadonlyArray<{ type: string; code: number }>;
    /** What the endpoint and each pong tell the client (seconds): PingInterval, ReconnectCount, ReconnectInterval, ReconnectNonce. */
    clientConfig: { PingInterval: number; ReconnectCount: number; ReconnectInterval: number; ReconnectNonce: number };
  };
  setClock(now: () => number): void;
  close(): Promise<void>;
  // --- recorded calls, for assertions
  /** Every HTTP call to the Open API, in order (rejected ones included). */
  readonly calls: RecordedCall[];
  callsTo(api: string): RecordedCall[];
  /** Every delivery attempt of an event or callback to the bot, in order. */
  readonly deliveries: DeliveryRecord[];
  // --- fault injection
  failNext(api: string, f: FailSpec): void;
  /** The next `times` (default 1) calls to `api` are answered `ms` later. */
  slowNext(api: string, ms: number, times?: number): void;
  /**
   * For `forMs`, every call is answered with an error at probability `rate` before it is processed (the gateway
   * refusing: 429 with its reset header, 500 JSON, 502/503/504 HTML). Such calls are marked `injected`.
   */
  failRandomly(o: RandomFailSpec): void;
  /**
   * From now on every card callback is delivered `copies` extra times with the same envelope, at the same moment
   * (at-least-once delivery); the client shows the first delivery's answer. 0 turns it off.
   */
  duplicateCallbacks(copies: number): void;
  /** Every token issued so far now answers 99991663. */
  invalidateTokens(): void;
  // --- the world
  addUser(u: FakeUser): void;
  addChat(c: FakeChat): void;
  /** Creates on demand the p2p chat between the bot and a user. */
  p2pChatOf(openId: string): string;
  messages(chatId: string): FakeMessage[];
  message(messageId: string): FakeMessage | undefined;
  document(documentId: string): FakeDocument | undefined;
  documents(): FakeDocument[];
  file(fileKey: string): { fileName: string; fileType: string; data: Buffer } | undefined;
  /** Forgets every message, file, document and card token (the playground's 重置演示数据); users and chats stay. */
  clearHistory(): void;
  // --- what a person does in the Feishu client
  /** `mentionUsers`: open_ids of people @-mentioned in the text (after the bot, if it is mentioned too). */
  userSendsText(a: { chatId: string; openId: string; text: string; mentionBot?: boolean; mentionUsers?: string[] }): Promise<PushResult>;
  userSendsFile(a: { chatId: string; openId: string; fileName: string; data: Buffer }): Promise<PushResult>;
  userClicks(a: ClickInput): Promise<ClickResult>;
  botAddedToChat(chatId: string, operatorOpenId: string): Promise<PushResult>;
  userOpensP2p(openId: string): Promise<PushResult>;
  menuClick(openId: string, eventKey: string): Promise<PushResult>;
  pushEvent(
    eventType: string,
    event: unknown,
    o?: { duplicate?: number; eventId?: string; signed?: boolean },
  ): Promise<PushResult>;
  /** Delivers a pushed event again with the same envelope (a re-push or a duplicate), to the current bot URL. */
  redeliver(eventId: string): Promise<{ status: number; body: string; ms: number }>;
  pushRaw(body: string, headers: Record<string, string>): Promise<{ status: number; body: string; ms: number }>;
  challenge(o?: { encrypted?: boolean }): Promise<{ status: number; body: unknown }>;
  /** Resolves when no push or re-push is pending or in flight. */
  whenIdle(): Promise<void>;
}
