// The fake Open Platform's REST side, driven through the official SDK over real HTTP.
import type { ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeFeishu, startFakeFeishu, textOfDocument } from '../../src/playground/fake/index.ts';

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'secret-of-the-fake';
const T0 = Date.UTC(2025, 0, 6, 1, 0, 0);

let fake: FakeFeishu;
let t = T0;
let client: lark.Client;

/** A per-client token cache, so that fakes of different tests never share the SDK's global cache. */
function memoryCache(): lark.Cache {
  const values = new Map<string, { v: unknown; exp?: number }>();
  const k = (key: string | symbol, ns?: string) => `${ns ?? ''}/${String(key)}`;
  return {
    async set(key, value, expire, options) {
      values.set(k(key as symbol, options?.namespace), { v: value, exp: expire });
      return true;
    },
    async get(key, options) {
      const e = values.get(k(key as symbol, options?.namespace));
      if (!e || (e.exp !== undefined && e.exp < Date.now())) return undefined;
      return e.v;
    },
  };
}

// The SDK logs every failed call; these tests provoke failures on purpose.
const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

function sdk(secret = APP_SECRET): lark.Client {
  return new lark.Client({
    appId: APP_ID,
    appSecret: secret,
    domain: fake.url,
    disableTokenCache: false,
    cache: memoryCache(),
    logger: quiet,
  });
}

interface HttpFailure {
  status: number;
  data: { code: number; msg: string };
  headers: Record<string, string>;
}

/** Awaits an SDK call that must fail with an HTTP error and returns the Feishu answer. */
async function httpError(p: Promise<unknown>): Promise<HttpFailure> {
  try {
    await p;
  } catch (e) {
    const r = (e as { response?: { status: number; data: HttpFailure['data']; headers: Record<string, string> } })
      .response;
    if (!r) throw e;
    return { status: r.status, data: r.data, headers: r.headers };
  }
  throw new Error('expected the call to fail');
}

const card = (title: string, elements: unknown[] = [{ tag: 'markdown', content: '内容' }]) => ({
  schema: '2.0',
  header: { title: { tag: 'plain_text', content: title } },
  body: { elements },
});

const text = (s: string) => JSON.stringify({ text: s });

beforeEach(async () => {
  t = T0;
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, now: () => t });
  fake.addUser({ openId: 'ou_secretary', name: '王书记' });
  fake.addUser({ openId: 'ou_member', name: '李委员' });
  fake.addChat({ chatId: 'oc_branch', name: '第一党支部', type: 'group', members: ['ou_secretary', 'ou_member'], ownerId: 'ou_secretary' });
  fake.addChat({ chatId: 'oc_nobot', name: '无机器人群', type: 'group', members: ['ou_secretary'], botIsMember: false });
  client = sdk();
});

afterEach(async () => {
  await fake.close();
});

describe('token and authorization', () => {
  it('issues a top-level tenant_access_token and reuses it while it has more than 30 minutes left', async () => {
    const post = (body: unknown) =>
      fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const a = await post({ app_id: APP_ID, app_secret: APP_SECRET });
    expect(a).toMatchObject({ code: 0, msg: 'ok', expire: 7200 });
    expect(a.tenant_access_token).toMatch(/^t-/);
    t += 60 * 60_000;
    const b = await post({ app_id: APP_ID, app_secret: APP_SECRET });
    expect(b.tenant_access_token).toBe(a.tenant_access_token);
    expect(b.expire).toBe(3600);
    t += 31 * 60_000;
    const c = await post({ app_id: APP_ID, app_secret: APP_SECRET });
    expect(c.tenant_access_token).not.toBe(a.tenant_access_token);
    expect(await post({ app_id: APP_ID, app_secret: 'wrong' })).toEqual({ code: 10014, msg: 'app secret invalid' });
  });

  it('makes the SDK fail with the wrong secret', async () => {
    await expect(sdk('wrong').im.v1.chat.get({ path: { chat_id: 'oc_branch' } })).rejects.toThrow(
      /failed to get tenant_access_token.*10014/,
    );
  });

  it('answers 99991661 without a token and 99991663 for an invalidated or expired one', async () => {
    const r = await fetch(`${fake.url}/open-apis/bot/v3/info`);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ code: 99991661 });

    const info = await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
    expect(info).toMatchObject({ code: 0, bot: { open_id: fake.bot.openId, app_name: fake.bot.appName } });

    fake.invalidateTokens();
    const e = await httpError(client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }));
    expect(e.status).toBe(400);
    expect(e.data.code).toBe(99991663);

    const fresh = sdk();
    await fresh.im.v1.chat.get({ path: { chat_id: 'oc_branch' } });
    t += 2 * 3_600_000 + 1;
    expect((await httpError(fresh.im.v1.chat.get({ path: { chat_id: 'oc_branch' } }))).data.code).toBe(99991663);
    expect(fake.callsTo('bot.info').map((c) => c.code)).toEqual([99991661, 0, 99991663]);
  });
});

