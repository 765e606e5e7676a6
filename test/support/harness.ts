// An end-to-end harness: a real redis-server, the fake Open Platform over HTTP, and one or more bot
// instances (real fastify servers, the real SDK-based port) sharing that Redis. Nothing is mocked.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp } from '../../src/app.ts';
import { createReceiver } from '../../src/feishu/receive.ts';
import { type LongConnection, startLongConnection } from '../../src/feishu/ws.ts';
import { type Bot, type BotDeps, createBot } from '../../src/bot/index.ts';
import { createFeishuPort, type FeishuPort } from '../../src/feishu/port.ts';
import { createJobs, type Jobs } from '../../src/jobs/queue.ts';
import { createMetrics } from '../../src/metrics.ts';
import { type FakeFeishu, startFakeFeishu } from '../../src/playground/fake/index.ts';
import { createFastRedis, type RedisTarget, waitReady } from '../../src/store/redis.ts';
import { startRedis, type TestRedis } from './redis.ts';

export const APP_ID = 'cli_0123456789abcdef';
export const APP_SECRET = 'fake-app-secret';
export const ENCRYPT_KEY = 'fake-encrypt-key';
export const VERIFICATION_TOKEN = 'fake-verification-token';
export const TZ = 'Asia/Shanghai';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * How the fake delivers events and callbacks to the instances: the webhook (default) or the long connection.
 * SHUZHI_TEST_TRANSPORT=websocket runs the end-to-end suites over the long connection (npm test does both).
 */
export type Transport = 'webhook' | 'websocket';
export const TEST_TRANSPORT: Transport = process.env.SHUZHI_TEST_TRANSPORT === 'websocket' ? 'websocket' : 'webhook';

export interface BotInstance {
  url: string;
  /** Set over the long connection. */
  longConnection?: LongConnection;
  app: FastifyInstance;
  bot: Bot;
  port: FeishuPort;
  redis: Redis;
  jobs: Jobs;
  close(): Promise<void>;
}

export interface Harness {
  redis: TestRedis;
  fake: FakeFeishu;
  instances: BotInstance[];
  /** Points the fake at instance i (a load balancer choosing another instance). */
  use(i: number): void;
  /** Kills instance i and starts a fresh one in its place (a bot restart). */
  restart(i: number): Promise<void>;
  close(): Promise<void>;
}

/** What a feature's factory gets to build itself inside a bot instance. */
export interface InstanceBase {
  port: FeishuPort;
  redis: Redis;
  jobs: Jobs;
  logger: typeof silent;
  redisUrl: RedisTarget;
  fake: FakeFeishu;
}

export interface InstanceOptions {
  /** A URL, or a Sentinel target. */
  redisUrl: RedisTarget;
  fake: FakeFeishu;
  now?: () => number;
  withWorker?: boolean;
  transport?: Transport;
  /** Adds features (publisher, activity log, deadlines…) to the bot of each instance. */
  configure?: (base: InstanceBase) => Partial<BotDeps>;
}

export async function startBotInstance(o: InstanceOptions): Promise<BotInstance> {
  const redis = createFastRedis(o.redisUrl);
  redis.on('error', () => undefined);
  await waitReady(redis);
  const metrics = createMetrics();
  const port = createFeishuPort({ appId: APP_ID, appSecret: APP_SECRET, domain: o.fake.url, redis, logger: silent, metrics });
  let bot: Bot | undefined;
  const jobs = createJobs({ redisUrl: o.redisUrl, processor: o.withWorker === false ? undefined : (n, d, j) => bot!.process(n, d, j) });
  const extra = o.configure?.({ port, redis, jobs, logger: silent, redisUrl: o.redisUrl, fake: o.fake }) ?? {};
  bot = createBot({ port, redis, jobs, tz: TZ, logger: silent, docUrlBase: 'https://example.feishu.cn', now: o.now, ...extra });
  const overWs = (o.transport ?? TEST_TRANSPORT) === 'websocket';
  const receive = createReceiver({ redis, metrics, handle: bot.handle, persist: bot.persist, logger: silent });
  let longConnection: LongConnection | undefined;
  const app = await buildApp({
    redis,
    metrics,
    handle: bot.handle,
    receive,
    webhook: !overWs,
    unhealthy: () => longConnection?.unhealthy(),
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    persist: bot.persist,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  if (overWs) {
    longConnection = startLongConnection({
      appId: APP_ID,
      appSecret: APP_SECRET,
      domain: o.fake.url,
      receive,
      logger: silent,
      onState: (st) => metrics.connectionState(st),
      backoffMs: { first: 200, max: 2000 },
    });
    await waitConnected(longConnection);
  }
  return {
    url,
    app,
    bot,
    port,
    redis,
    jobs,
    longConnection,
    async close() {
      await longConnection?.close();
      await app.close();
      await jobs.close();
      redis.disconnect();
    },
  };
}

/** Waits until a long connection is up (the fake then delivers to it). */
export async function waitConnected(lc: LongConnection, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (lc.state() !== 'connected') {
    if (Date.now() > deadline) throw new Error(`long connection not up within ${ms} ms: ${lc.unhealthy()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startHarness(
  o: { instances?: number; now?: () => number; rateLimits?: boolean; configure?: InstanceOptions['configure']; transport?: Transport } = {},
): Promise<Harness> {
  const transport = o.transport ?? TEST_TRANSPORT;
  const redis = await startRedis();
  const fake = await startFakeFeishu({
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    repushScheduleMs: [100, 300],
    rateLimits: o.rateLimits ?? true,
    now: o.now,
    transport,
  });
  // Reconnect within a second in tests (a real tenant's ClientConfig says minutes).
  fake.longConnection.clientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 };
  const instances: BotInstance[] = [];
  for (let i = 0; i < (o.instances ?? 1); i++) instances.push(await startBotInstance({ redisUrl: redis.url, fake, now: o.now, configure: o.configure, transport }));
  fake.setBotUrl(`${instances[0]!.url}/feishu/events`);
  return {
    redis,
    fake,
    instances,
    use(i) {
      fake.setBotUrl(`${instances[i]!.url}/feishu/events`);
    },
    async restart(i) {
      await instances[i]!.close();
      instances[i] = await startBotInstance({ redisUrl: redis.url, fake, now: o.now, configure: o.configure, transport });
      fake.setBotUrl(`${instances[i]!.url}/feishu/events`);
    },
    async close() {
      await fake.whenIdle();
      for (const inst of instances) await inst.close();
      await fake.close();
      await redis.close();
    },
  };
}
