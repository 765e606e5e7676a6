// Issue 5 benchmark: publishing reports against the fake Open Platform with its documented rate limits
// (docx create 3/s per app; docx edits 3/s per app and per document), through the real port (Redis-shared
// limiter), BullMQ jobs and the publisher.
//   (1) one full-length report (~5,000 characters): Feishu calls per report vs the target ⌈blocks/50⌉ + 3, wall
//       time vs a baseline measured in the same run (the same number of plain sequential calls to the fake);
//   (2) N publishes requested at once (PUBLISH_BENCH_N, default 200): all complete, rate-limit rejections, wall
//       time vs the theoretical minimum at 3 edits/s (limit utilisation as a ratio).
import { createFeishuPort } from '../../src/feishu/port.ts';
import { createJobs } from '../../src/jobs/queue.ts';
import { startFakeFeishu } from '../../src/playground/fake/index.ts';
import { reportBlocks } from '../../src/publish/blocks.ts';
import { createPublisher, treeOf } from '../../src/publish/publisher.ts';
import { PublishStore } from '../../src/publish/store.ts';
import { countChars } from '../../src/report/render-text.ts';
import { newSession, type Session } from '../../src/report/walkthrough.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { fmt, startBenchRedis } from './util.ts';

const N = Number(process.env.PUBLISH_BENCH_N ?? 200);
const TZ = 'Asia/Shanghai';
const APP = { appId: 'cli_0123456789abcdef', appSecret: 'bench-secret' };
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const NOW = Date.UTC(2026, 11, 15, 2, 0, 0);

const PHRASE =
  '坚持以习近平新时代中国特色社会主义思想为指导，严格落实“三会一课”制度，推动机关党建与业务工作深度融合，党员干部的政治意识和服务意识明显增强';

/** A report of about 5,000 characters: 7 sub-sections × 3 paragraphs, problems, plan. */
function fullReport(i: number): Session {
  const s = newSession({ id: `bench_${i}`, tenantKey: 'bench_tenant', openId: `ou_bench_${i}`, now: NOW, tz: TZ });
  s.answers.setup = { unit: `第${i + 1}机关`, orgType: '党支部', year: s.year, superior: '区直机关工委' };
  s.answers.opening = [`${s.year}年，在区直机关工委的坚强领导下，${PHRASE}，${PHRASE}。现将有关情况报告如下`];
  s.answers.achievements = s.answers.achievements.map((a, k) => ({
    ...a,
    paragraphs: [1, 2, 3].map((p) => `第${k + 1}方面第${p}项：${PHRASE}，${PHRASE}。全年共开展相关活动${10 + p}次`),
  }));
  s.answers.problems = [1, 2, 3].map((p) => ({ problem: `第${p}个突出问题需要认真整改`, analysis: [`${PHRASE}，${PHRASE}，但仍存在差距`] }));
  s.answers.plan = { items: [1, 2, 3, 4].map((p) => `第${p}项措施：${PHRASE}，${PHRASE}`) };
  s.step = 'preview';
  s.rev = 3;
  return s;
}

const EDIT_APIS = new Set(['docx.blockChildren.create', 'docx.blockChildren.batchDelete', 'docx.blockDescendant.create']);

