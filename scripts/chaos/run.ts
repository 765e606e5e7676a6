// One chaos run: two bot processes (src/main.ts, the production entry) on one redis-server with AOF, fed by the
// fake Open Platform over the webhook (through a round-robin load balancer) or over the long connection, while
// secretaries walk and publish their reports, log activities, and groups run a deadline — and meanwhile Redis is
// SIGKILLed and restarted, one bot is SIGKILLed mid-publish and restarted, the Open API fails a fifth of its calls
// for a while, every event is delivered three times and every callback twice. Then verify.ts checks what is left.
//
// Time: the bots and the fake share a clock that is real time shifted to 2026-12-09 (a Wednesday) 08:59:30, so
// that the deadline's 09:00 nudge comes 30 s into the run (nudgeAfterMs) (secretaries publish only once it is out, so that every
// member is nudged); after the reports, the clock moves to 08:59:50 the next day for the summary and the
// collector's list (bot processes follow the shift through scripts/chaos/clock.mjs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type FakeFeishu, startFakeFeishu } from '../../src/playground/fake/index.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { zonedMs } from '../../src/time.ts';
import { type BotProcess, startBotProcess } from '../../test/support/bot-process.ts';
import { APP_ID, APP_SECRET, ENCRYPT_KEY, TZ, VERIFICATION_TOKEN as TOKEN } from '../../test/support/harness.ts';
import { startRedis, type TestRedis } from '../../test/support/redis.ts';
import { Balancer } from './balancer.ts';
import { type Actors, type GroupPlan, type OwnerOutcome, owner, prng, type SecretaryOutcome, type SecretaryPlan, secretary, sleep } from './people.ts';
import { formatTable, type Row, verify } from './verify.ts';

