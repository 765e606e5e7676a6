// The fake Open Platform's push side: events and card callbacks POSTed to a tiny local receiver that
// verifies the signature and decrypts with the project's own crypto (and, once, with the SDK dispatcher).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decryptPayload, safeEqual, signBody } from '../../src/feishu/crypto.ts';
import { type FakeFeishu, startFakeFeishu } from '../../src/playground/fake/index.ts';

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'secret-of-the-fake';
const ENCRYPT_KEY = 'encrypt-key-of-the-fake';
const VERIFICATION_TOKEN = 'verification-token-of-the-fake';
const T0 = Date.UTC(2025, 0, 6, 1, 0, 0);

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  /** Did X-Lark-Signature match sha256(ts + nonce + key + raw body)? undefined when there was none. */
  signatureOk?: boolean;
  /** The decrypted envelope (or the plain body). */
  payload: Record<string, unknown>;
}

type Answer = (r: Received, req: IncomingMessage, res: ServerResponse) => void;

interface Receiver {
  url: string;
  got: Received[];
  answer: Answer;
  close(): Promise<void>;
}

const answerJson =
  (status: number, body: unknown): Answer =>
  (_r, _req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/** Never answers; releases the request when the fake gives up (deterministic "too slow"). */
const neverAnswer: Answer = (_r, req, res) => {
  req.socket.once('close', () => res.destroy());
};

async function startReceiver(): Promise<Receiver> {
  const rec: Receiver = { url: '', got: [], answer: answerJson(200, {}), close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const h = req.headers;
      const ts = h['x-lark-request-timestamp'];
      const nonce = h['x-lark-request-nonce'];
      const sig = h['x-lark-signature'];
      const signatureOk =
        typeof ts === 'string' && typeof nonce === 'string' && typeof sig === 'string'
          ? safeEqual(signBody(ts, nonce, ENCRYPT_KEY, raw), sig)
          : undefined;
      const outer = JSON.parse(raw) as Record<string, unknown>;
      const payload =
        typeof outer.encrypt === 'string'
          ? (JSON.parse(decryptPayload(ENCRYPT_KEY, outer.encrypt)) as Record<string, unknown>)
          : outer;
      const r: Received = { headers: h, raw, signatureOk, payload };
      rec.got.push(r);
      rec.answer(r, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  rec.url = `http://127.0.0.1:${addr.port}/feishu/events`;
  rec.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return rec;
}

const header = (r: Received | undefined) => (r?.payload.header ?? {}) as Record<string, string>;
// biome-ignore lint/suspicious/noExplicitAny: assertions walk the pushed JSON loosely; toMatchObject checks shapes.
const event = (r: Received | undefined) => (r?.payload.event ?? {}) as Record<string, any>;

let fake: FakeFeishu;
let rec: Receiver;
let t = T0;

const card = (title: string) => ({
  schema: '2.0',
  header: { title: { tag: 'plain_text', content: title } },
  body: { elements: [{ tag: 'button', text: { tag: 'plain_text', content: '确认' }, behaviors: [{ type: 'callback', value: { a: 'ok' } }] }] },
});

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/** An SDK client with its own token cache (the default cache is process-global, shared across fakes). */
function sdk(): lark.Client {
  const values = new Map<string, unknown>();
  return new lark.Client({
    appId: APP_ID,
    appSecret: APP_SECRET,
    domain: fake.url,
    logger: quiet,
    cache: {
      async set(key, value) {
        values.set(String(key), value);
        return true;
      },
      async get(key) {
        return values.get(String(key));
      },
    },
  });
}

/** Sends a card as the bot would, through the fake's REST side. */
async function botSendsCard(chatId: string, title: string): Promise<string> {
  const client = sdk();
  const r = await client.im.v1.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card(title)) },
  });
  return r.data!.message_id!;
}

beforeEach(async () => {
  t = T0;
  rec = await startReceiver();
  fake = await startFakeFeishu({
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    botUrl: rec.url,
    repushScheduleMs: [20, 40],
    callbackTimeoutMs: 300,
    now: () => t,
  });
  fake.addUser({ openId: 'ou_secretary', name: '王书记' });
  fake.addUser({ openId: 'ou_member', name: '李委员' });
  fake.addChat({ chatId: 'oc_branch', name: '第一党支部', type: 'group', members: ['ou_secretary', 'ou_member'] });
});

afterEach(async () => {
  await fake.close();
  await rec.close();
});

