// Issue 3 benchmark: 200 secretaries walk the whole report at once through signed, encrypted card callbacks.
//
// The bot (same wiring as test/support/harness.ts: real redis-server, the real SDK-based port pointed at the
// fake, the real app) runs in a CHILD process so that its memory can be read; the fake Open Platform and the
// simulated people run in this process. Each secretary: opens the p2p chat (welcome card), then clicks
// 开始 → setup → opening → seven achievements → three problems → plan (two measures) → preview: 17 callbacks.
// Two scenarios: "paced" (each click after a think time, uniform 0..2×BENCH_THINK_MS, same schedule in both runs)
// and "burst" (another 200 secretaries clicking with no think time: 200 callbacks in flight at any moment).
// Baseline, same run: the very same callbacks (recorded inputs, same think times) answered by a bare fastify
// route that checks the signature, decrypts and answers {}.
//
// This file is also the child: `node --import tsx scripts/bench/walkthrough.ts bot|baseline REDIS KEY FAKE_URL`.
// Heavy modules are imported dynamically so that each process loads only what it runs.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { ClickInput, FakeFeishu, FakeMessage } from '../../src/playground/fake/index.ts';
import { buttons, cardText } from '../../test/support/cards.ts';
import { CALLBACK_DONE_TTL_S } from '../../src/store/dedupe.ts';
import { bareWebhook, fmt, startBenchRedis, startChild } from './util.ts';

const SELF = 'scripts/bench/walkthrough.ts';
const KEY = 'bench-walk-encrypt-key';
const TOKEN = 'bench-walk-verification-token';
const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'bench-app-secret';
const USERS = Number(process.env.BENCH_WALK_USERS ?? 200);
const WARMUP_USERS = Number(process.env.BENCH_WALK_WARMUP ?? 20);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
/** Extra node flags for the bot child only (e.g. `--max-semi-space-size=4`), to try memory settings. */
const CHILD_NODE_OPTIONS = process.env.BENCH_WALK_CHILD_NODE_OPTIONS;
/** Set to a directory to get a V8 CPU profile of the bot child during the burst (open in Chrome DevTools). */
const PROFILE_DIR = process.env.BENCH_WALK_CPU_PROF;

interface Mem {
  rss: number;
  heapUsed: number;
  /** Peak resident set size of the process so far (getrusage). */
  maxRss: number;
  /** User + system CPU time of the process, µs. */
  cpuUs: number;
}

// ---------------------------------------------------------------------------------------------------------
// The child: the server under test.

