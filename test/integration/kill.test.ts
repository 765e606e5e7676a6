// Never lose a genuine event: two bot processes (the production entry, src/main.ts) on one Redis, fed by the fake
// Open Platform with Feishu's real re-push schedule (first re-push after 15 s, reference §2.6). A process is
// SIGKILLed before and after the edge answered, and Redis is SIGKILLed mid-handler; every event is then
// delivered again 15 s later, as Feishu does. Each scenario logs 10+ activities (a message → a record in Redis and
// a confirmation card), and checks that every one is done exactly once: one record, one card.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTenantKey } from '../../src/playground/fake/ids.ts';
import { type FakeFeishu, type PushResult, startFakeFeishu } from '../../src/playground/fake/index.ts';
import { ActivityStore } from '../../src/store/activities.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { type BotProcess, startBotProcess } from '../support/bot-process.ts';
import { APP_ID, APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN } from '../support/harness.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const REPUSH_MS = 15_000;
const TEXT = '3月5日 组织集中学习二十大精神，28人参加';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redisServer: TestRedis;
let redis: Redis;
let fake: FakeFeishu;
const bots: BotProcess[] = [];
const dead = new Set<BotProcess>();
let store: ActivityStore;

async function startBot(): Promise<BotProcess> {
  const b = await startBotProcess({
    redisUrl: redisServer.url,
    fakeUrl: fake.url,
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
  });
  bots.push(b);
  return b;
}

async function kill(b: BotProcess): Promise<void> {
  dead.add(b);
  await b.kill();
}

/** A live instance from an earlier scenario, or a new one. */
async function liveBot(): Promise<BotProcess> {
  return bots.find((b) => !dead.has(b)) ?? startBot();
}

const eventsUrl = (b: BotProcess) => `${b.url}/feishu/events`;

/** n secretaries; every third one's tenant has not granted the employee-id scope (user_id null in events). */
function users(prefix: string, n: number): string[] {
  const ids = Array.from({ length: n }, (_, k) => `ou_${prefix}${String(k).padStart(2, '0')}`);
  ids.forEach((id, k) => {
    fake.addUser({ openId: id, name: `${prefix}${k}书记`, userIdVisible: k % 3 !== 1 });
  });
  return ids;
}

