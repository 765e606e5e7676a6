// The outbound Feishu port against the fake Open Platform (a real HTTP server) and a real redis-server:
// every method once, the retry policy per error class, the shared Redis token cache.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeishuApiError } from '../../src/feishu/errors.ts';
import { createFeishuPort, type FeishuPort, type FeishuPortOptions, type OutboundResult } from '../../src/feishu/port.ts';
import { RedisTokenCache, TENANT_TOKEN_KEY } from '../../src/feishu/token-cache.ts';
import { startFakeFeishu } from '../../src/playground/fake/index.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'fake-secret-do-not-log-0001';
const ALICE = 'ou_alice000000000000000000000000001';
const BOB = 'ou_bob00000000000000000000000000002';
const GROUP = 'oc_group00000000000000000000000001';
const NOBOT = 'oc_nobot00000000000000000000000002';
const BIG = 'oc_big000000000000000000000000003';

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>;

let redisServer: TestRedis;
let redis: Redis;
let fake: Fake;
let botServer: Server;
let lastCardToken: string | undefined;

const card = (text: string) => ({
  schema: '2.0',
  header: { title: { tag: 'plain_text', content: '述职助手' } },
  body: { elements: [{ tag: 'markdown', content: text }] },
});

interface Harness {
  port: FeishuPort;
  sleeps: number[];
  metrics: Array<[string, OutboundResult]>;
  logs: Array<{ level: string; obj: Record<string, unknown>; msg?: string }>;
}

const allLogs: Harness['logs'] = [];

function makePort(overrides: Partial<FeishuPortOptions> = {}): Harness {
  const sleeps: number[] = [];
  const metrics: Array<[string, OutboundResult]> = [];
  const logs: Harness['logs'] = [];
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      const line = { level, obj, ...(msg === undefined ? {} : { msg }) };
      logs.push(line);
      allLogs.push(line);
    };
  const port = createFeishuPort({
    appId: APP_ID,
    appSecret: APP_SECRET,
    domain: fake.url,
    redis,
    logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') },
    metrics: { outbound: (api, result) => void metrics.push([api, result]) },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    ...overrides,
  });
  return { port, sleeps, metrics, logs };
}

