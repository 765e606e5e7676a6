// Long-connection mode with two bot processes (src/main.ts, FEISHU_TRANSPORT=websocket) on one Redis: each opens
// its own connection and the fake hands every event and callback to one random live connection (§7). One
// instance is SIGKILLed in the middle of a secretary's walk-through — once between clicks, once during a click,
// which the secretary repeats as a person would after an error — and the walk goes on through the other: every
// answer ends up in the report exactly once.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeFeishu, type FakeFeishu } from '../../src/playground/fake/index.ts';
import { composeReport } from '../../src/report/compose.ts';
import { renderText } from '../../src/report/render-text.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { toReportAnswers } from '../../src/report/walkthrough.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { type BotProcess, startBotProcess } from '../support/bot-process.ts';
import { cardText, click } from '../support/cards.ts';
import { APP_ID, APP_SECRET } from '../support/harness.ts';
import { WALK_ANSWERS } from '../support/walk.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const USER = 'ou_ws_kill_secretary';
const SECTIONS = WALK_ANSWERS;

let redisServer: TestRedis;
let redis: Redis;
let fake: FakeFeishu;
const bots: BotProcess[] = [];

beforeAll(async () => {
  redisServer = await startRedis();
  redis = createFastRedis(redisServer.url);
  await waitReady(redis);
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, transport: 'websocket' });
  fake.longConnection.clientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 };
  fake.addUser({ openId: USER, name: '吴书记' });
  const env = { FEISHU_TRANSPORT: 'websocket' };
  // No encrypt key and no verification token: long-connection mode needs neither.
  const start = () => startBotProcess({ redisUrl: redisServer.url, fakeUrl: fake.url, appId: APP_ID, appSecret: APP_SECRET, encryptKey: '', verificationToken: '', env });
  bots.push(...(await Promise.all([start(), start()])));
}, 90_000);

afterAll(async () => {
  for (const b of bots) await b.kill();
  await fake?.close();
  redis?.disconnect();
  await redisServer?.close();
});

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('an instance SIGKILLed mid-walk: the other answers, no answer lost, none twice', async () => {
  await until('both instances connected', () => fake.longConnection.connections === 2);
  const chat = fake.p2pChatOf(USER);
  expect((await fake.userSendsText({ chatId: chat, openId: USER, text: '写述职报告' })).status).toBe(200);
  await until('the setup card', () => fake.messages(chat).some((m) => m.sender.type === 'app' && m.msgType === 'interactive'));
  const card = fake.messages(chat).find((m) => m.sender.type === 'app' && m.msgType === 'interactive')!;
  const step = () => cardText(fake.message(card.messageId)!.content);

  let r = await click(fake, card, USER, '保存并继续', { unit: '区审计局', org: '党支部', year: '2026', sup: '区直机关工委' });
  expect(r.errorCode).toBeUndefined();
  let retried = 0;
  for (const [id, text] of SECTIONS) {
    if (id === 'study') {
      // Killed between two clicks: the next click goes to the live connection.
      await bots[0]!.kill();
      await until('the dead connection to close', () => fake.longConnection.connections === 1);
    }
    const before = step();
    if (id === 'conduct') {
      // Killed during a click: the click may or may not have been answered before the process died.
      const pending = click(fake, card, USER, '保存并继续', { para: text });
      await bots[2]!.kill();
      r = await pending;
    } else {
      r = await click(fake, card, USER, '保存并继续', { para: text });
    }
    if (id === 'organization') {
      // A second instance joins, then dies during a click.
      bots.push(await startBotProcess({ redisUrl: redisServer.url, fakeUrl: fake.url, appId: APP_ID, appSecret: APP_SECRET, encryptKey: '', verificationToken: '', env: { FEISHU_TRANSPORT: 'websocket' } }));
      await until('the new connection', () => fake.longConnection.connections === 2);
    }
    if (r.status !== 200 || r.errorCode !== undefined || step() === before) {
      // What a person does when Feishu shows an error or the card did not move on: click again.
      retried++;
      r = await click(fake, card, USER, '保存并继续', { para: text });
    }
    expect({ id, status: r.status, error: r.errorCode }).toEqual({ id, status: 200, error: undefined });
  }
  expect(step()).toContain('第 10/12 步');

  const ids = JSON.stringify(fake.message(card.messageId)!.content).match(/"s":"([^"]+)"/);
  const loaded = await new SessionStore(redis).byId(ids![1]!);
  if (!loaded || !('session' in loaded)) throw new Error('no session');
  const text = renderText(composeReport(DUTY_REPORT, toReportAnswers(loaded.session)!));
  for (const [id, answer] of SECTIONS) expect({ id, times: text.split(answer).length - 1 }).toEqual({ id, times: 1 });
  // The click during the kill was either answered by the dying instance in time or repeated by the secretary.
  expect(retried).toBeLessThanOrEqual(2);
}, 120_000);