async function serve(mode: string, redisUrl: string, key: string, fakeUrl: string): Promise<void> {
  type App = import('fastify').FastifyInstance;

  let profiler: import('node:inspector/promises').Session | undefined;
  const benchRoutes = async (app: App) => {
    app.get('/bench/mem', async () => {
      const m = process.memoryUsage();
      const c = process.cpuUsage();
      return { rss: m.rss, heapUsed: m.heapUsed, maxRss: process.resourceUsage().maxRSS * 1024, cpuUs: c.user + c.system } satisfies Mem;
    });
    // RSS after a full collection: what stays when the garbage of the run is gone.
    app.get('/bench/gc', async () => {
      const { setFlagsFromString } = await import('node:v8');
      const { runInNewContext } = await import('node:vm');
      setFlagsFromString('--expose-gc');
      (runInNewContext('gc') as () => void)();
      const m = process.memoryUsage();
      return { rss: m.rss, heapUsed: m.heapUsed };
    });
    app.get('/bench/profile/start', async () => {
      const { Session } = await import('node:inspector/promises');
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return {};
    });
    app.get('/bench/profile/stop', async (req) => {
      if (!profiler) return { file: null };
      const { profile } = await profiler.post('Profiler.stop');
      const file = String((req.query as { file?: string }).file ?? 'walkthrough.cpuprofile');
      writeFileSync(file, JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
      return { file };
    });
  };

  let address: string;
  if (mode === 'baseline') {
    // The least any webhook must do for a callback: signature check, decrypt, parse, answer {}.
    const app = await bareWebhook(key);
    await benchRoutes(app);
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  } else {
    // The same wiring as test/support/harness.ts startBotInstance.
    const { buildApp } = await import('../../src/app.ts');
    const { createBot } = await import('../../src/bot/index.ts');
    type Bot = import('../../src/bot/index.ts').Bot;
    const { createFeishuPort } = await import('../../src/feishu/port.ts');
    const { createJobs } = await import('../../src/jobs/queue.ts');
    const { createMetrics } = await import('../../src/metrics.ts');
    const { createFastRedis, waitReady } = await import('../../src/store/redis.ts');
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const redis = createFastRedis(redisUrl);
    redis.on('error', () => undefined);
    await waitReady(redis);
    const metrics = createMetrics();
    const port = createFeishuPort({ appId: APP_ID, appSecret: APP_SECRET, domain: fakeUrl, redis, logger: silent, metrics });
    let bot: Bot | undefined;
    const jobs = createJobs({ redisUrl, processor: (n, d, j) => bot!.process(n, d, j) });
    bot = createBot({ port, redis, jobs, tz: 'Asia/Shanghai', logger: silent, docUrlBase: 'https://example.feishu.cn' });
    const app = await buildApp({
      redis,
      metrics,
      handle: bot.handle,
      encryptKey: key,
      verificationToken: TOKEN,
      persist: bot.persist,
      plugins: [benchRoutes],
    });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  }
  process.stdout.write(`LISTENING ${address}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------------
// The bench process: the fake Open Platform and the people.

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A small deterministic PRNG, so that the bot and the baseline see the same think times. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const SECTIONS = [
  '2025年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大和二十届三中全会精神，紧紧围绕局中心工作，推动机关党建工作提质增效。现将有关情况报告如下',
  '我坚持把党建工作摆在突出位置，全年主持召开支委会12次、党员大会4次，带头讲党课2次，严格落实“三会一课”制度',
  '坚持每月开展集中学习，组织党员赴红色教育基地开展实景教学，引导党员干部学深悟透党的创新理论',
  '严格执行民主集中制，按程序开展民主评议党员工作，全年发展党员2名',
  '深入开展作风建设专项行动，建立整改清单，办事时限平均压缩三分之一',
  '认真落实“一岗双责”，组织观看警示教育片，开展廉政谈话',
  '修订完善《党支部工作规则》等制度5项，坚持党务公开',
  '一是深化“双报到”，组织党员到社区开展志愿服务；二是结对帮扶村集体经济发展',
];
const PROBLEMS = [
  ['党建工作创新不够', '工作方法较为传统，与业务工作融合不够紧密'],
  ['理论学习不够深入', '学习形式较为单一，系统性不强'],
  ['监督考核运用不够', '考核结果与评先评优挂钩不紧'],
];
const MEASURES = ['持续加强理论武装，每月组织一次集中学习', '严格落实组织生活制度，每季度讲一次党课'];

/** The walk: [button text, typed inputs]. The year is left as the setup card proposes it. */
const SCRIPT: Array<[string, Record<string, unknown>]> = [
  ['开始写述职报告', {}],
  ['保存并继续', { unit: '区财政局', org: '党支部', sup: '区直机关工委' }],
  ...SECTIONS.map((para): [string, Record<string, unknown>] => ['保存并继续', { para }]),
  ...PROBLEMS.map(([problem, analysis]): [string, Record<string, unknown>] => ['添加这个问题', { problem, analysis }]),
  ['保存并继续', {}],
  ...MEASURES.map((para): [string, Record<string, unknown>] => ['添加措施', { para }]),
  ['保存并继续', {}],
];

interface Recorded {
  think: number;
  input: ClickInput;
}

interface RunResult {
  ms: number[];
  clicks: number;
  /** Clicks answered with a Feishu client error code or an error/warning toast, or a user not at the preview. */
  failures: string[];
  wallMs: number;
  cpuUs: number;
  /** Open API calls during the run, token calls excluded, by API. */
  apiCalls: Record<string, number>;
  peakRss: number;
  endMem: Mem;
  loopDelayP99: number;
  /** The bot's own callback latency (its histogram), mean over the run; undefined for the baseline. */
  serverMeanMs?: number;
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  return (await r.json()) as T;
}

/** Sum and count of the bot's callback-latency histogram. */
async function serverLatency(address: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${address}/metrics`)).text();
  const sum = Number(text.match(/^shuzhi_callback_latency_seconds_sum(?:\{[^}]*\})? (\S+)$/m)?.[1] ?? Number.NaN);
  const count = Number(text.match(/^shuzhi_callback_latency_seconds_count(?:\{[^}]*\})? (\S+)$/m)?.[1] ?? Number.NaN);
  return { sum, count };
}

