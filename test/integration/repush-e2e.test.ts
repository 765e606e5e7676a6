// Through the fake Feishu: a delivery whose handling fails is not marked done; Feishu's re-push completes it,
// and the effect happens exactly once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cardText } from '../support/cards.ts';
import { type Harness, startHarness } from '../support/harness.ts';

let h: Harness;
const USER = 'ou_repush_user';

beforeAll(async () => {
  h = await startHarness();
  h.fake.addUser({ openId: USER, name: '刘书记' });
});
afterAll(async () => {
  await h?.close();
});

it('a failed handling is re-pushed by Feishu and then completed once', async () => {
  const chat = h.fake.p2pChatOf(USER);
  // The bot's first attempt to answer fails (a terminal error, so the port does not retry it itself).
  h.fake.failNext('im.message.create', { status: 400, code: 230002, msg: 'Bot is not in the chat', times: 1 });
  const first = await h.fake.userSendsText({ chatId: chat, openId: USER, text: '写述职报告' });
  expect(first.status).toBe(500);
  await h.fake.whenIdle();
  const deliveries = h.fake.deliveries.filter((d) => d.eventId === first.eventId);
  expect(deliveries.map((d) => d.status)).toEqual([500, 200]);
  const cards = h.fake.messages(chat).filter((m) => m.msgType === 'interactive' && m.sender.type === 'app');
  expect(cards).toHaveLength(1);
  expect(cardText(cards[0]!.content)).toContain('基本信息');
});