function send(openId: string): Promise<PushResult> {
  return fake.userSendsText({ chatId: fake.p2pChatOf(openId), openId, text: TEXT });
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const replyCalls = () => fake.callsTo('im.message.reply').length;

/** What each user ended with: cards from the bot in their chat, and activity records in Redis. */
async function outcome(ids: string[]): Promise<Array<{ user: string; cards: number; records: number }>> {
  const tenant = defaultTenantKey(APP_ID);
  const out = [];
  for (const id of ids) {
    const cards = fake.messages(fake.p2pChatOf(id)).filter((m) => m.sender.type === 'app' && m.msgType === 'interactive').length;
    const { total } = await store.recent({ tenant, openId: id }, 0, 50);
    out.push({ user: id, cards, records: total });
  }
  return out;
}

/** Feishu's 15 s re-push, and then the scenario's own second delivery of every event 15 s after the first. */
async function deliverAgainLater(results: PushResult[]): Promise<void> {
  await sleep(REPUSH_MS);
  await Promise.all(results.map((r) => fake.redeliver(r.eventId)));
  await fake.whenIdle();
}

const exactlyOnce = (ids: string[]) => ids.map((user) => ({ user, cards: 1, records: 1 }));

beforeAll(async () => {
  redisServer = await startRedis();
  redis = createFastRedis(redisServer.url, { commandTimeout: 2000 });
  redis.on('error', () => undefined);
  await waitReady(redis);
  store = new ActivityStore(redis);
  fake = await startFakeFeishu({
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    repushScheduleMs: [REPUSH_MS, REPUSH_MS],
  });
}, 60_000);

afterAll(async () => {
  for (const b of bots) await b.kill();
  await fake?.close();
  redis?.disconnect();
  await redisServer?.close();
});

describe('two bot processes on one Redis, with crashes', () => {
  it('an instance SIGKILLed mid-handler, before it answered: the re-push completes every event once', async () => {
    const [a, b] = await Promise.all([startBot(), liveBot()]);
    const ids = users('killa', 10);
    fake.setBotUrl(eventsUrl(a!));
    // Feishu is slow to accept the confirmation cards: the handlers are mid-flight when the process dies.
    fake.slowNext('im.message.reply', 1500, ids.length);
    const before = replyCalls();
    const pushes = ids.map(send);
    await waitFor('all handlers to reach Feishu', () => replyCalls() - before >= ids.length, 20_000);
    await kill(a!);
    // The load balancer now sends everything to the live instance.
    fake.setBotUrl(eventsUrl(b!));
    const first = await Promise.all(pushes);
    expect(first.map((r) => r.status)).toEqual(ids.map(() => 0));
    await deliverAgainLater(first);
    expect(await outcome(ids)).toEqual(exactlyOnce(ids));
  }, 120_000);

  it('an instance SIGKILLed after its early answer: the durable job completes every event once', async () => {
    const b = await liveBot();
    const a = await startBot();
    const ids = users('killb', 10);
    fake.setBotUrl(eventsUrl(a));
    // Slower than the edge's 2 s deadline: the edge records a job, answers 200, and the process then dies.
    fake.slowNext('im.message.reply', 4000, ids.length);
    const first = await Promise.all(ids.map(send));
    expect(first.map((r) => r.status)).toEqual(ids.map(() => 200));
    await kill(a);
    fake.setBotUrl(eventsUrl(b));
    // Nobody re-pushes a 200: only the jobs, run by the other instance's worker, can complete the work.
    await waitFor('the jobs to complete the events', async () => (await outcome(ids)).every((o) => o.cards === 1), 60_000);
    await deliverAgainLater(first);
    expect(await outcome(ids)).toEqual(exactlyOnce(ids));
  }, 150_000);

  it('Redis SIGKILLed mid-handler and restarted: every event, in flight or arriving meanwhile, is done once', async () => {
    const b = await liveBot();
    const a = await startBot();
    const inFlight = users('killr', 10);
    const during = users('killd', 5);
    fake.slowNext('im.message.reply', 1500, inFlight.length);
    const before = replyCalls();
    // Half to each instance, as a load balancer would.
    const pushes = inFlight.map((id, n) => {
      fake.setBotUrl(eventsUrl(n % 2 === 0 ? a : b));
      return send(id);
    });
    await waitFor('all handlers to reach Feishu', () => replyCalls() - before >= inFlight.length, 20_000).catch((e) => {
      const recent = fake.calls.slice(-30).map((c) => `${c.api}:${c.status}:${c.code}`);
      throw new Error(`${(e as Error).message}; reply calls ${replyCalls() - before}; last calls ${recent.join(' ')}; deliveries ${fake.deliveries.slice(-12).map((d) => `${d.status}/${d.ms}/${d.error ?? ''}`).join(',')}; stderr ${a.stderr().slice(-1500)} ${b.stderr().slice(-1500)}`);
    });
    await redisServer.kill();
    // Events that arrive while Redis is down.
    const arriving = during.map((id, n) => {
      fake.setBotUrl(eventsUrl(n % 2 === 0 ? a : b));
      return send(id);
    });
    await sleep(2500);
    await redisServer.start();
    await waitReady(redis, 10_000);
    const first = [...(await Promise.all(pushes)), ...(await Promise.all(arriving))];
    // The ones that arrived during the outage were refused with 5xx (Feishu re-pushes them).
    expect(first.slice(inFlight.length).every((r) => r.status >= 500)).toBe(true);
    await waitFor('both instances to answer again', async () => {
      const h = await Promise.all([a, b].map((x) => fetch(`${x.url}/healthz`).then((r) => r.status)));
      return h.every((s) => s === 200);
    }, 20_000);
    await deliverAgainLater(first);
    expect(await outcome([...inFlight, ...during])).toEqual(exactlyOnce([...inFlight, ...during]));
  }, 150_000);
});
