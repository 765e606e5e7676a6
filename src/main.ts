// Process entry: config → Redis → (playground: the embedded fake Open Platform) → bot → listen.
// Graceful shutdown on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { REDACT, buildApp } from './app.ts';
import { createActivityFeature } from './activity/feature.ts';
import { createDraftingFeature } from './drafting/feature.ts';
import { createLlm } from './drafting/llm.ts';
import { createBot } from './bot/index.ts';
import { ConfigError, type Config, isPlayground, llmOf, loadConfig, redisTargetOf } from './config.ts';
import { createFeishuPort } from './feishu/port.ts';
import { createReceiver } from './feishu/receive.ts';
import { type LongConnection, startLongConnection } from './feishu/ws.ts';
import { createJobs } from './jobs/queue.ts';
import { createMetrics } from './metrics.ts';
import { createDeadlineFeature } from './nudges/feature.ts';
import { createPublisher } from './publish/publisher.ts';
import { getSubmission } from './publish/submissions.ts';
import { createPlaygroundClock, type Playground, type PlaygroundClock, startPlayground } from './playground/index.ts';
import { markMode, writeInstance } from './playground/instance.ts';
import { onBannerRequest } from './console.ts';
import { type LocalRedis, RedisServerMissing, startLocalRedis } from './store/local-redis.ts';
import { createOutageTracker } from './store/outage.ts';
import { createFastRedis, describeTarget, waitReady } from './store/redis.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const logger = pino({ level: config.LOG_LEVEL, redact: { paths: REDACT, censor: '[redacted]' } });
  const stack = await startStack(config, { logger });
  // Printed last, once everything has started; again on demand (b + Enter on the console, or SIGUSR2).
  const showBanner = () => process.stdout.write(banner(stack, config));
  showBanner();
  onBannerRequest(showBanner);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await stack.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** What startStack started: the bot's server and, in playground mode, the fake Open Platform and its clock. */
export interface Stack {
  /** Base URL of the bot's server, e.g. http://127.0.0.1:3000 (the playground page is at `${url}/`). */
  url: string;
  app: FastifyInstance;
  /** Set in playground mode (no FEISHU_APP_ID). */
  playground?: Playground;
  /** The fake clock (playground mode only): the fake, the edge and the bot read it. */
  clock?: PlaygroundClock;
  /** Set in long-connection mode (FEISHU_TRANSPORT=websocket). */
  longConnection?: LongConnection;
  /** Stops everything, last started first. */
  close(): Promise<void>;
}

/**
 * The whole process wiring (Redis, playground fake, port, jobs, bot, server), listening when it returns.
 * `npm start` and the browser test both run it. PORT 0 picks a free port.
 */
export async function startStack(config: Config, o: { logger?: pino.Logger; redisDir?: string } = {}): Promise<Stack> {
  const logger = o.logger ?? pino({ level: config.LOG_LEVEL, redact: { paths: REDACT, censor: '[redacted]' } });
  const cleanups: Array<() => Promise<void>> = [];
  const runCleanups = async () => {
    // Last started, first stopped.
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        logger.warn({ err }, 'cleanup step failed');
      }
    }
  };
  try {
    const started = await start(config, logger, cleanups, o.redisDir);
    return { ...started, close: runCleanups };
  } catch (err) {
    await runCleanups();
    throw err;
  }
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      if (addr && typeof addr === 'object') srv.close(() => resolve(addr.port));
      else reject(new Error('no free port'));
    });
  });
}

