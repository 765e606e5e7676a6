// Importing last year's report through the fake Feishu: pasted in two messages, and sent as a .docx file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steps } from '../../src/report/walkthrough.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { cardText, click, lastCard } from '../support/cards.ts';
import { type Harness, startHarness } from '../support/harness.ts';

const LAST_YEAR = readFileSync(join(import.meta.dirname, '../fixtures/reports/last-year-2022.txt'), 'utf8');
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function settle(): Promise<void> {
  await h.fake.whenIdle();
}

async function sessionOf(openId: string) {
  const store = new SessionStore(h.instances[0]!.redis);
  const m = lastCard(h.fake, h.fake.p2pChatOf(openId));
  const id = JSON.stringify(m.content).match(/"s":"([^"]+)"/)?.[1];
  const loaded = id ? await store.byId(id) : null;
  if (!loaded || !('session' in loaded)) throw new Error('no session');
  return loaded.session;
}

describe('import last year’s report', () => {
  it('joins a report pasted in two messages into one card, checks it, and attaches it on 导入', async () => {
    const user = 'ou_import_paste';
    h.fake.addUser({ openId: user, name: '陈书记' });
    const chat = h.fake.p2pChatOf(user);
    const lines = LAST_YEAR.split('\n');
    const half = Math.floor(lines.length / 2);
    await h.fake.userSendsText({ chatId: chat, openId: user, text: lines.slice(0, half).join('\n') });
    await settle();
    const cards = () => h.fake.messages(chat).filter((m) => m.msgType === 'interactive');
    expect(cards()).toHaveLength(1);
    expect(cardText(cards()[0]!.content)).toContain('1 条消息');
    await h.fake.userSendsText({ chatId: chat, openId: user, text: lines.slice(half).join('\n') });
    await settle();
    // The same card is updated in place, not a second card.
    expect(cards()).toHaveLength(1);
    const card = cards()[0]!;
    const text = cardText(card.content);
    expect(text).toContain('2 条消息');
    expect(text).toMatch(/格式检查(发现 \d+ 处问题|：未发现问题)/);

    const r = await click(h.fake, card, user, '导入');
    expect(r.toast?.type).toBe('success');
    expect(r.toast?.content).toContain('已导入去年的述职报告');
    const s = await sessionOf(user);
    expect(s.imported?.sections.length).toBeGreaterThan(0);
    expect(steps(s)).toContain('rectification');
    expect(steps(s)).toHaveLength(13);
    expect(cardText(h.fake.message(card.messageId)!.content)).toContain('继续上次的填写');
  });

  it('reads a .docx file, and politely refuses a file it cannot read', async () => {
    const user = 'ou_import_docx';
    h.fake.addUser({ openId: user, name: '周书记' });
    const chat = h.fake.p2pChatOf(user);
    const doc = new Document({ sections: [{ children: LAST_YEAR.split('\n').filter(Boolean).map((l) => new Paragraph(l)) }] });
    const data = await Packer.toBuffer(doc);
    await h.fake.userSendsFile({ chatId: chat, openId: user, fileName: '2022年度述职报告.docx', data });
    await settle();
    const card = lastCard(h.fake, chat);
    expect(cardText(card.content)).toContain('2022年度述职报告');
    expect(h.fake.callsTo('im.messageResource.get').length).toBeGreaterThan(0);
    const r = await click(h.fake, card, user, '导入');
    expect(r.toast?.type).toBe('success');
    expect((await sessionOf(user)).imported).toBeDefined();

    await h.fake.userSendsFile({ chatId: chat, openId: user, fileName: '述职报告.docx', data: Buffer.from('not a zip file') });
    await settle();
    const last = h.fake.messages(chat).at(-1)!;
    expect(last.msgType).toBe('text');
    expect(JSON.stringify(last.content)).toContain('未能读取该文件');
  });

  it('cancel discards what was received', async () => {
    const user = 'ou_import_cancel';
    h.fake.addUser({ openId: user, name: '吴书记' });
    const chat = h.fake.p2pChatOf(user);
    await h.fake.userSendsText({ chatId: chat, openId: user, text: LAST_YEAR });
    await settle();
    const card = lastCard(h.fake, chat);
    const shown = card.content;
    const r = await click(h.fake, card, user, '取消');
    expect(r.toast?.content).toContain('已取消导入');
    // 导入 on the card as it was shown before the cancel: nothing left to import.
    const again = await click(h.fake, card, user, '导入', {}, shown);
    expect(again.toast?.content ?? '').toContain('过期');
  });
});