describe('events', () => {
  it('pushes an encrypted, signed im.message.receive_v1 exactly as documented', async () => {
    const chatId = fake.p2pChatOf('ou_secretary');
    const r = await fake.userSendsText({ chatId, openId: 'ou_secretary', text: '记录：今天开了支委会' });
    expect(r.status).toBe(200);
    expect(rec.got).toHaveLength(1);
    const got = rec.got[0]!;
    expect(got.signatureOk).toBe(true);
    expect(got.headers['x-lark-request-timestamp']).toBe(String(Math.floor(T0 / 1000)));
    expect(Object.keys(JSON.parse(got.raw))).toEqual(['encrypt']);
    expect(got.payload.schema).toBe('2.0');
    expect(header(got)).toEqual({
      event_id: r.eventId,
      event_type: 'im.message.receive_v1',
      create_time: String(T0),
      token: VERIFICATION_TOKEN,
      app_id: APP_ID,
      tenant_key: expect.any(String),
    });
    const e = event(got);
    expect(e.sender).toMatchObject({ sender_id: { open_id: 'ou_secretary' }, sender_type: 'user' });
    expect(e.message).toMatchObject({ message_id: r.messageId, chat_id: chatId, chat_type: 'p2p', message_type: 'text' });
    expect(typeof e.message.content).toBe('string');
    expect(JSON.parse(e.message.content)).toEqual({ text: '记录：今天开了支委会' });
    expect(fake.messages(chatId).map((m) => m.content)).toEqual([{ text: '记录：今天开了支委会' }]);
  });

  it('marks an @-mention of the bot, and does not push unmentioned group messages', async () => {
    const quiet = await fake.userSendsText({ chatId: 'oc_branch', openId: 'ou_member', text: '大家好' });
    expect(quiet.skipped).toBe('not-mentioned');
    expect(rec.got).toHaveLength(0);
    const r = await fake.userSendsText({ chatId: 'oc_branch', openId: 'ou_member', text: '提醒我交材料', mentionBot: true });
    expect(r.status).toBe(200);
    const m = event(rec.got[0]).message;
    expect(JSON.parse(m.content)).toEqual({ text: '@_user_1 提醒我交材料' });
    expect(m.mentions).toEqual([
      { key: '@_user_1', id: expect.objectContaining({ open_id: fake.bot.openId }), name: fake.bot.appName, tenant_key: expect.any(String) },
    ]);
    expect(fake.messages('oc_branch')).toHaveLength(2);
  });

  it('is understood by the SDK EventDispatcher (signature and decryption)', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: ENCRYPT_KEY, logger: quiet }).register({
      'im.message.receive_v1': async (d) => {
        seen.push(d as unknown as Record<string, unknown>);
        return 'handled';
      },
    });
    rec.answer = (r, _req, res) => {
      const data = Object.assign(Object.create({ headers: r.headers }), JSON.parse(r.raw));
      dispatcher.invoke(data).then((out) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ out }));
      });
    };
    const chatId = fake.p2pChatOf('ou_member');
    const r = await fake.userSendsText({ chatId, openId: 'ou_member', text: '你好' });
    expect(JSON.parse(r.body)).toEqual({ out: 'handled' });
    expect(seen[0]).toMatchObject({ event_id: r.eventId, message: { message_id: r.messageId } });
  });

  it('re-pushes with the same event_id after a 500, then stops on success', async () => {
    let n = 0;
    rec.answer = (r, req, res) => answerJson(n++ === 0 ? 500 : 200, {})(r, req, res);
    const r = await fake.menuClick('ou_secretary', 'start_report');
    expect(r.status).toBe(500);
    await fake.whenIdle();
    expect(rec.got.map((g) => header(g).event_id)).toEqual([r.eventId, r.eventId]);
    expect(event(rec.got[1])).toMatchObject({ event_key: 'start_report', operator: { operator_id: { open_id: 'ou_secretary' } } });
    expect(fake.deliveries.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [0, 500, false],
      [1, 200, true],
    ]);
  });

  it('treats an answer slower than the timeout as a failure and gives up after the schedule', async () => {
    rec.answer = neverAnswer;
    const r = await fake.userOpensP2p('ou_member');
    expect(r.status).toBe(0);
    await fake.whenIdle();
    // First delivery + one re-push per schedule entry ([20, 40]).
    expect(rec.got).toHaveLength(3);
    expect(fake.deliveries.every((d) => d.timedOut && !d.ok)).toBe(true);
    expect(header(rec.got[2]).event_type).toBe('im.chat.access_event.bot_p2p_chat_entered_v1');
  });

  it('sends duplicates with the same event_id on request', async () => {
    const r = await fake.botAddedToChat('oc_branch', 'ou_secretary');
    await fake.whenIdle();
    expect(rec.got).toHaveLength(1);
    await fake.pushEvent('im.chat.member.bot.added_v1', event(rec.got[0]), { duplicate: 2, eventId: 'evt-fixed' });
    await fake.whenIdle();
    expect(rec.got.slice(1).map((g) => header(g).event_id)).toEqual(['evt-fixed', 'evt-fixed', 'evt-fixed']);
    expect(event(rec.got[0])).toMatchObject({ chat_id: 'oc_branch', operator_id: { open_id: 'ou_secretary' } });
    expect(r.status).toBe(200);
  });

  it('can push without signature headers and push exact bytes', async () => {
    await fake.pushEvent('im.message.receive_v1', { x: 1 }, { signed: false });
    expect(rec.got[0]?.signatureOk).toBeUndefined();
    const raw = await fake.pushRaw('{"schema":"2.0"}', { 'content-type': 'application/json', 'x-lark-signature': 'forged' });
    expect(raw.status).toBe(200);
    expect(rec.got[1]?.raw).toBe('{"schema":"2.0"}');
    expect(rec.got[1]?.headers['x-lark-signature']).toBe('forged');
  });

  it('sends the url_verification challenge, encrypted when asked', async () => {
    rec.answer = (r, req, res) => answerJson(200, { challenge: r.payload.challenge })(r, req, res);
    const plain = await fake.challenge();
    expect(rec.got[0]?.payload).toMatchObject({ type: 'url_verification', token: VERIFICATION_TOKEN });
    expect(plain).toEqual({ status: 200, body: { challenge: rec.got[0]?.payload.challenge } });
    const enc = await fake.challenge({ encrypted: true });
    expect(Object.keys(JSON.parse(rec.got[1]!.raw))).toEqual(['encrypt']);
    expect(enc.body).toEqual({ challenge: rec.got[1]?.payload.challenge });
  });
});

