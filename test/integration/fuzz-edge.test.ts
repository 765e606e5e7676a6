// Fuzzing the webhook: 10,000 signed, encrypted payloads mutated from the real shapes (test/fixtures/real/) —
// types changed, fields dropped or null, huge strings, deep nesting, odd Unicode, broken JSON-in-a-string,
// unknown event types, wrong encodings of the bytes — posted to a bot process (src/main.ts, every feature on,
// real redis-server, the fake Open Platform behind it) with bounded concurrency. The bot must not crash, never
// answer 5xx, and account for every delivery in shuzhi_events_total: handled, or counted as drift (a genuine
// event that cannot be handled), or refused as undecodable (4xx). A handler that throws on a mutated event
// (outcome "failed") is a bug. Seeded: FUZZ_SEED=<n> repeats a run.
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomNonce, signBody } from '../../src/feishu/crypto.ts';
import { type FakeFeishu, startFakeFeishu } from '../../src/playground/fake/index.ts';
import { type BotProcess, startBotProcess } from '../support/bot-process.ts';
import { encode, ENCODINGS, type Encoding, mutate, toJson } from '../support/fuzz.ts';
import { APP_ID, APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN } from '../support/harness.ts';
import { pick, prng } from '../support/prng.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const PAYLOADS = Number(process.env.FUZZ_PAYLOADS ?? 10_000);
const CONCURRENCY = 48;
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const DIR = join(import.meta.dirname, '../fixtures/real');
const FIXTURES: unknown[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')));

let redis: TestRedis;
let fake: FakeFeishu;
let bot: BotProcess;
let logDir: string;

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'shuzhi-fuzz-'));
  redis = await startRedis();
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, rateLimits: false });
  bot = await startBotProcess({
    redisUrl: redis.url,
    fakeUrl: fake.url,
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    logFile: join(logDir, 'bot.log'),
  });
}, 90_000);

afterAll(async () => {
  await bot?.kill();
  await fake?.close();
  await redis?.close();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

/** Feishu's encryption of raw bytes (src/feishu/crypto.ts takes text; a wrong encoding needs the bytes). */
function encryptBytes(plain: Buffer): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(ENCRYPT_KEY, 'utf8').digest(), iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString('base64');
}

function signed(body: Buffer): { body: Buffer; headers: Record<string, string> } {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomNonce();
  return {
    body,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': signBody(ts, nonce, ENCRYPT_KEY, body) },
  };
}

/** A fixture made genuine for this bot, with fresh ids so that dedupe does not fold the mutants together. */
function fresh(raw: unknown): Record<string, unknown> {
  const p = structuredClone(raw) as { header: Record<string, unknown>; event?: Record<string, unknown> };
  p.header.event_id = randomUUID().replace(/-/g, '');
  p.header.token = VERIFICATION_TOKEN;
  p.header.app_id = APP_ID;
  const msg = p.event?.message as Record<string, unknown> | undefined;
  if (msg && typeof msg.message_id === 'string') msg.message_id = `om_${randomUUID().replace(/-/g, '')}`;
  return p as Record<string, unknown>;
}

interface Sent {
  fixture: number;
  status: number;
  kinds: string[];
  encoding: Encoding | 'plain';
  ms: number;
}

function metricSum(text: string, name: string, label?: [string, string]): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    // Label values may hold U+2028 (an event type from a mutated payload): `s` lets `.` match it.
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/s.exec(line.trim());
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    const key = label ? (labels[label[0]] ?? '') : '';
    out.set(key, (out.get(key) ?? 0) + Number(m[3]));
  }
  return out;
}