export interface ChaosOptions {
  transport: 'webhook' | 'websocket';
  secretaries: number;
  /** Activity messages in all (spread over the secretaries). */
  activities: number;
  groups: number;
  /** Redis SIGKILLs (0, 1 or 2): during the walks, and during the publishing. */
  redisKills: number;
  /** SIGKILL one bot instance mid-publish, and start it again. */
  botKill: boolean;
  /** How long the Open API fails `failRate` of its calls (429 or 5xx). */
  failWindowMs: number;
  failRate: number;
  seed: number;
  /** Think time between two actions of a person. Default 1–3 s. */
  thinkMs?: [number, number];
  /** When an event's third delivery comes after its first. Default 5–25 s. */
  lateCopyMs?: [number, number];
  /** From the start of the people to the 09:00 nudge. Default 30 s. */
  nudgeAfterMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** LOG_LEVEL of the bots (their logs are kept in the run's folder when it fails). Default warn. */
  botLogLevel?: string;
}

export interface ChaosResult {
  rows: Row[];
  ok: boolean;
  wallMs: number;
  table: string;
  /** Where the bots' logs are (kept when the run failed). */
  logDir: string;
}

const DAY = '2026-12-09';
const NEXT_DAY = '2026-12-10';
const REDIS_DOWN_MS = 3000;
const CLOCK_PRELOAD = pathToFileURL(resolve(import.meta.dirname, 'clock.mjs')).href;

/** The shared clock: real time plus a shift, for the fake (in this process) and the bots (through a file). */
class RunClock {
  private shift = 0;
  constructor(private readonly file: string) {
    writeFileSync(file, '0');
  }
  readonly now = () => Date.now() + this.shift;
  /** Moves the clock to `virtualMs` (forward only). */
  set(virtualMs: number): void {
    this.shift = Math.max(this.shift, virtualMs - Date.now());
    writeFileSync(this.file, String(this.shift));
  }
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

const SECTION_TEXTS = [
  '党支部书记坚持把党建工作摆在突出位置，全年主持召开支委会12次',
  '坚持每月开展集中学习，组织党员赴红色教育基地开展实景教学',
  '严格执行民主集中制，按程序开展民主评议党员工作',
  '深入开展作风建设专项行动，建立整改清单',
  '认真落实一岗双责，组织观看警示教育片',
  '修订完善党支部工作规则等制度5项',
  '深化双报到，组织党员到社区开展志愿服务',
];
const ACTIVITY_TEXTS = [
  (n: number) => `组织集中学习二十大精神，${n}人参加`,
  () => '召开支委会，研究发展党员工作',
  (n: number) => `召开党员大会，${n}人参加`,
  (n: number) => `书记讲党课，${n}人参加`,
  (n: number) => `开展主题党日活动，${n}人参加`,
];

function plans(o: ChaosOptions): { secretaries: SecretaryPlan[]; groups: GroupPlan[] } {
  const secretaries: SecretaryPlan[] = [];
  for (let i = 0; i < o.secretaries; i++) {
    const unit = `区第${i + 1}局`;
    const count = Math.floor(o.activities / o.secretaries) + (i < o.activities % o.secretaries ? 1 : 0);
    secretaries.push({
      openId: `ou_chaos_s${String(i).padStart(4, '0')}`,
      name: `${unit}书记`,
      unit,
      opening: `在区直机关工委的坚强领导下，${unit}党支部认真履行党建工作第一责任人职责，推动机关党建工作提质增效，现将有关情况报告如下`,
      sections: SECTION_TEXTS.map((t) => `${unit}${t}`),
      problems: [[`${unit}党建工作创新不够`, `${unit}工作方法较为传统，与业务工作融合不够紧密`]],
      measures: [`${unit}持续加强理论武装，每月组织一次集中学习`],
      activities: Array.from({ length: count }, (_, k) => {
        const text = ACTIVITY_TEXTS[(k + i) % ACTIVITY_TEXTS.length]!(10 + ((k * 3 + i) % 30));
        return `${1 + (k % 11)}月${1 + ((k * 7 + i) % 27)}日 ${text}`;
      }),
    });
  }
  const groups: GroupPlan[] = [];
  for (let g = 0; g < o.groups; g++) {
    const members = secretaries.filter((_, i) => i % o.groups === g).map((s) => s.openId);
    groups.push({
      chatId: `oc_chaos_g${String(g).padStart(4, '0')}`,
      name: `第${g + 1}党建工作群`,
      owner: `ou_chaos_owner${String(g).padStart(4, '0')}`,
      // One member who writes nothing: nudged privately, never done.
      members: [...members, `ou_chaos_idle${String(g).padStart(4, '0')}`],
      command: '截止 12月9日 18:00',
    });
  }
  return { secretaries, groups };
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const started = performance.now();
  const logLine = o.log ?? (() => undefined);
  let clockNow: () => number = Date.now;
  /** Progress lines carry the run's clock (UTC, as the fake's messages in the notes). */
  const log = (line: string) => logLine(`${new Date(clockNow()).toISOString().slice(11, 19)} ${line}`);
  const rng = prng(o.seed);
  const dir = mkdtempSync(join(tmpdir(), 'shuzhi-chaos-'));
  const clock = new RunClock(join(dir, 'clock'));
  clockNow = clock.now;
  clock.set(zonedMs(DAY, 8, 50, TZ));
  const webhook = o.transport === 'webhook';
  const plan = plans(o);

  let redisServer: TestRedis | undefined;
  let redis: Redis | undefined;
  let fake: FakeFeishu | undefined;
  let balancer: Balancer | undefined;
  let monitor: NodeJS.Timeout | undefined;
  const slots: Array<BotProcess | undefined> = [undefined, undefined];
  const everyBot: BotProcess[] = [];
  const crashes: string[] = [];
  const outages: Array<{ from: number; to: number }> = [];
  let redisKills = 0;
  let botKills = 0;
  let serial = 0;
  try {
    redisServer = await startRedis();
    redis = createFastRedis(redisServer.url, { commandTimeout: 5000 });
    redis.on('error', () => undefined);
    await waitReady(redis);
    const theFake = await startFakeFeishu({
      appId: APP_ID,
      appSecret: APP_SECRET,
      ...(webhook ? { encryptKey: ENCRYPT_KEY, verificationToken: TOKEN } : {}),
      // Feishu's schedule is 15 s, 5 min, 1 h, 6 h; the later ones are shortened to fit a run of minutes.
      repushScheduleMs: [15_000, 60_000, 120_000],
      transport: o.transport,
      now: clock.now,
    });
    fake = theFake;
    fake.longConnection.clientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 };
    if (webhook) {
      balancer = new Balancer();
      fake.setBotUrl(`${await balancer.start()}/feishu/events`);
    }
    const rs = redisServer;
    const startSlot = async (i: number) => {
      const b = await startBotProcess({
        redisUrl: rs.url,
        fakeUrl: theFake.url,
        appId: APP_ID,
        appSecret: APP_SECRET,
        encryptKey: webhook ? ENCRYPT_KEY : '',
        verificationToken: webhook ? TOKEN : '',
        env: {
          NODE_OPTIONS: `--import=${CLOCK_PRELOAD}`,
          SHUZHI_CLOCK_FILE: join(dir, 'clock'),
          FEISHU_TRANSPORT: o.transport,
          LOG_LEVEL: o.botLogLevel ?? 'warn',
        },
        logFile: join(dir, `bot-${i}-${serial++}.log`),
      });
      everyBot.push(b);
      slots[i] = b;
      balancer?.add(b.url);
      log(`bot ${i} up (pid ${b.pid})`);
    };
    await Promise.all([startSlot(0), startSlot(1)]);
    // An instance that exits on its own is a crash: counted, and started again as a supervisor would.
    const restarting = new Set<number>();
    monitor = setInterval(() => {
      slots.forEach((b, i) => {
        const e = b?.exit();
        if (!b || !e?.crashed || restarting.has(i)) return;
        crashes.push(`bot ${i} pid ${b.pid}: exit code ${e.code} signal ${e.signal}: ${b.stderr().slice(-300)}`);
        balancer?.remove(b.url);
        slots[i] = undefined;
        restarting.add(i);
        startSlot(i)
          .catch((err: unknown) => crashes.push(`bot ${i} did not start again: ${(err as Error).message}`))
          .finally(() => restarting.delete(i));
      });
    }, 1000);

    for (const s of plan.secretaries) fake.addUser({ openId: s.openId, name: s.name });
    for (const g of plan.groups) {
      fake.addUser({ openId: g.owner, name: `组织部${g.name}` });
      for (const m of g.members) if (m.includes('idle')) fake.addUser({ openId: m, name: `${g.name}委员` });
      fake.addChat({ chatId: g.chatId, name: g.name, type: 'group', members: [g.owner, ...g.members], ownerId: g.owner });
    }
    fake.duplicateCallbacks(1);

    // --- the run ---------------------------------------------------------------------------------------
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      openGate = r;
    });
    const actors: Actors = {
      fake,
      rng,
      thinkMs: o.thinkMs ?? [1000, 3000],
      lateCopyMs: o.lateCopyMs ?? [5000, 25_000],
      background: [],
      gate,
      publishPatienceMs: Math.max(180_000, o.secretaries * 1500),
      walkBudgetMs: 25 * 60_000,
      progress: { clicks: 0, published: 0, redeliverFailed: 0 },
      log,
    };
    clock.set(zonedMs(DAY, 9, 0, TZ) - (o.nudgeAfterMs ?? 30_000));
    log(`actors start: ${o.secretaries} secretaries, ${o.activities} activities, ${o.groups} groups over the ${o.transport}`);
    const f = fake;
    const nudged = () =>
      plan.groups.every(
        (g) =>
          f.messages(g.chatId).some((m) => m.sender.type === 'app' && JSON.stringify(m.content).includes('述职报告今日截止')) &&
          g.members.every((id) => f.messages(f.p2pChatOf(id)).some((m) => m.sender.type === 'app' && JSON.stringify(m.content).includes('述职报告填写提醒'))),
      );
    const gateKeeper = until(nudged, 300_000, 500).then(async (ok) => {
      log(ok ? 'the 09:00 nudges are out: publishing may begin' : 'the 09:00 nudges are not all out after 5 minutes: publishing begins anyway');
      if (!ok) log(`the nudge jobs: ${await nudgeJobs(rs.url)}`);
      openGate();
    });
    let actorsDone = false;
    const ownersRun = Promise.all(plan.groups.map((g) => owner(actors, g)));
    const secretariesRun = Promise.all(plan.secretaries.map((s) => secretary(actors, s)));
    const expectedClicks = o.secretaries * 14;