/**
 * Runs `fn` while sampling the child's memory, and measures its CPU time, the Open API calls and the bench
 * process's own event-loop delay (a saturated load generator would inflate the latencies it measures).
 */
async function measured(
  fake: FakeFeishu,
  address: string,
  isBot: boolean,
  fn: (ms: number[], failures: string[]) => Promise<number>,
): Promise<RunResult> {
  const before = await getJson<Mem>(`${address}/bench/mem`);
  const lat0 = isBot ? await serverLatency(address) : undefined;
  const calls0 = fake.calls.length;
  let peakRss = before.rss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const m = await getJson<Mem>(`${address}/bench/mem`);
      peakRss = Math.max(peakRss, m.rss);
      await sleep(200);
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const ms: number[] = [];
  const failures: string[] = [];
  const t0 = performance.now();
  const clicks = await fn(ms, failures);
  const wallMs = performance.now() - t0;
  loop.disable();
  sampling = false;
  await sampler;
  const endMem = await getJson<Mem>(`${address}/bench/mem`);
  const lat1 = isBot ? await serverLatency(address) : undefined;
  const apiCalls: Record<string, number> = {};
  for (const c of fake.calls.slice(calls0)) {
    if (c.api === 'auth.tenantAccessToken') continue;
    apiCalls[c.api] = (apiCalls[c.api] ?? 0) + 1;
  }
  ms.sort((a, b) => a - b);
  return {
    ms,
    clicks,
    failures,
    wallMs,
    cpuUs: endMem.cpuUs - before.cpuUs,
    apiCalls,
    peakRss: Math.max(peakRss, endMem.rss),
    endMem,
    loopDelayP99: loop.percentile(99) / 1e6,
    serverMeanMs: lat0 && lat1 ? ((lat1.sum - lat0.sum) / (lat1.count - lat0.count)) * 1000 : undefined,
  };
}

async function waitFor<T>(fn: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = fn();
    if (v !== undefined) return v;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Adds the users and opens their p2p chats; resolves with each one's welcome card. */
async function welcome(fake: FakeFeishu, ids: string[]): Promise<Map<string, FakeMessage>> {
  const cards = new Map<string, FakeMessage>();
  for (const id of ids) fake.addUser({ openId: id, name: `书记${id.slice(-4)}` });
  // A few at a time: the welcome cards go through the port's rate limiter (50 messages/s per app).
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const chat = fake.p2pChatOf(id);
        await fake.userOpensP2p(id);
        const m = await waitFor(() => fake.messages(chat).find((x) => x.msgType === 'interactive'), `the welcome card of ${id}`);
        cards.set(id, m);
      }
    }),
  );
  return cards;
}

/** One secretary walks the script; returns the inputs clicked (for the baseline replay). */
async function walkOne(
  fake: FakeFeishu,
  openId: string,
  card: FakeMessage,
  think: () => number,
  ms: number[],
  failures: string[],
): Promise<Recorded[]> {
  const rec: Recorded[] = [];
  for (const [i, [text, inputs]] of SCRIPT.entries()) {
    const t = think();
    if (t > 0) await sleep(t);
    const all = buttons(fake.message(card.messageId)!.content);
    const b = all.find((x) => x.text === text) ?? all.find((x) => x.text.includes(text));
    if (!b) {
      failures.push(`${openId} step ${i}: no button "${text}"`);
      return rec;
    }
    const formValue = b.form ? { ...b.form, ...inputs } : undefined;
    const input: ClickInput = {
      messageId: card.messageId,
      openId,
      value: b.value,
      ...(b.name ? { name: b.name } : {}),
      ...(formValue ? { formValue } : {}),
    };
    rec.push({ think: t, input });
    const r = await fake.userClicks(input);
    ms.push(r.ms);
    if (r.errorCode !== undefined) failures.push(`${openId} step ${i}: client error ${r.errorCode}`);
    else if (r.toast && (r.toast.type === 'error' || r.toast.type === 'warning')) failures.push(`${openId} step ${i}: toast ${r.toast.content}`);
  }
  if (!cardText(fake.message(card.messageId)!.content).includes('第 12/12 步')) failures.push(`${openId}: not at the preview after the walk`);
  return rec;
}