it(`${PAYLOADS} mutated payloads: no crash, no 5xx, every delivery handled, counted as drift or refused as undecodable`, async () => {
  const rng = prng(SEED);
  const sent: Sent[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= PAYLOADS) return;
      const base = fresh(FIXTURES[i % FIXTURES.length]);
      // The token the edge checks stays right: these are genuine events whose content went wrong.
      const { payload, kinds } = mutate(base, rng, [['header', 'token']]);
      const json = toJson(payload);
      const r = rng();
      const encoding: Encoding | 'plain' = r < 0.8 ? 'utf8' : r < 0.83 ? 'plain' : pick(rng, ENCODINGS);
      const bytes = encode(json, encoding === 'plain' ? 'utf8' : encoding, rng);
      // Signed plaintext (no encryption) is what an app without an Encrypt Key would receive.
      const s = signed(encoding === 'plain' ? bytes : Buffer.from(JSON.stringify({ encrypt: encryptBytes(bytes) }), 'utf8'));
      const t0 = performance.now();
      let status = 0;
      try {
        const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', body: new Uint8Array(s.body), headers: s.headers, signal: AbortSignal.timeout(10_000) });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      sent.push({ fixture: i % FIXTURES.length, status, kinds, encoding, ms: performance.now() - t0 });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wallS = (performance.now() - started) / 1000;

  // Slow events became jobs: let the workers finish them before looking for a crash.
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('shuzhi', { connection, prefix: 'shuzhi:bull' });
  for (let i = 0; i < 120; i++) {
    const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
    if ((c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await queue.close();
  connection.disconnect();
  const metrics = await (await fetch(`${bot.url}/metrics`)).text();
  const outcomes = metricSum(metrics, 'shuzhi_events_total', ['outcome', '']);
  const driftPaths = metricSum(metrics, 'shuzhi_feishu_schema_drift_total').get('') ?? 0;
  const counted = [...outcomes.values()].reduce((a, b) => a + b, 0);
  const byStatus = new Map<number, number>();
  for (const s of sent) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
  const slowest = Math.max(...sent.map((s) => s.ms));
  const summary = {
    seed: SEED,
    payloads: sent.length,
    wallS: Number(wallS.toFixed(1)),
    status: Object.fromEntries(byStatus),
    outcomes: Object.fromEntries(outcomes),
    driftCounted: driftPaths,
    slowestAnswerMs: Math.round(slowest),
    // What the answers that took the edge's whole 2 s deadline had in common.
    slowKinds: Object.fromEntries(
      [...sent.filter((x) => x.ms > 1900).flatMap((x) => [...new Set([...x.kinds, x.encoding, `fixture:${x.fixture}`])]).reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8),
    ),
  };
  /** CPU seconds of a process (Linux), for the printed figures. */
  const cpu = (pid: number) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return Number.NaN;
    }
  };
  console.log(`fuzz-edge: ${JSON.stringify(summary)} cpu bot ${cpu(bot.pid)} s, test ${cpu(process.pid)} s`);
  const log = readFileSync(join(logDir, 'bot.log'), 'utf8');
  const failures = [...new Set(log.split('\n').filter((l) => /handler failed|job failed|TypeError|RangeError|ReferenceError|SyntaxError/.test(l) && !l.includes('still being handled elsewhere')).map((l) => l.replace(/"time":\d+,|"eventId":"[^"]*",|"reqId":"[^"]*",/g, '').slice(0, 400)))];

  expect(bot.exit(), `the bot process ended: ${bot.stderr().slice(-2000)}`).toBeUndefined();
  expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  expect(sent.filter((s) => s.status >= 500 || s.status === 0).map((s) => `${s.status} ${s.encoding} ${s.kinds.join('+')}`)).toEqual([]);
  // Each delivery is counted once, under its outcome.
  expect(counted).toBe(PAYLOADS);
  // Only undecodable bodies are refused, and every refusal is counted as one.
  const refused = (byStatus.get(400) ?? 0) + (byStatus.get(401) ?? 0);
  expect(refused).toBe((outcomes.get('refused') ?? 0) + (outcomes.get('bad_request') ?? 0));
  // A handler that threw on a mutated event is a bug: none.
  expect({ failed: outcomes.get('failed') ?? 0, unavailable: outcomes.get('unavailable') ?? 0, errors: failures.slice(0, 10) }).toEqual({ failed: 0, unavailable: 0, errors: [] });
  // Handled: by the features (ok, or late and finished by a job), or refused by Feishu (permanent_error).
  expect((outcomes.get('ok') ?? 0) + (outcomes.get('late') ?? 0) + (outcomes.get('permanent_error') ?? 0)).toBeGreaterThan(PAYLOADS / 4);
  expect(outcomes.get('drift_unhandled') ?? 0).toBeGreaterThan(0);
  expect(driftPaths).toBeGreaterThan(0);
}, 600_000);