/** `redisDir`: the private redis-server's folder when REDIS_URL is unset (default ./var/redis; tests pass a temporary one). */
async function start(
  config: Config,
  logger: pino.Logger,
  cleanups: Array<() => Promise<void>>,
  redisDir?: string,
): Promise<Omit<Stack, 'close'>> {
  // The public base goes into the fake (bot URL) and the bot (document links) before the server listens.
  const listenPort = config.PORT === 0 ? await freePort(config.HOST) : config.PORT;

  let localRedis: LocalRedis | undefined;
  let redisUrl = redisTargetOf(config);
  if (!redisUrl) {
    try {
      localRedis = await startLocalRedis(redisDir);
    } catch (e) {
      if (e instanceof RedisServerMissing) throw new StartupError(e.message);
      throw e;
    }
    redisUrl = localRedis.url;
    logger.info({ dir: localRedis.dir, url: redisUrl }, 'started a private redis-server (set REDIS_URL to use your own)');
    cleanups.push(() => localRedis!.stop());
    markMode(localRedis.dir, isPlayground(config) ? 'playground' : 'feishu');
  }

  const redis = createFastRedis(redisUrl);
  redis.on('error', () => undefined); // reported through /healthz and per-request errors
  try {
    await waitReady(redis, 10_000);
  } catch {
    redis.disconnect();
    throw new StartupError(`无法连接 Redis（cannot reach Redis at ${describeTarget(redisUrl)}）。请检查该设置。`);
  }
  cleanups.push(async () => redis.disconnect());
  await checkRedisPolicy(redis, logger);

  const playground = isPlayground(config);
  const publicBase = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${listenPort}`;
  let feishu = {
    appId: config.FEISHU_APP_ID ?? '',
    appSecret: config.FEISHU_APP_SECRET ?? '',
    encryptKey: config.FEISHU_ENCRYPT_KEY,
    verificationToken: config.FEISHU_VERIFICATION_TOKEN,
    domain: config.FEISHU_DOMAIN,
    docUrlBase: config.FEISHU_DOC_URL_BASE,
  };
  let pg: Playground | undefined;
  // Playground only: one fake clock for the fake Open Platform, the edge and the bot (the page jumps it forward).
  const clock = playground ? createPlaygroundClock() : undefined;
  if (playground) {
    const secrets = {
      appId: 'cli_0123456789abcdef',
      appSecret: randomBytes(16).toString('hex'),
      encryptKey: randomBytes(16).toString('hex'),
      verificationToken: randomBytes(12).toString('hex'),
    };
    pg = await startPlayground({ ...secrets, botUrl: `${publicBase}/feishu/events`, logger, clock, tz: config.BOT_TZ, transport: config.FEISHU_TRANSPORT });
    feishu = { ...secrets, domain: pg.fake.url, docUrlBase: `${publicBase}/playground` };
    cleanups.push(() => pg!.close());
  }

  const metrics = createMetrics({ defaultMetrics: true });
  const port = createFeishuPort({
    appId: feishu.appId,
    appSecret: feishu.appSecret,
    domain: feishu.domain,
    redis,
    logger,
    metrics,
  });
  let bot: ReturnType<typeof createBot> | undefined;
  const outage = createOutageTracker({ logger, count: (source) => metrics.redisError(source) });
  redis.on('ready', () => outage.recovered());
  const jobs = createJobs({
    redisUrl,
    processor: (name, data, job) => bot!.process(name, data, job),
    logger,
    onConnectionError: (source, err) => outage.failed(source, err),
  });
  cleanups.push(() => jobs.close());
  metrics.setQueueDepthSource(() => jobs.depth());
  const now = clock?.now;
  const activity = createActivityFeature({ port, redis, jobs, logger, tz: config.BOT_TZ, now });
  const publisher = createPublisher({
    port,
    redis,
    jobs,
    logger,
    tz: config.BOT_TZ,
    docUrlBase: feishu.docUrlBase,
    folderToken: config.FEISHU_FOLDER_TOKEN,
    now,
  });
  const deadlines = createDeadlineFeature({
    port,
    redis,
    jobs,
    logger,
    tz: config.BOT_TZ,
    now,
    // Bound late: the walk-through lives inside the bot, which is built just below.
    openWalkthrough: (tenantKey, openId) => bot!.openWalkthrough(tenantKey, openId),
  });
  // 帮我起草: the configured model; in the playground, when none is configured, the fake's own endpoint.
  const llmSettings = llmOf(config) ?? (pg ? { baseUrl: `${pg.fake.url}/v1`, model: 'fake-drafter', dailyLimit: config.LLM_DAILY_LIMIT } : undefined);
  const llm = llmSettings ? createLlm(llmSettings) : undefined;
  const drafting = llm && llmSettings
    ? createDraftingFeature({ redis, jobs, port, llm, dailyLimit: llmSettings.dailyLimit, tz: config.BOT_TZ, logger, stats: activity.stats, metrics, now })
    : undefined;
  bot = createBot({
    port,
    redis,
    jobs,
    tz: config.BOT_TZ,
    logger,
    docUrlBase: feishu.docUrlBase,
    folderToken: config.FEISHU_FOLDER_TOKEN,
    now,
    features: [activity.feature, deadlines.feature, ...(drafting ? [drafting] : [])],
    ...(llm ? { assistHost: llm.host } : {}),
    publisher,
    stats: activity.stats,
    published: async (tenantKey, openId, year) => getSubmission(redis, tenantKey, openId, year),
  });
  await activity.schedule();
  // Re-adds the delayed jobs of every active deadline (idempotent: deterministic job ids).
  await deadlines.reconcile();
  if (clock) {
    // Playground: jumping the fake clock runs the reminders (deadlines, monthly gaps) planned in the skipped
    // interval, in order.
    clock.onChange(({ from, to }) => {
      deadlines.replay(from, to).catch((err) => logger.error({ err }, 'replaying reminders after a clock jump failed'));
      activity.replay(from, to).catch((err) => logger.error({ err }, 'replaying monthly reminders after a clock jump failed'));
    });
  }
  if (pg && localRedis) {
    // 重置演示数据 empties the playground's own redis-server (never a REDIS_URL the operator set) and plans the
    // recurring jobs again.
    pg.allowReset(async () => {
      await redis.flushdb();
      await activity.schedule();
      await deadlines.reconcile();
    });
  }

  // One receiver for whichever transport delivers: the webhook edge or the long connection (src/feishu/ws.ts).
  const receive = createReceiver({ redis, metrics, handle: bot.handle, persist: bot.persist, logger, outage });
  const overWs = config.FEISHU_TRANSPORT === 'websocket';
  let longConnection: LongConnection | undefined;
  const app = await buildApp({
    redis,
    metrics,
    handle: bot.handle,
    receive,
    webhook: !overWs,
    unhealthy: () => longConnection?.unhealthy(),
    encryptKey: feishu.encryptKey,
    verificationToken: feishu.verificationToken,
    maxSkewS: config.FEISHU_MAX_SKEW_S,
    persist: bot.persist,
    logger,
    now: clock?.now,
    plugins: pg ? [pg.routes] : [],
    // The page polls and streams: its request lines would flood the console (LOG_LEVEL=debug shows them).
    requestLogLevel: playground ? 'debug' : 'info',
  });
  cleanups.push(() => app.close());
  if (overWs) {
    metrics.connectionState('connecting');
    longConnection = startLongConnection({
      appId: feishu.appId,
      appSecret: feishu.appSecret,
      domain: feishu.domain,
      receive,
      logger,
      onState: (st) => metrics.connectionState(st),
    });
    // Closed before the HTTP server: Feishu then hands new events to the other instances' connections.
    cleanups.push(() => longConnection!.close());
  }

  await app.listen({ port: listenPort, host: config.HOST });
  if (pg && localRedis) {
    // For `npm run reset`: the running playground and its address (removed on exit).
    const removeInstance = writeInstance(localRedis.dir, { pid: process.pid, url: publicBase });
    cleanups.push(async () => removeInstance());
  }
  return { url: publicBase, app, playground: pg, clock, longConnection };
}

/** The start-up message: where to send events and, in playground mode, where to open the page. */
function banner(stack: Stack, config: Config): string {
  const publicBase = stack.url;
  const lines = [
    '',
    '述职助手 (shuzhi-bot) 已启动',
    stack.longConnection
      ? '  事件与回调：长连接模式 (FEISHU_TRANSPORT=websocket)，无需公网地址'
      : `  事件与回调地址 (request URL):  ${publicBase}/feishu/events`,
    `  健康检查 (health):             ${publicBase}/healthz`,
    `  指标 (metrics):                ${publicBase}/metrics`,
  ];
  if (stack.playground) {
    lines.push(
      '',
      '未配置飞书应用 (FEISHU_APP_ID)，已进入本地体验模式 (playground):',
      `  在浏览器中打开 ${publicBase}/ 即可像在飞书中一样使用机器人`,
      `  内置的模拟飞书开放平台 (fake Open Platform): ${stack.playground.fake.url}`,
      config.REDIS_URL
        ? '  演示数据保存在 REDIS_URL 指定的 Redis 中（不提供一键重置）'
        : '  重新开始体验：点击页面上的“重置演示数据”，或运行 npm run reset',
      '  控制台默认只显示警告和错误；需要更多日志时用 LOG_LEVEL=info npm start（debug 含每个请求）',
    );
  }
  const again = process.stdin.isTTY ? `在本窗口输入 b 并回车，或执行 kill -USR2 ${process.pid}` : `执行 kill -USR2 ${process.pid}`;
  lines.push('', `再次显示以上信息：${again}`);
  return `${lines.join('\n')}\n\n`;
}

/** BullMQ needs noeviction, and jobs survive a Redis restart only with persistence: say so at start-up. */
async function checkRedisPolicy(redis: ReturnType<typeof createFastRedis>, logger: pino.Logger): Promise<void> {
  try {
    const policy = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    const aof = (await redis.call('CONFIG', 'GET', 'appendonly')) as string[];
    if (policy[1] && policy[1] !== 'noeviction') {
      logger.warn({ maxmemoryPolicy: policy[1] }, 'Redis maxmemory-policy should be noeviction (BullMQ may lose jobs otherwise): set it in redis.conf');
    }
    if (aof[1] && aof[1] !== 'yes') {
      logger.warn({ appendonly: aof[1] }, 'Redis AOF is off: scheduled reminders and sessions are lost if Redis restarts (appendonly yes, appendfsync everysec)');
    }
  } catch {
    // CONFIG may be disabled on managed Redis: nothing to check then.
  }
}

/** A start-up problem the operator can fix: printed without a stack trace. */
class StartupError extends Error {}

// Runs only as the process entry (`tsx src/main.ts`), not when a test imports startStack.
const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) main().catch((err) => {
  if (err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`启动失败 (start-up failed): ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