    const redisOutage = async (why: string) => {
      const from = clock.now();
      log(`Redis SIGKILL (${why})`);
      await rs.kill();
      await sleep(REDIS_DOWN_MS);
      await rs.start();
      await waitReady(redis!, 10_000);
      outages.push({ from, to: clock.now() });
      redisKills += 1;
      log('Redis restarted');
    };
    const faults = (async () => {
      await until(() => actorsDone || actors.progress.clicks >= expectedClicks * 0.15, 600_000);
      log(`Open API: ${Math.round(o.failRate * 100)} % of calls fail for ${o.failWindowMs / 1000} s`);
      f.failRandomly({ rate: o.failRate, forMs: o.failWindowMs, statuses: [429, 500, 502, 503], seed: o.seed });
      if (o.redisKills >= 1) {
        await until(() => actorsDone || actors.progress.clicks >= expectedClicks * 0.4, 600_000);
        await redisOutage('during the walks');
      }
      if (o.botKill) {
        await until(() => actorsDone || f.documents().length >= Math.max(1, Math.ceil(o.secretaries * 0.1)), 900_000);
        log(`bot 0 SIGKILL mid-publish (${f.documents().length} documents so far)`);
        const b = slots[0];
        if (b) {
          await b.kill();
          balancer?.remove(b.url);
          slots[0] = undefined;
          botKills += 1;
          await sleep(3000);
          await startSlot(0);
        }
      }
      if (o.redisKills >= 2) {
        await until(() => actorsDone || f.documents().length >= Math.ceil(o.secretaries * 0.5), 900_000);
        await redisOutage('during the publishing');
      }
    })();

