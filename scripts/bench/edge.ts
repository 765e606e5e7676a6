// Issue 2 benchmark: (a) a bare fastify route doing the same signature check, decrypt, Redis SET NX and GET,
// vs (b) the bot's /feishu/events with signed, encrypted message events; autocannon, 50 connections.
import autocannon from 'autocannon';
import { messageEvent, sealed } from '../../test/support/payloads.ts';
import { fmt, startBenchRedis, startChild } from './util.ts';

const KEY = 'bench-encrypt-key';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = 50;

interface Result {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function run(address: string): Promise<Result> {
  // Unique events (fresh event_id / message_id each), pre-signed so the load generator stays cheap.
  const pool = Array.from({ length: 60_000 }, (_, i) => sealed(messageEvent(`3月5日 组织集中学习，28人参加 #${i}`), KEY));
  let i = 0;
  const r = await autocannon({
    url: `${address}/feishu/events`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const s = pool[i++ % pool.length]!;
          return { ...req, body: s.body, headers: s.headers };
        },
      },
    ],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchEdge(): Promise<void> {
  const redis = await startBenchRedis();
  const rounds: Record<'baseline' | 'bot', Result[]> = { baseline: [], bot: [] };
  try {
    // Both servers stay up; runs alternate (a, b, a, b, …) so that machine noise hits both alike.
    const children = {
      baseline: await startChild('scripts/bench/edge-server.ts', ['baseline', redis.url, KEY]),
      bot: await startChild('scripts/bench/edge-server.ts', ['bot', redis.url, KEY]),
    };
    try {
      for (const mode of ['baseline', 'bot'] as const) await run(children[mode].address); // warm-up
      for (let i = 0; i < ROUNDS; i++) {
        for (const mode of ['baseline', 'bot'] as const) rounds[mode].push(await run(children[mode].address));
      }
    } finally {
      await children.baseline.stop();
      await children.bot.stop();
    }
  } finally {
    await redis.stop();
  }
  const med = (rs: Result[]): Result => ({
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
    errors: rs.reduce((n, r) => n + r.errors, 0),
  });
  const results = { baseline: med(rounds.baseline), bot: med(rounds.bot) };
  const ratios = rounds.bot.map((b, i) => b.rps / rounds.baseline[i]!.rps);
  process.stdout.write(`${ROUNDS} alternating rounds of ${SECONDS} s each; medians below; per-round ratios ${ratios.map((r) => fmt(r, 2)).join(', ')}\n`);
  const a = results.baseline!;
  const b = results.bot!;
  const line = (name: string, r: Result) =>
    `${name.padEnd(34)} ${fmt(r.rps, 0).padStart(8)} req/s   p50 ${fmt(r.p50)} ms   p99 ${fmt(r.p99)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  process.stdout.write(`${line('(a) bare route, same crypto+Redis', a)}\n`);
  process.stdout.write(`${line('(b) bot /feishu/events', b)}\n`);
  process.stdout.write(`ratio b/a (req/s): ${fmt(b.rps / a.rps, 2)}   (target ≥ 0.6)\n`);
  process.stdout.write(`p99 of b: ${fmt(b.p99)} ms   (target ≤ 20 ms)\n`);
}