async function walkAll(
  fake: FakeFeishu,
  cards: Map<string, FakeMessage>,
  thinkMean: number,
  seed: number,
  ms: number[],
  failures: string[],
): Promise<{ clicks: number; recorded: Recorded[][] }> {
  const users = [...cards.keys()];
  const recorded = await Promise.all(
    users.map((id, i) => {
      const rnd = mulberry32(seed + i);
      return walkOne(fake, id, cards.get(id)!, () => (thinkMean > 0 ? Math.round(rnd() * 2 * thinkMean) : 0), ms, failures);
    }),
  );
  return { clicks: recorded.reduce((n, r) => n + r.length, 0), recorded };
}

/** The same callbacks, with the same think times, against another server (the baseline answers {}). */
async function replay(fake: FakeFeishu, recorded: Recorded[][], ms: number[], failures: string[]): Promise<number> {
  let clicks = 0;
  await Promise.all(
    recorded.map(async (steps) => {
      for (const s of steps) {
        if (s.think > 0) await sleep(s.think);
        const r = await fake.userClicks(s.input);
        clicks += 1;
        ms.push(r.ms);
        if (r.errorCode !== undefined || r.status !== 200) failures.push(`${s.input.openId}: status ${r.status} error ${r.errorCode}`);
      }
    }),
  );
  return clicks;
}

const MB = 1024 * 1024;

