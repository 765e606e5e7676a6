// Issue 7 benchmark: N group chats (BENCH_NUDGE_CHATS, default 10 000) whose deadline nudges are all due at the
// same minute, sent by two worker processes (two bot instances) against the fake Open Platform with its
// documented rate limits, with one worker killed (SIGKILL) halfway and replaced.
//
// Figures: time to send all nudges, send rate as a ratio of 50/s and of the binding limit (Feishu also caps
// sends at 1000/min per app, i.e. 16.7/s sustained, which the port and the fake both enforce), duplicates
// (chats with more than one nudge: must be 0), lost nudges (must be 0), calls rejected by rate (must be 0).
//
// Time: the workers and the scheduler run the deadline feature on a shifted clock (real time + a constant),
// so that a 09:00 nudge of a day in the future falls due a few seconds after scheduling, in real time.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createFeishuPort } from '../../src/feishu/port.ts';
import { createJobs } from '../../src/jobs/queue.ts';
import { chinaCalendar } from '../../src/nudges/calendar.ts';
import { createDeadlineFeature } from '../../src/nudges/feature.ts';
import { addDays, dayOf, zonedMs } from '../../src/time.ts';
import { startFakeFeishu } from '../../src/playground/fake/index.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { fmt, startBenchRedis } from './util.ts';

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'bench-app-secret';
const TZ = 'Asia/Shanghai';
const TENANT = 'bench-tenant';
const SELF = fileURLToPath(import.meta.url);
/** As in the bot (createJobs' default). */
const WORKER_CONCURRENCY = 8;

interface Counter {
  warn: number;
  error: number;
}

function countingLogger(c: Counter) {
  return {
    info() {},
    debug() {},
    warn() {
      c.warn++;
    },
    error() {
      c.error++;
    },
  };
}

/** One bot instance's worker: the deadline feature behind a BullMQ worker. */
async function runWorker(redisUrl: string, fakeUrl: string, shift: number): Promise<void> {
  const counts: Counter = { warn: 0, error: 0 };
  const logger = countingLogger(counts);
  const redis = createFastRedis(redisUrl);
  redis.on('error', () => undefined);
  await waitReady(redis);
  const port = createFeishuPort({ appId: APP_ID, appSecret: APP_SECRET, domain: fakeUrl, redis, logger });
  let process_: ((n: string, d: unknown) => Promise<void>) | undefined;
  const jobs = createJobs({ redisUrl, processor: (n, d) => process_!(n, d), concurrency: WORKER_CONCURRENCY, logger });
  const feature = createDeadlineFeature({
    port,
    redis,
    jobs,
    logger,
    tz: TZ,
    now: () => Date.now() + shift,
    openWalkthrough: async () => ({}),
  });
  process_ = (n, d) => feature.feature.process!(n, d);
  // A running bot has its tenant token cached; so does this worker before it takes jobs.
  await port.getBotInfo();
  process.on('SIGTERM', () => {
    process.stderr.write(`worker ${process.pid}: ${counts.error} job failures, ${counts.warn} warnings\n`);
    void jobs.close().finally(() => process.exit(0));
  });
  process.stdout.write('READY\n');
}

function startWorker(redisUrl: string, fakeUrl: string, shift: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SELF, 'worker', redisUrl, fakeUrl, String(shift)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('READY')) resolve(proc);
    });
    proc.once('exit', (code) => reject(new Error(`nudge worker exited with ${code}`)));
  });
}

function stop(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((res) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return res();
    proc.once('exit', () => res());
    proc.kill(signal);
  });
}

/** A workday at least two days ahead: its 09:00 is the moment every nudge is planned for. */
function benchDay(): string {
  let day = addDays(dayOf(Date.now(), TZ), 2);
  for (let i = 0; i < 30 && !chinaCalendar.isWorkday(day); i++) day = addDays(day, 1);
  return day;
}