const tokenFetches = () => fake.callsTo('auth.tenantAccessToken').length;
const cachedToken = async () => new RedisTokenCache({ redis }).get(TENANT_TOKEN_KEY, { namespace: APP_ID });

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
  // A minimal bot endpoint, only so that a card click yields a callback token (c-…) for updateCardByToken.
  botServer = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      try {
        const body = JSON.parse(raw) as { event?: { token?: string } };
        if (body.event?.token) lastCardToken = body.event.token;
      } catch {
        // not JSON: ignore
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((r) => botServer.listen(0, '127.0.0.1', () => r()));
  const botUrl = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/feishu/events`;
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, botUrl });
  fake.addUser({ openId: ALICE, name: '张书记' });
  fake.addUser({ openId: BOB, name: '李委员' });
  fake.addChat({ chatId: GROUP, name: '第一党支部', type: 'group', members: [ALICE, BOB], ownerId: ALICE, managerIds: [BOB] });
  fake.addChat({ chatId: NOBOT, name: '无机器人群', type: 'group', members: [ALICE], botIsMember: false });
  const many: string[] = [];
  for (let i = 0; i < 130; i++) {
    const openId = `ou_member${String(i).padStart(26, '0')}`;
    fake.addUser({ openId, name: `党员${i}` });
    many.push(openId);
  }
  fake.addChat({ chatId: BIG, name: '大支部', type: 'group', members: many });
});

afterAll(async () => {
  await fake?.close();
  await new Promise<void>((r) => (botServer ? botServer.close(() => r()) : r()));
  redis?.disconnect();
  await redisServer?.close();
});

beforeEach(async () => {
  // Forget the cached tenant token (each test starts without one) but keep the limiter's windows: the fake's
  // own rate windows survive across tests too.
  const keys = await redis.keys('shuzhi:lark:*');
  if (keys.length > 0) await redis.del(...keys);
});

describe('FeishuPort methods against the fake Open Platform', () => {
  it('sendMessage to a chat and to a user (p2p chat), and replyMessage', async () => {
    const { port, metrics } = makePort();
    const sent = await port.sendMessage({ receiveIdType: 'chat_id', receiveId: GROUP, msgType: 'text', content: { text: '你好' } });
    expect(sent.chatId).toBe(GROUP);
    expect(fake.message(sent.messageId)?.content).toEqual({ text: '你好' });

    const dm = await port.sendMessage({ receiveIdType: 'open_id', receiveId: ALICE, msgType: 'interactive', content: card('**待办**') });
    expect(dm.chatId).toBe(fake.p2pChatOf(ALICE));
    expect(fake.message(dm.messageId)?.msgType).toBe('interactive');

    const reply = await port.replyMessage({ messageId: sent.messageId, msgType: 'text', content: { text: '收到' }, chatId: GROUP });
    expect(reply.chatId).toBe(GROUP);
    expect(fake.message(reply.messageId)?.parentId).toBe(sent.messageId);
    expect(metrics).toEqual([
      ['im.message.create', 'ok'],
      ['im.message.create', 'ok'],
      ['im.message.reply', 'ok'],
    ]);
  });

  it('sendMessage passes uuid through, so a repeated send yields the same message', async () => {
    const { port } = makePort();
    const a = await port.sendMessage({ receiveIdType: 'chat_id', receiveId: GROUP, msgType: 'text', content: { text: '一次' }, uuid: 'u-1' });
    const b = await port.sendMessage({ receiveIdType: 'chat_id', receiveId: GROUP, msgType: 'text', content: { text: '一次' }, uuid: 'u-1' });
    expect(b.messageId).toBe(a.messageId);
  });

  it('patchCard and updateCardByToken change the card', async () => {
    const { port } = makePort();
    const sent = await port.sendMessage({ receiveIdType: 'chat_id', receiveId: GROUP, msgType: 'interactive', content: card('v1') });
    await port.patchCard(sent.messageId, card('v2'));
    expect(fake.message(sent.messageId)?.content).toEqual(card('v2'));

    lastCardToken = undefined;
    await fake.userClicks({ messageId: sent.messageId, openId: ALICE, value: { action: 'x' } });
    expect(lastCardToken).toMatch(/^c-/);
    await port.updateCardByToken(lastCardToken ?? '', card('v3'));
    expect(fake.message(sent.messageId)?.content).toMatchObject(card('v3'));
    expect(fake.callsTo('interactive.card.update').at(-1)?.status).toBe(200);
  });

  it('listChatMembers reads every page (page_size 100), getChat and getBotInfo', async () => {
    const { port } = makePort();
    const before = fake.callsTo('im.chatMembers.get').length;
    const members = await port.listChatMembers(BIG);
    expect(members).toHaveLength(130);
    expect(new Set(members.map((m) => m.openId)).size).toBe(130);
    expect(members.find((m) => m.openId === `ou_member${'0'.repeat(26)}`)?.name).toBe('党员0');
    const pages = fake.callsTo('im.chatMembers.get').slice(before);
    expect(pages).toHaveLength(2);
    expect(pages[0]?.query.page_size).toBe('100');

    expect(await port.getChat(GROUP)).toEqual({ name: '第一党支部', ownerId: ALICE, managerIds: [BOB] });
    expect(await port.getBotInfo()).toEqual({ openId: fake.bot.openId, appName: fake.bot.appName });
  });

  it('creates a document, appends, lists, deletes and nests blocks, and grants permission', async () => {
    const { port } = makePort();
    const doc = await port.createDocument({ title: '2025年度述职报告' });
    expect(doc.documentId).toMatch(/^doxcn/);
    expect(fake.document(doc.documentId)?.title).toBe('2025年度述职报告');

    const text = (s: string) => ({ block_type: 2, text: { elements: [{ text_run: { content: s } }] } });
    const appended = await port.appendBlocks({ documentId: doc.documentId, children: [text('一'), text('二'), text('三')], clientToken: 'ct-1' });
    expect(appended.blockIds).toHaveLength(3);
    expect(appended.revisionId).toBeGreaterThan(doc.revisionId);

    const listed = await port.listChildren({ documentId: doc.documentId });
    expect(listed.map((b) => b.blockId)).toEqual(appended.blockIds);
    expect(listed.every((b) => b.blockType === 2)).toBe(true);

    const del = await port.deleteChildren({ documentId: doc.documentId, startIndex: 0, endIndex: 1, clientToken: 'ct-2' });
    expect(del.revisionId).toBeGreaterThan(appended.revisionId);
    expect((await port.listChildren({ documentId: doc.documentId })).map((b) => b.blockId)).toEqual(appended.blockIds.slice(1));

    const nested = await port.createDescendants({
      documentId: doc.documentId,
      childrenIds: ['tmp_h'],
      descendants: [
        { block_id: 'tmp_h', block_type: 3, heading1: { elements: [{ text_run: { content: '一、学习情况' } }] }, children: [] },
      ],
      clientToken: 'ct-3',
    });
    expect(nested.relations).toHaveLength(1);
    expect(nested.relations[0]?.temporaryBlockId).toBe('tmp_h');
    const after = await port.listChildren({ documentId: doc.documentId });
    expect(after.at(-1)).toEqual({ blockId: nested.relations[0]?.blockId, blockType: 3 });

    await port.grantPermission({ token: doc.documentId, type: 'docx', openId: ALICE, perm: 'full_access' });
    expect(fake.document(doc.documentId)?.permissions).toContainEqual(
      expect.objectContaining({ member_type: 'openid', member_id: ALICE, perm: 'full_access' }),
    );
    const grant = fake.callsTo('drive.permissionMember.create').at(-1);
    expect(grant?.query).toMatchObject({ type: 'docx', need_notification: 'false' });
    // Granting again: Feishu answers 1063003 (already held, permission-member create page 2025-07): done.
    await port.grantPermission({ token: doc.documentId, type: 'docx', openId: ALICE, perm: 'full_access' });
    expect(fake.callsTo('drive.permissionMember.create').at(-1)).toMatchObject({ code: 1063003 });
  });

  it('drive permission 1066001 (server busy) is retried; 1063002 (no permission) is not', async () => {
    const { port, sleeps } = makePort();
    const doc = await port.createDocument({ title: '权限重试' });
    fake.failNext('drive.permissionMember.create', { status: 400, code: 1066001, msg: 'server busy' });
    await port.grantPermission({ token: doc.documentId, type: 'docx', openId: BOB, perm: 'full_access' });
    expect(sleeps.length).toBeGreaterThan(0);
    fake.failNext('drive.permissionMember.create', { status: 403, code: 1063002, msg: 'no permission' });
    const err = await port.grantPermission({ token: doc.documentId, type: 'docx', openId: ALICE, perm: 'view' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 1063002, terminal: true, retryable: false });
  });

  it('a send whose code is 0 succeeds whatever fields its data lacks', async () => {
    const { port } = makePort();
    fake.failNext('im.message.create', { status: 200, code: 0, msg: 'success' });
    await expect(port.sendMessage({ receiveIdType: 'chat_id', receiveId: GROUP, msgType: 'text', content: { text: '无 data' } })).resolves.toEqual({ messageId: '', chatId: '' });
    fake.failNext('im.message.reply', { status: 200, code: 0, msg: 'success' });
    await expect(port.replyMessage({ messageId: 'om_any', msgType: 'text', content: { text: '无 data' } })).resolves.toEqual({ messageId: '', chatId: '' });
  });

  it('appendBlocks refuses more than 50 children before calling Feishu', async () => {
    const { port } = makePort();
    const before = fake.callsTo('docx.blockChildren.create').length;
    const children = Array.from({ length: 51 }, () => ({ block_type: 22, divider: {} }));
    await expect(port.appendBlocks({ documentId: 'doxcnX', children, clientToken: 'c' })).rejects.toThrow(RangeError);
    expect(fake.callsTo('docx.blockChildren.create').length).toBe(before);
  });

  it('uploadFile stores the bytes', async () => {
    const { port } = makePort();
    const data = Buffer.from('%PDF-1.4 述职报告', 'utf8');
    const { fileKey } = await port.uploadFile({ fileName: '述职报告.pdf', fileType: 'pdf', data });
    expect(fileKey).toMatch(/^file_/);
    expect(fake.file(fileKey)?.data.equals(data)).toBe(true);
    expect(fake.file(fileKey)?.fileName).toBe('述职报告.pdf');
  });
});

describe('retry policy against the fake', () => {
  const send = (port: FeishuPort, text: string) =>
    port.sendMessage({ receiveIdType: 'chat_id', receiveId: GROUP, msgType: 'text', content: { text } });

  it('HTTP 429 + 99991400: waits x-ogw-ratelimit-reset seconds, then succeeds', async () => {
    const { port, sleeps, metrics } = makePort();
    const before = fake.callsTo('im.message.create').length;
    fake.failNext('im.message.create', { status: 429, code: 99991400, headers: { 'x-ogw-ratelimit-reset': '2' } });
    const sent = await send(port, '限流后重试');
    expect(fake.message(sent.messageId)).toBeDefined();
    expect(sleeps).toEqual([2000]);
    const calls = fake.callsTo('im.message.create').slice(before);
    expect(calls.map((c) => [c.status, c.code])).toEqual([
      [429, 99991400],
      [200, 0],
    ]);
    expect(metrics).toEqual([
      ['im.message.create', 'rate_limited'],
      ['im.message.create', 'ok'],
    ]);
  });

  it('230020: exponential backoff with jitter, then succeeds', async () => {
    const { port, sleeps, metrics } = makePort();
    const before = fake.callsTo('im.message.create').length;
    fake.failNext('im.message.create', { status: 400, code: 230020, times: 2 });
    await send(port, '退避');
    expect(sleeps).toEqual([250, 500]); // random() = 0 → the lower edge of [ceiling/2, ceiling]
    expect(fake.callsTo('im.message.create').slice(before).map((c) => c.code)).toEqual([230020, 230020, 0]);
    expect(metrics.map((m) => m[1])).toEqual(['rate_limited', 'rate_limited', 'ok']);
  });

  it('5xx is retried with backoff', async () => {
    const { port, sleeps, metrics } = makePort();
    fake.failNext('im.chat.get', { status: 503, code: 1, msg: 'service unavailable' });
    expect((await port.getChat(GROUP)).name).toBe('第一党支部');
    expect(sleeps).toEqual([250]);
    expect(metrics.map((m) => m[1])).toEqual(['retry', 'ok']);
  });

  it('99991663 after invalidateTokens: the cached token is evicted from Redis and one retry succeeds', async () => {
    const { port, metrics, logs } = makePort();
    await send(port, '第一条');
    const oldToken = await cachedToken();
    expect(oldToken).toMatch(/^t-/);
    const fetchesBefore = tokenFetches();
    const sendsBefore = fake.callsTo('im.message.create').length;

    fake.invalidateTokens();
    await send(port, '第二条');

    const newToken = await cachedToken();
    expect(newToken).toMatch(/^t-/);
    expect(newToken).not.toBe(oldToken);
    expect(tokenFetches()).toBe(fetchesBefore + 1);
    expect(fake.callsTo('im.message.create').slice(sendsBefore).map((c) => c.code)).toEqual([99991663, 0]);
    expect(metrics.map((m) => m[1])).toEqual(['ok', 'retry', 'ok']);
    expect(logs.some((l) => l.msg?.includes('evicted') && l.obj.evicted === true)).toBe(true);
  });

  it('99991663 twice in a row: evicts and retries only once, then fails', async () => {
    const { port } = makePort();
    const before = fake.callsTo('im.chat.get').length;
    fake.failNext('im.chat.get', { status: 400, code: 99991663, msg: 'Invalid access token for authorization', times: 2 });
    const err = await port.getChat(GROUP).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeishuApiError);
    expect(err).toMatchObject({ code: 99991663, retryable: false, attempts: 2 });
    expect(fake.callsTo('im.chat.get').length - before).toBe(2);
  });

  it('terminal 230002 (bot not in the chat): no retry, exactly one call, one clear log line', async () => {
    const { port, sleeps, metrics, logs } = makePort();
    const before = fake.callsTo('im.message.create').length;
    const err = await port
      .sendMessage({ receiveIdType: 'chat_id', receiveId: NOBOT, msgType: 'text', content: { text: '进不去' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeishuApiError);
    expect(err).toMatchObject({ api: 'im.message.create', code: 230002, httpStatus: 400, terminal: true, retryable: false });
    expect(fake.callsTo('im.message.create').length - before).toBe(1);
    expect(sleeps).toEqual([]);
    expect(metrics).toEqual([['im.message.create', 'terminal']]);
    const visible = logs.filter((l) => l.level !== 'debug');
    expect(visible).toHaveLength(1);
    expect(visible[0]).toMatchObject({ level: 'warn', obj: { api: 'im.message.create', code: 230002 } });
  });

  it('HTTP 200 with code != 0 is handled like the same code on HTTP 400', async () => {
    const { port, sleeps } = makePort();
    const sent = await port.sendMessage({ receiveIdType: 'chat_id', receiveId: GROUP, msgType: 'interactive', content: card('旧') });
    fake.failNext('im.message.patch', { status: 200, code: 230031, msg: 'message is too old' });
    const err = await port.patchCard(sent.messageId, card('新')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 230031, httpStatus: 200, terminal: true });
    expect(sleeps).toEqual([]);
  });

  it('gives up within maxWaitMs with a retryable FeishuApiError', async () => {
    const { port, sleeps } = makePort({ maxWaitMs: 15_000 });
    const before = fake.callsTo('bot.info').length;
    // exactly as many failures as the port will consume: 10 s waited, the next 10 s would exceed 15 s
    fake.failNext('bot.info', { status: 429, code: 99991400, headers: { 'x-ogw-ratelimit-reset': '10' }, times: 2 });
    const err = await port.getBotInfo().catch((e: unknown) => e);
    expect(err).toMatchObject({ api: 'bot.info', code: 99991400, httpStatus: 429, retryable: true, terminal: false });
    expect(sleeps).toEqual([10_000]);
    expect(fake.callsTo('bot.info').length - before).toBe(2);
  });
});

describe('shared Redis token cache', () => {
  it('two port instances on one Redis fetch the tenant token once', async () => {
    const r2 = new Redis(redisServer.url);
    try {
      const a = makePort();
      const b = makePort({ redis: r2 });
      const before = tokenFetches();
      await a.port.getBotInfo();
      await b.port.getBotInfo();
      await b.port.getChat(GROUP);
      expect(tokenFetches()).toBe(before + 1);
    } finally {
      r2.disconnect();
    }
  });

  it('concurrent first calls from two instances still fetch once', async () => {
    const r2 = new Redis(redisServer.url);
    try {
      const a = makePort();
      const b = makePort({ redis: r2 });
      const before = tokenFetches();
      await Promise.all([a.port.getBotInfo(), b.port.getBotInfo(), a.port.getChat(GROUP), b.port.getChat(GROUP)]);
      expect(tokenFetches()).toBe(before + 1);
    } finally {
      r2.disconnect();
    }
  });
});

describe('secrets', () => {
  it('no log line carries the app secret or a tenant token', async () => {
    const { port } = makePort();
    await port.getBotInfo();
    const token = String(await cachedToken());
    fake.failNext('im.chat.get', { status: 400, code: 230002, msg: 'x' });
    await port.getChat(GROUP).catch(() => undefined);
    const text = JSON.stringify(allLogs);
    expect(allLogs.length).toBeGreaterThan(0);
    expect(text).not.toContain(APP_SECRET);
    expect(text).not.toContain(token);
  });
});