function report(name: string, bot: RunResult, base: RunResult): void {
  const p = (r: RunResult, q: number) => quantile(r.ms, q);
  const calls = Object.values(bot.apiCalls).reduce((a, b) => a + b, 0);
  const callList = Object.entries(bot.apiCalls)
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
  const cpuBot = bot.cpuUs / bot.clicks / 1000;
  const cpuBase = base.cpuUs / base.clicks / 1000;
  const out = [
    `${name}: ${bot.clicks} callbacks in ${fmt(bot.wallMs / 1000)} s (${fmt(bot.clicks / (bot.wallMs / 1000), 0)}/s); baseline ${base.clicks} in ${fmt(base.wallMs / 1000)} s`,
    `  callback latency (fake)  bot p50 ${fmt(p(bot, 0.5))} ms  p99 ${fmt(p(bot, 0.99))} ms  max ${fmt(p(bot, 1), 0)} ms   | baseline p50 ${fmt(p(base, 0.5))} ms  p99 ${fmt(p(base, 0.99))} ms`,
    `  ratio bot/baseline       p50 ${fmt(p(bot, 0.5) / p(base, 0.5), 2)}  p99 ${fmt(p(bot, 0.99) / p(base, 0.99), 2)}   target p99 ≤ 50 ms: ${p(bot, 0.99) <= 50 ? 'met' : 'NOT met'} (Feishu's limit 3000 ms)`,
    `  server CPU per callback  bot ${fmt(cpuBot, 2)} ms   baseline ${fmt(cpuBase, 2)} ms   ratio ${fmt(cpuBot / cpuBase, 1)}${bot.serverMeanMs === undefined ? '' : `   (bot's own mean answer time ${fmt(bot.serverMeanMs, 1)} ms)`}`,
    `  Feishu API calls / step  ${fmt(calls / bot.clicks, 3)} (${calls} calls${callList ? `: ${callList}` : ''}; tokens excluded)   target 0: ${calls === 0 ? 'met' : 'NOT met'}`,
    `  bot RSS                  end ${fmt(bot.endMem.rss / MB, 0)} MB (heap used ${fmt(bot.endMem.heapUsed / MB, 0)} MB)  peak ${fmt(bot.peakRss / MB, 0)} MB (getrusage max ${fmt(bot.endMem.maxRss / MB, 0)} MB)   | baseline end ${fmt(base.endMem.rss / MB, 0)} MB   target ≤ 150 MB: ${Math.max(bot.peakRss, bot.endMem.maxRss) <= 150 * MB ? 'met' : 'NOT met'}`,
    `  failures                 bot ${bot.failures.length}   baseline ${base.failures.length}   bench-process loop delay p99 ${fmt(bot.loopDelayP99)} / ${fmt(base.loopDelayP99)} ms`,
  ];
  for (const f of [...bot.failures, ...base.failures].slice(0, 5)) out.push(`    e.g. ${f}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Starts a child with BENCH_WALK_CHILD_NODE_OPTIONS added to NODE_OPTIONS (spawn copies the environment). */
async function withChildNodeOptions<T>(start: () => Promise<T>): Promise<T> {
  if (!CHILD_NODE_OPTIONS) return start();
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} ${CHILD_NODE_OPTIONS}`.trim();
  try {
    return await start();
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

/** used_memory growth per activity record, stored the way the activity log stores them (store/activities.ts). */
async function activityBytes(url: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const { ActivityStore } = await import('../../src/store/activities.ts');
  const { RECORD_VERSION } = await import('../../src/activity/record.ts');
  const r = new Redis(url);
  try {
    const used = async () => Number((await r.info('memory')).match(/^used_memory:(\d+)/m)?.[1] ?? Number.NaN);
    const store = new ActivityStore(r);
    const before = await used();
    const t = Date.UTC(2026, 2, 5);
    for (let u = 0; u < 50; u++) {
      const o = { tenant: 'bench_tenant', openId: `ou_act_${String(u).padStart(4, '0')}` };
      for (let m = 0; m < 20; m++) {
        const msg = `om_${u}_${m}_${'x'.repeat(24)}`;
        await store.insertAll(o, [
          {
            v: RECORD_VERSION,
            id: `${msg}-0`,
            msg,
            idx: 0,
            date: '2026-03-05',
            kind: '集中学习',
            attendees: 28,
            allMembers: false,
            topic: '学习贯彻党的二十届四中全会精神',
            hours: 2,
            source: '3月5日 组织集中学习二十届四中全会精神，28人参加，2小时',
            status: 'logged',
            rev: 0,
            createdAt: t,
            updatedAt: t,
          },
        ]);
      }
    }
    return ((await used()) - before) / 1000;
  } finally {
    r.disconnect();
  }
}

/** Redis memory after the bot's walks, and the share of the stored callback answers (deduplication keys). */
async function redisFootprint(url: string): Promise<{ usedMb: number; dedupeKeys: number; dedupeMb: number; sessionKeys: number; sessionMb: number }> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url);
  try {
    const used = Number((await r.info('memory')).match(/^used_memory:(\d+)/m)?.[1] ?? Number.NaN);
    const sum = async (pattern: string) => {
      let keys = 0;
      let bytes = 0;
      for await (const batch of r.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
        for (const k of batch) {
          keys += 1;
          bytes += Number((await r.call('MEMORY', 'USAGE', k)) ?? 0);
        }
      }
      return { keys, mb: bytes / MB };
    };
    const dedupe = await sum('shuzhi:dedupe:*');
    const sessions = await sum('shuzhi:report:*');
    return { usedMb: used / MB, dedupeKeys: dedupe.keys, dedupeMb: dedupe.mb, sessionKeys: sessions.keys, sessionMb: sessions.mb };
  } finally {
    r.disconnect();
  }
}

export async function benchWalkthrough(): Promise<void> {
  const { startFakeFeishu } = await import('../../src/playground/fake/index.ts');
  const redis = await startBenchRedis();
  const fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: KEY, verificationToken: TOKEN });
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `ou_${prefix}_${String(i).padStart(4, '0')}`);
  let bot: Awaited<ReturnType<typeof startChild>> | undefined;
  let base: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    bot = await withChildNodeOptions(() => startChild(SELF, ['bot', redis.url, KEY, fake.url]));
    fake.setBotUrl(`${bot.address}/feishu/events`);
    const rssIdle = (await getJson<Mem>(`${bot.address}/bench/mem`)).rss;
    const t0 = performance.now();
    const warmCards = await welcome(fake, ids('warm', WARMUP_USERS));
    const pacedCards = await welcome(fake, ids('paced', USERS));
    const burstCards = await welcome(fake, ids('burst', USERS));
    process.stdout.write(
      `${USERS} secretaries × ${SCRIPT.length} callbacks (+${WARMUP_USERS} warm-up); welcome cards for ${WARMUP_USERS + 2 * USERS} users in ${fmt((performance.now() - t0) / 1000)} s; bot RSS idle ${fmt(rssIdle / MB, 0)} MB\n`,
    );

    // The bot: warm-up (JIT, connections), then the two scenarios.
    const warm = await walkAll(fake, warmCards, 0, 1, [], []);
    let pacedRec: Recorded[][] = [];
    const botPaced = await measured(fake, bot.address, true, async (ms, f) => {
      const r = await walkAll(fake, pacedCards, THINK_MS, 1000, ms, f);
      pacedRec = r.recorded;
      return r.clicks;
    });
    if (PROFILE_DIR) await getJson(`${bot.address}/bench/profile/start`);
    let burstRec: Recorded[][] = [];
    const botBurst = await measured(fake, bot.address, true, async (ms, f) => {
      const r = await walkAll(fake, burstCards, 0, 2000, ms, f);
      burstRec = r.recorded;
      return r.clicks;
    });
    if (PROFILE_DIR) {
      const file = resolve(PROFILE_DIR, `walkthrough-bot-${Date.now()}.cpuprofile`);
      await getJson(`${bot.address}/bench/profile/stop?file=${encodeURIComponent(file)}`);
      process.stdout.write(`CPU profile of the bot during the burst: ${file}\n`);
    }
    const redisMem = await redisFootprint(redis.url);
    const afterGc = await getJson<{ rss: number; heapUsed: number }>(`${bot.address}/bench/gc`);
    await bot.stop();
    bot = undefined;

    // The baseline: the same callbacks with the same think times.
    base = await startChild(SELF, ['baseline', redis.url, KEY, fake.url]);
    fake.setBotUrl(`${base.address}/feishu/events`);
    await replay(fake, warm.recorded, [], []);
    const basePaced = await measured(fake, base.address, false, (ms, f) => replay(fake, pacedRec, ms, f));
    const baseBurst = await measured(fake, base.address, false, (ms, f) => replay(fake, burstRec, ms, f));
    await base.stop();
    base = undefined;

    report(`paced (think 0–${2 * THINK_MS} ms)`, botPaced, basePaced);
    report(`burst (no think time, ${USERS} in flight)`, botBurst, baseBurst);
    const walked = WARMUP_USERS + 2 * USERS;
    const perSecretary = ((redisMem.dedupeMb + redisMem.sessionMb) * MB) / walked;
    const perActivity = await activityBytes(redis.url);
    process.stdout.write(
      `redis after the bot's walks: used_memory ${fmt(redisMem.usedMb)} MB; deduplication keys (callback answers, kept ${CALLBACK_DONE_TTL_S} s) ${redisMem.dedupeKeys}, ${fmt(redisMem.dedupeMb)} MB; report keys ${redisMem.sessionKeys}, ${fmt(redisMem.sessionMb)} MB\n` +
        `redis bytes per active secretary (report + every answer of the walk still stored, dedupe included) ${fmt(perSecretary / 1024)} KB   target ≤ 16 KB: ${perSecretary <= 16 * 1024 ? 'met' : 'NOT met'}\n` +
        `redis bytes per logged activity (1,000 records for 50 secretaries) ${fmt(perActivity, 0)} B   target ≤ 300 B: ${perActivity <= 300 ? 'met' : 'NOT met'}\n` +
        `bot memory: idle before the walks ${fmt(rssIdle / MB, 0)} MB RSS; after both scenarios and a full GC ${fmt(afterGc.rss / MB, 0)} MB RSS, ${fmt(afterGc.heapUsed / MB, 0)} MB heap used\n`,
    );
  } finally {
    await bot?.stop();
    await base?.stop();
    await fake.close();
    await redis.stop();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const [mode, redisUrl, key, fakeUrl] = process.argv.slice(2) as [string, string, string, string];
  await serve(mode, redisUrl, key, fakeUrl);
}
