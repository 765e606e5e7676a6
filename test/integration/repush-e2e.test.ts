// Through the fake Feishu: what the edge answers when handling fails or is slow, and that the effect happens
// exactly once either way (issue: never refuse or lose a genuine event).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_JOB } from '../../src/feishu/delivery.ts';
import { safeJobId } from '../../src/jobs/queue.ts';
import { Deduper } from '../../src/store/dedupe.ts';
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

const botCards = (chat: string) => h.fake.messages(chat).filter((m) => m.msgType === 'interactive' && m.sender.type === 'app');

it('a permanent Feishu error is answered 200 and recorded: no re-push for nothing', async () => {
  const chat = h.fake.p2pChatOf(USER);
  const before = botCards(chat).length;
  // The bot's answer is refused for good (230002: a terminal error; the port does not retry it).
  h.fake.failNext('im.message.create', { status: 400, code: 230002, msg: 'Bot is not in the chat', times: 1 });
  const first = await h.fake.userSendsText({ chatId: chat, openId: USER, text: '写述职报告' });
  expect(first.status).toBe(200);
  await h.fake.whenIdle();
  expect(h.fake.deliveries.filter((d) => d.eventId === first.eventId).map((d) => d.status)).toEqual([200]);
  expect(botCards(chat)).toHaveLength(before);
  const metrics = await (await fetch(`${h.instances[0]!.url}/metrics`)).text();
  expect(metrics).toMatch(/shuzhi_delivery_total\{outcome="permanent_error"\} 1/);
});

it('a handler slower than the deadline is recorded as a job before the early 200, and done once', async () => {
  const chat = h.fake.p2pChatOf(USER);
  const before = botCards(chat).length;
  // Feishu answers the bot's send after 2.6 s: past the edge's 2 s deadline.
  h.fake.slowNext('im.message.create', 2600);
  const r = await h.fake.userSendsText({ chatId: chat, openId: USER, text: '继续' });
  expect(r.status).toBe(200);
  expect(r.ms).toBeLessThan(3000);
  // The durable record exists (its id is derived from the dedupe key), and the worker finds the work done.
  const jobId = safeJobId(EVENT_JOB, Deduper.key(r.eventId, r.messageId));
  const job = await h.instances[0]!.jobs.queue.getJob(jobId);
  expect(job?.name).toBe(EVENT_JOB);
  for (let i = 0; i < 100 && !(await job!.isCompleted()); i++) await new Promise((res) => setTimeout(res, 200));
  expect(await job!.isCompleted()).toBe(true);
  await h.fake.whenIdle();
  expect(botCards(chat)).toHaveLength(before + 1);
  expect(cardText(botCards(chat).at(-1)!.content)).toContain('基本信息');
}, 30_000);