export async function benchPublish(): Promise<void> {
  const redisServer = await startBenchRedis();
  const fake = await startFakeFeishu({ ...APP, rateLimits: true });
  const redis = createFastRedis(redisServer.url);
  redis.on('error', () => undefined);
  await waitReady(redis);
  const port = createFeishuPort({ ...APP, domain: fake.url, redis, logger: silent });
  const store = new PublishStore(redis);
  let publisher: ReturnType<typeof createPublisher> | undefined;
  const jobs = createJobs({ redisUrl: redisServer.url, processor: (name, data) => publisher!.process!(name, data), concurrency: 64 });
  publisher = createPublisher({ port, redis, jobs, logger: silent, tz: TZ, docUrlBase: 'https://bench.feishu.cn' });

  const countable = () => fake.calls.filter((c) => !c.api.startsWith('auth.'));
  const rejected = () => fake.calls.filter((c) => c.status === 429 || c.code === 99991400).length;
  async function waitDone(sessions: Session[], timeoutMs: number): Promise<Map<string, number>> {
    const doneAt = new Map<string, number>();
    const deadline = Date.now() + timeoutMs;
    while (doneAt.size < sessions.length && Date.now() < deadline) {
      for (const s of sessions) {
        if (doneAt.has(s.id)) continue;
        const st = await store.get(s.id, s.rev).catch(() => null); // a Redis hiccup: ask again
        if (st && st.status !== 'pending') doneAt.set(s.id, st.status === 'done' ? performance.now() : Number.NaN);
      }
      if (doneAt.size < sessions.length) await new Promise((r) => setTimeout(r, sessions.length === 1 ? 5 : 50));
    }
    return doneAt;
  }

  try {
    // Warm-up: token, connections, JIT.
    fake.addUser({ openId: 'ou_bench_warm', name: 'warm' });
    await port.getBotInfo();

    // (1) one full-length report
    const one = fullReport(0);
    fake.addUser({ openId: one.openId, name: 'bench 0' });
    const tree = treeOf(one)!;
    const blocks = reportBlocks(tree).length;
    const target = Math.ceil(blocks / 50) + 3;
    const callsBefore = countable().length;
    const t0 = performance.now();
    await publisher.request(one, { now: NOW, tz: TZ });
    const done1 = await waitDone([one], 60_000);
    const wall1 = (done1.get(one.id) ?? Number.NaN) - t0;
    const calls1 = countable().slice(callsBefore);
    const b0 = performance.now();
    for (let i = 0; i < calls1.length; i++) await port.getBotInfo();
    const baseline1 = performance.now() - b0;
    process.stdout.write(
      `one report: ${countChars(tree)} characters, ${blocks} blocks\n` +
        `  Feishu calls per report: ${calls1.length} (target ≤ ⌈${blocks}/50⌉ + 3 = ${target}) → ratio ${fmt(calls1.length / target, 2)}\n` +
        `    ${calls1.map((c) => c.api).join(', ')}\n` +
        `  wall time (request → result card): ${fmt(wall1)} ms; baseline, ${calls1.length} sequential plain calls to the fake: ${fmt(baseline1)} ms → ratio ${fmt(wall1 / baseline1, 2)}\n`,
    );

    // (2) N at once
    const many = Array.from({ length: N }, (_, i) => fullReport(i + 1));
    for (const s of many) fake.addUser({ openId: s.openId, name: s.id });
    const rejBefore = rejected();
    const before = countable().length;
    const t1 = performance.now();
    const answers = await Promise.allSettled(many.map((s) => publisher!.request(s, { now: NOW, tz: TZ })));
    const requested = performance.now() - t1;
    const refused = answers.filter((a) => a.status === 'rejected');
    const accepted = many.filter((_, i) => answers[i]!.status === 'fulfilled');
    const doneAt = await waitDone(accepted, Math.max(120_000, N * 2_000));
    const wall = performance.now() - t1;
    const calls = countable().slice(before);
    const completed = [...doneAt.values()].filter((v) => Number.isFinite(v)).length;
    const edits = calls.filter((c) => EDIT_APIS.has(c.api) && c.status === 200).length;
    const creates = calls.filter((c) => c.api === 'docx.document.create' && c.status === 200).length;
    // 3 edits/s and 3 creates/s, app-wide, in parallel: the minimum is set by the larger of the two.
    const minMs = (Math.max(edits, creates) / 3) * 1000;
    const latencies = [...doneAt.values()].filter((v) => Number.isFinite(v)).map((v) => v - t1).sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
    process.stdout.write(
      `${N} publishes requested at once (all answered in ${fmt(requested)} ms; ${refused.length} callbacks failed${refused.length > 0 ? `: ${String((refused[0] as PromiseRejectedResult).reason)}` : ''}):\n` +
        `  completed: ${completed}/${N}; failed or missing: ${N - completed}\n` +
        `  rate-limit rejections by the fake: ${rejected() - rejBefore}\n` +
        `  Feishu calls: ${calls.length} (${fmt(calls.length / N, 2)} per report); docx creates ${creates}, edits ${edits}\n` +
        `  wall time: ${fmt(wall / 1000, 2)} s; theoretical minimum at 3/s: ${fmt(minMs / 1000, 2)} s → limit utilisation ${fmt(minMs / wall, 2)}\n` +
        `  time to the result card: p50 ${fmt(pct(50) / 1000, 2)} s, p95 ${fmt(pct(95) / 1000, 2)} s, max ${fmt((latencies.at(-1) ?? Number.NaN) / 1000, 2)} s\n`,
    );
  } finally {
    await jobs.close();
    redis.disconnect();
    await fake.close();
    await redisServer.stop();
  }
}