describe('card callbacks', () => {
  it('sends card.action.trigger and shows a raw card answer in place of the message', async () => {
    const messageId = await botSendsCard('oc_branch', '第一版');
    const next = card('第二版');
    rec.answer = answerJson(200, { toast: { type: 'success', content: '已记录' }, card: { type: 'raw', data: next } });
    const r = await fake.userClicks({ messageId, openId: 'ou_member', value: { a: 'ok' } });
    expect(r).toMatchObject({ status: 200, toast: { type: 'success', content: '已记录' }, card: next });
    expect(r.errorCode).toBeUndefined();
    expect(fake.message(messageId)).toMatchObject({ content: next, updates: 1 });

    const got = rec.got[0]!;
    expect(got.signatureOk).toBe(true);
    expect(header(got)).toMatchObject({ event_type: 'card.action.trigger', token: VERIFICATION_TOKEN, create_time: String(T0 * 1000) });
    const e = event(got);
    expect(e.token).toMatch(/^c-/);
    expect(e.operator).toMatchObject({ open_id: 'ou_member' });
    expect(e.action).toMatchObject({ value: { a: 'ok' }, tag: 'button' });
    expect(e.context).toEqual({ open_message_id: messageId, open_chat_id: 'oc_branch' });

    // The click's token updates the card at most twice, within 30 minutes.
    const client = sdk();
    const update = (title: string) =>
      client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token: e.token, card: card(title) } });
    expect(await update('第三版')).toEqual({ code: 0, msg: 'ok' });
    expect(await update('第四版')).toEqual({ code: 0, msg: 'ok' });
    await expect(update('第五版')).rejects.toMatchObject({ response: { status: 400, data: { code: 300040 } } });
    expect(fake.message(messageId)).toMatchObject({ content: card('第四版'), updates: 3 });
  });

  it('passes form values and maps bad answers to the client error codes, leaving the card alone', async () => {
    const messageId = await botSendsCard('oc_branch', '原卡');
    const click = () => fake.userClicks({ messageId, openId: 'ou_secretary', name: 'btn_submit', formValue: { reason: '材料' } });

    rec.answer = answerJson(500, {});
    expect((await click()).errorCode).toBe(200671);
    expect(event(rec.got[0]).action).toMatchObject({ name: 'btn_submit', form_value: { reason: '材料' }, tag: 'button' });

    rec.answer = answerJson(200, 'not json');
    expect((await click()).errorCode).toBe(200672);
    rec.answer = answerJson(200, '');
    expect((await click()).errorCode).toBe(200672);
    rec.answer = answerJson(200, { card: { type: 'raw', data: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x', no_such_property: 1 }] } } } });
    expect((await click()).errorCode).toBe(200673);
    rec.answer = answerJson(200, { card: { type: 'raw', data: { elements: [], header: {} } } });
    expect((await click()).errorCode).toBe(200830);
    rec.answer = neverAnswer;
    expect((await click()).errorCode).toBe(200341);

    // Callbacks are never re-pushed.
    await fake.whenIdle();
    expect(rec.got).toHaveLength(6);
    expect(fake.message(messageId)).toMatchObject({ content: card('原卡'), updates: 0 });

    rec.answer = answerJson(200, {});
    const ok = await click();
    expect(ok.errorCode).toBeUndefined();
    expect(ok.raw).toEqual({});
  });

  it('refuses an expired card update token', async () => {
    const messageId = await botSendsCard('oc_branch', '卡');
    await fake.userClicks({ messageId, openId: 'ou_member' });
    const token = event(rec.got[0]).token as string;
    t += 30 * 60_000 + 1;
    const client = sdk();
    await expect(
      client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token, card: card('迟到') } }),
    ).rejects.toMatchObject({ response: { data: { code: 300030 } } });
  });
});