async function pool<T>(items: readonly T[], width: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function benchNudges(): Promise<void> {
  const n = Number(process.env.BENCH_NUDGE_CHATS ?? 10_000);
  const redis = await startBenchRedis();
  const fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, rateLimits: true, tenantKey: TENANT });
  const workers: ChildProcess[] = [];
  const client = createFastRedis(redis.url);
  client.on('error', () => undefined);
  const jobs = createJobs({ redisUrl: redis.url });
  try {
    await waitReady(client);
    const members = ['ou_bench_secretary_1', 'ou_bench_secretary_2', 'ou_bench_secretary_3'];
    for (const [i, openId] of members.entries()) fake.addUser({ openId, name: `书记${i + 1}` });
    const chats = Array.from({ length: n }, (_, i) => `oc_bench_${i}`);
    for (const chatId of chats) fake.addChat({ chatId, name: chatId, type: 'group', members, ownerId: members[0] });

    const day = benchDay();
    const planned = zonedMs(day, 9, 0, TZ);
    const lead = Math.max(8_000, n * 2);
    const dueReal = Date.now() + lead;
    const shift = planned - dueReal;
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const port = createFeishuPort({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, redis: client, logger: silent });
    const scheduler = createDeadlineFeature({
      port,
      redis: client,
      jobs,
      logger: silent,
      tz: TZ,
      now: () => Date.now() + shift,
      openWalkthrough: async () => ({}),
    });
    const due = zonedMs(day, 18, 0, TZ);
    const t0 = Date.now();
    await pool(chats, 64, async (chatId) => {
      const r = await scheduler.upsert({
        tenantKey: TENANT,
        chatId,
        setBy: members[0]!,
        settings: { title: '2024年度述职报告', due, offsets: [0], private: false },
      });
      if (!r.ok) throw new Error(`could not set the deadline of ${chatId}: ${r.reason}`);
    });
    const scheduleMs = Date.now() - t0;
    if (Date.now() >= dueReal) process.stdout.write('warning: scheduling took longer than the lead; nudges started during scheduling\n');

    workers.push(await startWorker(redis.url, fake.url, shift), await startWorker(redis.url, fake.url, shift));
    const sentIn = () => {
      let chatsWithNudge = 0;
      let duplicates = 0;
      let last = 0;
      for (const chatId of chats) {
        const ms = fake.messages(chatId);
        if (ms.length > 0) chatsWithNudge++;
        if (ms.length > 1) duplicates += ms.length - 1;
        for (const m of ms) if (m.createTime > last) last = m.createTime;
      }
      return { chatsWithNudge, duplicates, last };
    };

    let killedAt = -1;
    let killedReal = 0;
    const limitMs = dueReal - Date.now() + Math.ceil(n / 16) * 1000 + 240_000;
    const stopAt = Date.now() + limitMs;
    // Progress is read cheaply (the fake shares this process: a heavy poll would delay its answers and bunch them).
    const delivered = () => fake.callsTo('im.message.create').filter((c) => c.status === 200).length;
    let sent = 0;
    while (sent < n && Date.now() < stopAt) {
      await new Promise((r) => setTimeout(r, 1000));
      sent = delivered();
      if (sent >= n) sent = sentIn().chatsWithNudge;
      if (killedAt < 0 && sent >= n / 2) {
        killedAt = sent;
        killedReal = Date.now();
        await stop(workers[0]!, 'SIGKILL');
        workers.push(await startWorker(redis.url, fake.url, shift));
      }
    }
    const s = sentIn();
    const elapsedS = Math.max(0.001, (s.last - dueReal) / 1000);
    const creates = fake.callsTo('im.message.create');
    const rejectedCalls = fake.calls.filter((c) => c.status === 429 || c.code === 99991400 || c.code === 230020 || c.code === 11232 || c.code === 11233);
    const rejected = rejectedCalls.length;
    const rejectedBy = [...new Set(rejectedCalls.map((c) => `${c.api} ${c.code}`))].join(', ');
    const uuids = new Map<string, number>();
    for (const c of creates) {
      if (c.status !== 200) continue;
      const uuid = (c.body as { uuid?: string } | undefined)?.uuid ?? '';
      uuids.set(uuid, (uuids.get(uuid) ?? 0) + 1);
    }
    const absorbed = [...uuids.values()].reduce((a, v) => a + v - 1, 0);
    // Busiest 60 s of sending, from the fake's message timestamps.
    const times = chats.flatMap((c) => fake.messages(c).map((m) => m.createTime)).sort((a, b) => a - b);
    let peak60 = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 60_000) j++;
      peak60 = Math.max(peak60, i - j + 1);
    }
    const rate = s.chatsWithNudge / elapsedS;
    const binding = Math.min(50, 1000 / 60);
    const beforeKillS = Math.max(0.001, (killedReal - dueReal) / 1000);
    const rateBeforeKill = killedAt / beforeKillS;
    let peak1 = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      peak1 = Math.max(peak1, i - j + 1);
    }
    const out = [
      `chats with a deadline due at the same minute: ${n} (scheduled in ${fmt(scheduleMs / 1000)} s)`,
      `time to send all nudges: ${fmt(elapsedS)} s   sent ${s.chatsWithNudge}/${n}   lost ${n - s.chatsWithNudge}   (target: lost 0)`,
      `send rate: ${fmt(rate, 2)}/s   utilisation of 50/s: ${fmt(rate / 50, 2)} (target ≥ 0.9)   of the binding limit (1000/min = ${fmt(binding, 1)}/s): ${fmt(rate / binding, 2)}`,
      `send rate before the kill (both workers up): ${fmt(rateBeforeKill, 2)}/s = ${fmt(rateBeforeKill / 50, 2)} of 50/s`,
      `busiest 1 s: ${peak1} sends (limit 50)   busiest 60 s: ${peak60} sends (limit 1000) = ${fmt(peak60 / 60, 2)}/s = ${fmt(peak60 / 60 / 50, 2)} of 50/s`,
      `duplicates (extra nudges in a chat): ${s.duplicates}   (target 0)`,
      `repeated sends absorbed by the Feishu uuid: ${absorbed}`,
      `rejected by rate (429 / 99991400 / 230020): ${rejected}${rejected > 0 ? ` (${rejectedBy})` : ''}   (target 0)`,
      `worker killed (SIGKILL) after ${killedAt} of ${n} nudges and replaced: lost ${n - s.chatsWithNudge}, duplicates ${s.duplicates}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (process.env.BENCH_DEBUG) {
      const rel = (t: number) => ((t - dueReal) / 1000).toFixed(2);
      process.stdout.write(`killed at ${rel(killedReal)} s; rejected at: ${rejectedCalls.map((c) => `${c.api.slice(3, 9)}@${rel(c.at)}`).join(' ')}\n`);
    }
  } finally {
    for (const w of workers) await stop(w, 'SIGTERM');
    await jobs.queue.obliterate({ force: true }).catch(() => undefined);
    await jobs.close();
    client.disconnect();
    await fake.close();
    await redis.stop();
  }
}

if (process.argv[1] === SELF && process.argv[2] === 'worker') {
  const [redisUrl, fakeUrl, shift] = process.argv.slice(3);
  await runWorker(redisUrl!, fakeUrl!, Number(shift));
}