describe('messages', () => {
  it('creates messages in a chat and in the p2p chat of an open_id, with the documented answer', async () => {
    const r = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_branch', msg_type: 'interactive', content: JSON.stringify(card('本月提醒')) },
    });
    expect(r.code).toBe(0);
    expect(r.data?.message_id).toMatch(/^om_/);
    expect(r.data).toMatchObject({
      chat_id: 'oc_branch',
      msg_type: 'interactive',
      create_time: String(T0),
      sender: { id: APP_ID, id_type: 'app_id', sender_type: 'app' },
    });
    expect(fake.messages('oc_branch').map((m) => (m.content as { header: { title: { content: string } } }).header.title.content)).toEqual([
      '本月提醒',
    ]);

    const p = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_member', msg_type: 'text', content: text('您好') },
    });
    const p2p = fake.p2pChatOf('ou_member');
    expect(p.data?.chat_id).toBe(p2p);
    expect(fake.messages(p2p)[0]?.content).toEqual({ text: '您好' });

    const reply = await client.im.v1.message.reply({
      path: { message_id: p.data!.message_id! },
      data: { msg_type: 'text', content: text('回复') },
    });
    expect(reply.data).toMatchObject({ root_id: p.data?.message_id, parent_id: p.data?.message_id, chat_id: p2p });
  });

  it('sends at most one message per uuid within an hour', async () => {
    const send = () =>
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_branch', msg_type: 'text', content: text('一次'), uuid: 'nudge-2025-01' },
      });
    const a = await send();
    const b = await send();
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(fake.messages('oc_branch')).toHaveLength(1);
    t += 3_600_000;
    const c = await send();
    expect(c.data?.message_id).not.toBe(a.data?.message_id);
    expect(fake.messages('oc_branch')).toHaveLength(2);
  });

  it('refuses bad content, bad cards, oversized bodies and chats without the bot', async () => {
    // Each attempt one second apart, so that the 5-per-second chat limit stays out of the way.
    const create = (receive_id: string, msg_type: string, content: string) => {
      t += 1000;
      return httpError(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id, msg_type, content } }));
    };

    const notJson = await create('oc_branch', 'text', '{"text":');
    expect([notJson.status, notJson.data.code]).toEqual([400, 230001]);
    expect((await create('oc_branch', 'text', JSON.stringify({ txt: 'x' }))).data.code).toBe(230001);

    const v1 = await create('oc_branch', 'interactive', JSON.stringify(card('t', [{ tag: 'action', actions: [] }])));
    expect(v1.data.code).toBe(230099);
    expect(v1.data.msg).toContain('200861');

    const big = card('大', [{ tag: 'markdown', content: '党'.repeat(11_000) }]);
    expect((await create('oc_branch', 'interactive', JSON.stringify(big))).data.code).toBe(230025);
    expect((await create('oc_branch', 'text', text('长'.repeat(52_000)))).data.code).toBe(230025);
    // The same 33 KB is fine as text (limit 150 KB).
    t += 1000;
    const okText = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_branch', msg_type: 'text', content: text('党'.repeat(11_000)) },
    });
    expect(okText.code).toBe(0);

    expect((await create('oc_nobot', 'text', text('x'))).data.code).toBe(230002);
    expect((await create('oc_unknown', 'text', text('x'))).data.code).toBe(230002);
    expect((await create('oc_branch', 'file', JSON.stringify({ file_key: 'file_v3_nope' }))).data.code).toBe(230001);
    const missingType = await httpError(
      client.request({ method: 'POST', url: '/open-apis/im/v1/messages', data: { receive_id: 'oc_branch', msg_type: 'text', content: text('x') } }),
    );
    expect(missingType.data.code).toBe(230001);
    expect(fake.messages('oc_branch')).toHaveLength(1);
    expect(fake.callsTo('im.message.create').filter((c) => c.status === 400)).toHaveLength(9);
  });

  it('patches cards only, only within 14 days', async () => {
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_branch', msg_type: 'interactive', content: JSON.stringify(card('第一版')) },
    });
    const id = sent.data!.message_id!;
    const patched = await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('第二版')) } });
    expect(patched.code).toBe(0);
    expect(fake.message(id)?.updates).toBe(1);
    expect(fake.message(id)?.content).toEqual(card('第二版'));

    const bad = await httpError(client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x', no_such_property: 1 }] } }) } }));
    expect(bad.data.code).toBe(230099);

    const txt = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_branch', msg_type: 'text', content: text('文字') },
    });
    const notCard = await httpError(client.im.v1.message.patch({ path: { message_id: txt.data!.message_id! }, data: { content: text('x') } }));
    expect(notCard.data.code).toBe(230001);

    t += 14 * 24 * 3_600_000 + 1;
    client = sdk(); // the cached tenant token expired with the clock
    const late = await httpError(client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('第三版')) } }));
    expect([late.status, late.data.code]).toEqual([400, 230031]);
    expect(fake.message(id)?.updates).toBe(1);
  });

  it('uploads a file (multipart) and sends it as a file message', async () => {
    // Binary bytes (not valid UTF-8) must arrive intact: the file goes as a file part with a filename.
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4 '), Buffer.from([0xff, 0xfe, 0x00, 0x80])]);
    const stream = Object.assign(Readable.from([bytes]), { path: '述职报告.pdf' }) as unknown as ReadStream;
    const up = await client.im.v1.file.create({ data: { file_type: 'pdf', file_name: '述职报告.pdf', file: stream } });
    expect(up?.file_key).toMatch(/^file_v3_/);
    expect(fake.file(up!.file_key!)).toMatchObject({ fileName: '述职报告.pdf', fileType: 'pdf' });
    expect(fake.file(up!.file_key!)?.data.equals(bytes)).toBe(true);
    // A bare Buffer is sent as a text field without a filename: refused, never stored corrupted.
    const bare = await client.im.v1.file
      .create({ data: { file_type: 'pdf', file_name: 'x.pdf', file: Buffer.from('%PDF') } })
      .catch((e: { response?: { data?: { code?: number } } }) => e.response?.data);
    expect(bare).toMatchObject({ code: 234001 });
    const m = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_branch', msg_type: 'file', content: JSON.stringify({ file_key: up!.file_key }) },
    });
    expect(m.code).toBe(0);
    expect(fake.callsTo('im.file.create')[0]?.body).toEqual({ file_type: 'pdf', file_name: '述职报告.pdf', size: bytes.length });
  });
});

