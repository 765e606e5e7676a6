// Redis Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME): a master, a replica and three sentinels; the bot and its
// BullMQ connections find the master through the sentinels. The master is SIGKILLed in the middle of a
// secretary's walk-through: the sentinels promote the replica, the bot answers again within seconds, and no
// answer is lost (every section is in the report once).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, redisTargetOf } from '../../src/config.ts';
import { EVENT_JOB } from '../../src/feishu/delivery.ts';
import { createJobs } from '../../src/jobs/queue.ts';
import { type FakeFeishu, startFakeFeishu } from '../../src/playground/fake/index.ts';
import { composeReport } from '../../src/report/compose.ts';
import { renderText } from '../../src/report/render-text.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { toReportAnswers } from '../../src/report/walkthrough.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { cardText, click } from '../support/cards.ts';
import { APP_ID, APP_SECRET, type BotInstance, ENCRYPT_KEY, startBotInstance, VERIFICATION_TOKEN } from '../support/harness.ts';
import { WALK_ANSWERS } from '../support/walk.ts';
import { startSentinels, type TestSentinels } from '../support/sentinel.ts';

const USER = 'ou_sentinel_secretary';
const SECTIONS = WALK_ANSWERS.slice(0, 5);

let sentinels: TestSentinels;
/** The same settings an operator writes, read by the production config. */
const config = () =>
  loadConfig({
    FEISHU_APP_ID: APP_ID,
    FEISHU_APP_SECRET: APP_SECRET,
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    REDIS_SENTINELS: sentinels.sentinels.map((s) => `${s.host}:${s.port}`).join(','),
    REDIS_SENTINEL_NAME: sentinels.name,
  });
let fake: FakeFeishu;
let bot: BotInstance;

beforeAll(async () => {
  sentinels = await startSentinels();
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, repushScheduleMs: [1000, 2000, 4000] });
  fake.addUser({ openId: USER, name: '郑书记' });
  bot = await startBotInstance({ redisUrl: redisTargetOf(config())!, fake, transport: 'webhook' });
  fake.setBotUrl(`${bot.url}/feishu/events`);
}, 60_000);

afterAll(async () => {
  await bot?.close();
  await fake?.close();
  await sentinels?.close();
});

it('fails the master over mid-walk: the bot answers again within seconds, no answer lost', async () => {
  const chat = fake.p2pChatOf(USER);
  expect((await fake.userSendsText({ chatId: chat, openId: USER, text: '写述职报告' })).status).toBe(200);
  const deadline = Date.now() + 5000;
  while (!fake.messages(chat).some((m) => m.sender.type === 'app') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const card = fake.messages(chat).find((m) => m.sender.type === 'app' && m.msgType === 'interactive')!;
  expect(card).toBeDefined();
  const step = () => cardText(fake.message(card.messageId)!.content);
  let r = await click(fake, card, USER, '保存并继续', { unit: '区统计局', org: '党支部', year: '2026', sup: '区直机关工委' });
  expect(r.toast?.type ?? 'success').not.toBe('error');

  // A second job worker with nothing to do (its own prefix): it must still stop after the failover.
  const idle = createJobs({ redisUrl: redisTargetOf(config())!, processor: async () => undefined, prefix: 'shuzhi:idle' });
  let recoveredMs = 0;
  for (const [id, text] of SECTIONS) {
    if (id === 'study') {
      const f = await sentinels.killMaster();
      expect(f.newPort).not.toBe(f.oldPort);
      // Until the bot reaches the new master, clicks are answered with a polite toast and change nothing.
      const t0 = Date.now();
      const before = step();
      for (;;) {
        r = await click(fake, card, USER, '保存并继续', { para: text });
        if (step() !== before) break;
        expect(r.toast?.content ?? '').not.toBe('');
        if (Date.now() - t0 > 30_000) throw new Error('the bot did not answer again within 30 s of the failover');
        await new Promise((res) => setTimeout(res, 250));
      }
      recoveredMs = Date.now() - t0;
      if (process.env.SHOW_FAILOVER) process.stdout.write(`failover ${f.ms} ms, bot answering again ${recoveredMs} ms later\n`);
      continue;
    }
    const before = step();
    r = await click(fake, card, USER, '保存并继续', { para: text });
    expect({ id, moved: step() !== before }).toEqual({ id, moved: true });
  }
  const closing = Date.now();
  await idle.close();
  expect(Date.now() - closing).toBeLessThan(20_000);
  // "Within seconds": measured from the moment the sentinels named the new master.
  expect(recoveredMs).toBeLessThan(10_000);
  const ids = JSON.stringify(fake.message(card.messageId)!.content).match(/"s":"([^"]+)"/);
  const loaded = await new SessionStore(bot.redis).byId(ids![1]!);
  if (!loaded || !('session' in loaded)) throw new Error('no session');
  const report = renderText(composeReport(DUTY_REPORT, toReportAnswers(loaded.session)!));
  for (const [id, answer] of SECTIONS) expect({ id, times: report.split(answer).length - 1 }).toEqual({ id, times: 1 });

  // The job queue follows the failover too: a durable event job (as the edge records one) is still processed.
  const NEWCOMER = 'ou_sentinel_newcomer';
  fake.addUser({ openId: NEWCOMER, name: '钱书记' });
  const p2p = fake.p2pChatOf(NEWCOMER);
  await bot.jobs.enqueue(EVENT_JOB, { type: 'p2p_entered', eventId: 'evt_after_failover', tenantKey: '', chatId: p2p, operatorOpenId: NEWCOMER }, { jobId: 'event-after-failover' });
  // Generous: BullMQ's blocking connection re-resolves the master with its own backoff.
  const until = Date.now() + 45_000;
  while (!fake.messages(p2p).some((m) => m.sender.type === 'app') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(fake.messages(p2p).some((m) => m.sender.type === 'app' && m.msgType === 'interactive')).toBe(true);
}, 150_000);
