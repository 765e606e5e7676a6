// The 生成中 card's honest estimate: the publishes ahead come from a queue in Redis that finished ones leave.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pendingCard, queueLine } from '../../cards/publish.ts';
import { PublishStore } from '../../src/publish/store.ts';
import { newSession } from '../../src/report/walkthrough.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { cardText } from '../support/cards.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = createFastRedis(server.url);
  await waitReady(redis);
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

it('counts the publishes ahead, and finished or failed ones leave the queue', async () => {
  const store = new PublishStore(redis);
  const now = Date.UTC(2026, 11, 15);
  const sessions = Array.from({ length: 4 }, (_, i) => newSession({ id: `q${i}`, tenantKey: 't', openId: `ou_q${i}`, now, tz: 'Asia/Shanghai' }));
  const ahead = [];
  for (const [i, s] of sessions.entries()) ahead.push(await store.create(s, now + i));
  expect(ahead).toEqual([0, 1, 2, 3]);
  await store.update(sessions[0]!.id, sessions[0]!.rev, { status: 'done' });
  await store.update(sessions[1]!.id, sessions[1]!.rev, { status: 'failed' });
  const late = newSession({ id: 'q9', tenantKey: 't', openId: 'ou_q9', now, tz: 'Asia/Shanghai' });
  expect(await store.create(late, now + 10)).toBe(2);
  // Pending for more than 30 minutes (a crash): no longer ahead of anyone.
  const next = newSession({ id: 'q10', tenantKey: 't', openId: 'ou_q10', now, tz: 'Asia/Shanghai' });
  expect(await store.create(next, now + 31 * 60_000)).toBe(0);
});

it('says nothing about a short wait, and an estimate for a long one', () => {
  expect(queueLine(3)).toBeUndefined();
  expect(queueLine(200)).toBe('目前还有 200 份报告排在前面，预计约 2 分钟后生成完成（飞书文档写入速度有限，请耐心等待，无需重复点击）。');
  const ref = { sessionId: 'sid', rev: 1, title: '2026年度区财政局党支部书记抓基层党建工作述职报告' };
  expect(cardText(pendingCard(ref, { ahead: 1000 }))).toContain('预计约 7 分钟');
  expect(cardText(pendingCard(ref))).not.toContain('排在前面');
});