describe('chats and bot', () => {
  it('pages chat members without bots and answers 232011 when the bot is not in the chat', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => `ou_m${String(i).padStart(2, '0')}`);
    for (const id of ids) fake.addUser({ openId: id, name: `党员${id.slice(-2)}` });
    fake.addChat({ chatId: 'oc_big', name: '大群', type: 'group', members: ids });

    const first = await client.im.v1.chatMembers.get({ path: { chat_id: 'oc_big' }, params: { member_id_type: 'open_id' } });
    expect(first.data?.items).toHaveLength(20);
    expect(first.data).toMatchObject({ has_more: true, member_total: 45 });
    expect(first.data?.items?.[0]).toMatchObject({ member_id_type: 'open_id', member_id: 'ou_m00', name: '党员00' });

    const seen: string[] = [];
    for await (const page of await client.im.v1.chatMembers.getWithIterator({
      path: { chat_id: 'oc_big' },
      params: { member_id_type: 'open_id', page_size: 20 },
    })) {
      for (const it of page?.items ?? []) seen.push(it.member_id!);
    }
    expect(seen).toEqual(ids);
    expect(seen).not.toContain(fake.bot.openId);

    expect((await httpError(client.im.v1.chatMembers.get({ path: { chat_id: 'oc_nobot' } }))).data.code).toBe(232011);
    expect((await httpError(client.im.v1.chatMembers.get({ path: { chat_id: 'oc_big' }, params: { page_size: 101 } }))).data.code).toBe(
      232001,
    );
  });

  it('describes a chat with owner and managers', async () => {
    fake.addChat({ chatId: 'oc_m', name: '支委会', type: 'group', members: ['ou_secretary', 'ou_member'], ownerId: 'ou_secretary', managerIds: ['ou_member'] });
    const r = await client.im.v1.chat.get({ path: { chat_id: 'oc_m' }, params: { user_id_type: 'open_id' } });
    expect(r.data).toMatchObject({
      name: '支委会',
      owner_id: 'ou_secretary',
      owner_id_type: 'open_id',
      user_manager_id_list: ['ou_member'],
      chat_mode: 'group',
    });
  });
});