    const [outcomes, owners] = (await Promise.all([secretariesRun, ownersRun])) as [SecretaryOutcome[], OwnerOutcome[]];
    actorsDone = true;
    await faults;
    await gateKeeper;
    log(`actors done: ${outcomes.filter((x) => x.published).length}/${outcomes.length} published; waiting for the last deliveries`);
    await Promise.all(actors.background);
    await fake.whenIdle();

    // The next morning: the summary in each group and the collector's list to each setter.
    clock.set(zonedMs(NEXT_DAY, 8, 59, TZ) + 50_000);
    log('clock moved to 08:59:50 the next day');
    const summarized = () =>
      plan.groups.every(
        (g) =>
          f.messages(g.chatId).some((m) => m.sender.type === 'app' && JSON.stringify(m.content).includes('述职报告已截止')) &&
          f.messages(f.p2pChatOf(g.owner)).some((m) => m.sender.type === 'app' && JSON.stringify(m.content).includes('述职报告收取结果')),
      );
    if (!(await until(summarized, 180_000, 500))) log('not every summary came within 3 minutes');
    // Settle: nothing more arrives for 5 s.
    const botMessageCount = () => [...new Set([...plan.groups.map((g) => g.chatId), ...plan.secretaries.map((s) => f.p2pChatOf(s.openId))])].reduce((n, c) => n + f.messages(c).length, 0);
    let last = -1;
    await until(() => {
      const n = botMessageCount();
      const same = n === last;
      last = n;
      return same;
    }, 60_000, 5000);
    await fake.whenIdle();
    clearInterval(monitor);
    monitor = undefined;
    for (const b of everyBot) {
      const e = b.exit();
      if (e?.crashed && !crashes.some((c) => c.includes(`pid ${b.pid}:`))) crashes.push(`pid ${b.pid}: exit code ${e.code} signal ${e.signal}: ${b.stderr().slice(-300)}`);
    }

    const rows = await verify({
      notesFile: join(dir, 'notes.txt'),
      fake,
      redis,
      appId: APP_ID,
      plans: plan.secretaries,
      outcomes,
      groups: plan.groups,
      owners,
      outages,
      balancer: balancer?.stats,
      crashes,
      redisKills,
      botKills,
      redeliverFailed: actors.progress.redeliverFailed,
    });
    const wallMs = performance.now() - started;
    rows.push({ check: 'wall time', expected: '', observed: `${(wallMs / 1000).toFixed(0)} s`, ok: null });
    const ok = rows.every((r) => r.ok !== false);
    const table = formatTable(`chaos over the ${o.transport}: ${o.secretaries} secretaries, ${o.activities} activities, ${o.groups} groups`, rows);
    return { rows, ok, wallMs, table, logDir: dir };
  } finally {
    if (monitor) clearInterval(monitor);
    await Promise.all(everyBot.map((b) => b.kill()));
    await balancer?.close();
    await fake?.close();
    redis?.disconnect();
    await redisServer?.close();
  }
}

/** Where the queue's 09:00 nudge jobs are (for a run whose nudges are late). */
async function nudgeJobs(redisUrl: string): Promise<string> {
  const connection = createFastRedis(redisUrl);
  connection.on('error', () => undefined);
  const queue = new Queue('shuzhi', { connection, prefix: 'shuzhi:bull' });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
    const jobs = (await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'failed'])).filter((j) => j.name === 'deadline.nudge');
    const open = await Promise.all(
      jobs.map(async (j) => `${j.id} ${await j.getState()} tries ${j.attemptsMade} due ${new Date(j.timestamp + (j.delay ?? 0)).toISOString().slice(11, 19)} ${j.failedReason ?? ''}`),
    );
    return `${JSON.stringify(counts)}; unfinished nudge jobs: ${open.slice(0, 20).join(' | ') || 'none'}`;
  } catch (e) {
    return `not readable: ${(e as Error).message}`;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Removes a run's folder (the bots' logs); call it when the run passed. */
export function removeRunDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