const para = (s: string) => ({ block_type: 2, text: { elements: [{ text_run: { content: s } }] } });

describe('docx and drive', () => {
  const h1 = (s: string) => ({ block_type: 3, heading1: { elements: [{ text_run: { content: s } }] } });

  it('creates a document and appends children idempotently by client_token', async () => {
    const d = await client.docx.v1.document.create({ data: { title: '2025年度述职报告' } });
    const id = d.data!.document!.document_id!;
    expect(id).toMatch(/^doxcn/);
    expect(d.data?.document).toMatchObject({ revision_id: 1, title: '2025年度述职报告' });

    const append = () =>
      client.docx.v1.documentBlockChildren.create({
        path: { document_id: id, block_id: id },
        params: { document_revision_id: -1, client_token: 'c0ffee00-0000-4000-8000-000000000001' },
        data: { children: [h1('一、主要成绩'), para('全年召开支委会12次。')] },
      });
    const a = await append();
    const b = await append();
    expect(b).toEqual(a);
    expect(a.data?.document_revision_id).toBe(2);
    expect(fake.document(id)?.revisionId).toBe(2);
    expect(textOfDocument(fake.document(id)!)).toEqual(['一、主要成绩', '全年召开支委会12次。']);

    await client.docx.v1.documentBlockChildren.create({
      path: { document_id: id, block_id: id },
      params: { document_revision_id: -1 },
      data: { index: 1, children: [{ block_type: 22, divider: {} }, para('插入')] },
    });
    expect(textOfDocument(fake.document(id)!)).toEqual(['一、主要成绩', '插入', '全年召开支委会12次。']);

    const page1 = await client.docx.v1.documentBlockChildren.get({ path: { document_id: id, block_id: id }, params: { page_size: 2 } });
    expect(page1.data?.items?.map((x) => x.block_type)).toEqual([3, 22]);
    expect(page1.data?.has_more).toBe(true);
    const page2 = await client.docx.v1.documentBlockChildren.get({
      path: { document_id: id, block_id: id },
      params: { page_size: 2, page_token: page1.data!.page_token! },
    });
    expect(page2.data?.items?.map((x) => x.block_type)).toEqual([2, 2]);
    expect(page2.data?.has_more).toBe(false);
  });

  it('refuses malformed blocks with 1770001', async () => {
    t += 10_000;
    const d = await client.docx.v1.document.create({ data: { title: 'x' } });
    const id = d.data!.document!.document_id!;
    const add = (children: unknown[]) =>
      httpError(
        client.request({
          method: 'POST',
          url: `/open-apis/docx/v1/documents/${id}/blocks/${id}/children`,
          params: { document_revision_id: -1 },
          data: { children },
        }),
      );
    expect((await add([{ block_type: 3, text: { elements: [] } }])).data.code).toBe(1770001);
    expect(
      (await add([{ block_type: 2, text: { elements: [{ text_run: { content: 'a', text_element_style: { link: { url: 'https://x.cn' } } } }] } }]))
        .data.code,
    ).toBe(1770001);
    t += 1000;
    expect((await add(Array.from({ length: 51 }, () => para('x')))).data.code).toBe(1770001);
    expect((await add([])).data.code).toBe(1770001);
    expect(fake.document(id)?.revisionId).toBe(1);
  });

  it('deletes a range of children and creates nested blocks with temporary ids', async () => {
    const d = await client.docx.v1.document.create({ data: { title: '嵌套' } });
    const id = d.data!.document!.document_id!;
    await client.docx.v1.documentBlockChildren.create({
      path: { document_id: id, block_id: id },
      data: { children: [para('a'), para('b'), para('c')] },
    });
    const del = await client.docx.v1.documentBlockChildren.batchDelete({
      path: { document_id: id, block_id: id },
      params: { document_revision_id: -1 },
      data: { start_index: 0, end_index: 2 },
    });
    expect(del.data?.document_revision_id).toBe(3);
    expect(textOfDocument(fake.document(id)!)).toEqual(['c']);
    const badRange = await httpError(
      client.docx.v1.documentBlockChildren.batchDelete({ path: { document_id: id, block_id: id }, data: { start_index: 0, end_index: 5 } }),
    );
    expect(badRange.data.code).toBe(1770001);

    t += 1000;
    const desc = await client.docx.v1.documentBlockDescendant.create({
      path: { document_id: id, block_id: id },
      params: { document_revision_id: -1, client_token: 'desc-1' },
      data: {
        index: 0,
        children_id: ['h', 'list'],
        descendants: [
          { block_id: 'h', block_type: 4, heading2: { elements: [{ text_run: { content: '（一）履职' } }] }, children: [] },
          { block_id: 'list', block_type: 12, bullet: { elements: [{ text_run: { content: '三会一课' } }] }, children: ['sub'] },
          { block_id: 'sub', block_type: 2, text: { elements: [{ text_run: { content: '支委会12次' } }] }, children: [] },
        ],
      },
    });
    expect(desc?.code).toBe(0);
    const rel = desc?.data?.block_id_relations ?? [];
    expect(rel.map((r) => r.temporary_block_id)).toEqual(['h', 'list', 'sub']);
    const doc = fake.document(id)!;
    const listId = rel[1]!.block_id!;
    expect(doc.blocks.get(listId)?.children).toEqual([rel[2]!.block_id]);
    expect(doc.blocks.get(rel[2]!.block_id!)?.parent_id).toBe(listId);
    expect(textOfDocument(doc)).toEqual(['（一）履职', '三会一课', '支委会12次', 'c']);

    const unreferenced = await httpError(
      client.request({
        method: 'POST',
        url: `/open-apis/docx/v1/documents/${id}/blocks/${id}/descendant`,
        // 'y' is never referenced: every descendant must hang under children_id or another block.
        data: { children_id: ['x'], descendants: [{ block_id: 'x', ...para('x') }, { block_id: 'y', ...para('y') }] },
      }),
    );
    expect(unreferenced.data.code).toBe(1770001);
  });

  it('grants a member on a docx', async () => {
    const d = await client.docx.v1.document.create({ data: { title: '授权' } });
    const id = d.data!.document!.document_id!;
    const r = await client.drive.v1.permissionMember.create({
      path: { token: id },
      params: { type: 'docx', need_notification: false },
      data: { member_type: 'openid', member_id: 'ou_secretary', perm: 'full_access', type: 'user' },
    });
    expect(r.data?.member).toMatchObject({ member_type: 'openid', member_id: 'ou_secretary', perm: 'full_access' });
    expect(fake.document(id)?.permissions).toEqual([{ member_type: 'openid', member_id: 'ou_secretary', perm: 'full_access' }]);
    const bad = await httpError(
      client.drive.v1.permissionMember.create({
        path: { token: id },
        params: { type: 'docx' },
        data: { member_type: 'openid', member_id: 'oc_branch', perm: 'edit' },
      }),
    );
    expect(bad.data.code).toBe(1063001);
    // The same grant again: the member already holds it (1063003, permission-member create page 2025-07).
    const again = await httpError(
      client.drive.v1.permissionMember.create({
        path: { token: id },
        params: { type: 'docx', need_notification: false },
        data: { member_type: 'openid', member_id: 'ou_secretary', perm: 'edit', type: 'user' },
      }),
    );
    expect(again.data.code).toBe(1063003);
    const gone = await httpError(
      client.drive.v1.permissionMember.create({
        path: { token: 'doxcn_missing' },
        params: { type: 'docx', need_notification: false },
        data: { member_type: 'openid', member_id: 'ou_secretary', perm: 'view', type: 'user' },
      }),
    );
    expect(gone.data.code).toBe(1063005);
  });
});

describe('rate limits on the injected clock', () => {
  it('answers 429 + 99991400 with x-ogw headers past 50 sends per second per app', async () => {
    const users = Array.from({ length: 11 }, (_, i) => `ou_r${i}`);
    for (const u of users) fake.addUser({ openId: u, name: u });
    const send = (u: string) =>
      client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: u, msg_type: 'text', content: text('x') } });
    for (let i = 0; i < 50; i++) await send(users[i % 10]!);
    const e = await httpError(send(users[10]!));
    expect(e.status).toBe(429);
    expect(e.data.code).toBe(99991400);
    expect(e.headers['x-ogw-ratelimit-limit']).toBe('50');
    expect(e.headers['x-ogw-ratelimit-reset']).toBe('1');
    expect(fake.callsTo('im.message.create').at(-1)).toMatchObject({ status: 429, code: 99991400 });
    t += 1000;
    expect((await send(users[10]!)).code).toBe(0);
  });

  it('answers 400 + 230020 past 5 messages per second into one chat, and per message for patches', async () => {
    const send = () =>
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_branch', msg_type: 'interactive', content: JSON.stringify(card('x')) },
      });
    for (let i = 0; i < 5; i++) await send();
    const e = await httpError(send());
    expect([e.status, e.data.code]).toEqual([400, 230020]);
    t += 1000;
    const id = (await send()).data!.message_id!;
    t += 1000;
    for (let i = 0; i < 5; i++) await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card(`v${i}`)) } });
    const p = await httpError(client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('v5')) } }));
    expect([p.status, p.data.code]).toEqual([400, 230020]);
  });

  it('limits docx edits to 3/s per document (429) and 3/s per app (400)', async () => {
    const a = (await client.docx.v1.document.create({ data: { title: 'A' } })).data!.document!.document_id!;
    const b = (await client.docx.v1.document.create({ data: { title: 'B' } })).data!.document!.document_id!;
    t += 1000;
    const edit = (id: string) =>
      client.docx.v1.documentBlockChildren.create({ path: { document_id: id, block_id: id }, data: { children: [para('x')] } });
    for (let i = 0; i < 3; i++) await edit(a);
    const perDoc = await httpError(edit(a));
    expect([perDoc.status, perDoc.data.code]).toEqual([429, 99991400]);
    expect(perDoc.headers['x-ogw-ratelimit-reset']).toBe('1');
    const perApp = await httpError(edit(b));
    expect([perApp.status, perApp.data.code]).toEqual([400, 99991400]);
    t += 1000;
    expect((await edit(b)).code).toBe(0);
  });

  it('can be switched off', async () => {
    const off = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, now: () => t, rateLimits: false });
    try {
      off.addUser({ openId: 'ou_x', name: 'x' });
      const c = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: off.url, cache: memoryCache(), logger: quiet });
      for (let i = 0; i < 8; i++) {
        await c.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_x', msg_type: 'text', content: text('x') } });
      }
      expect(off.messages(off.p2pChatOf('ou_x'))).toHaveLength(8);
    } finally {
      await off.close();
    }
  });
});

describe('fault injection', () => {
  it('fails the next calls of one API as asked, then recovers', async () => {
    fake.failNext('im.message.create', { status: 429, code: 99991400, headers: { 'x-ogw-ratelimit-reset': '2' }, times: 2 });
    const send = () =>
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_branch', msg_type: 'text', content: text('x') } });
    for (let i = 0; i < 2; i++) {
      const e = await httpError(send());
      expect([e.status, e.data.code, e.headers['x-ogw-ratelimit-reset']]).toEqual([429, 99991400, '2']);
    }
    expect((await send()).code).toBe(0);
    expect(fake.callsTo('im.message.create').map((c) => c.status)).toEqual([429, 429, 200]);
  });
});
