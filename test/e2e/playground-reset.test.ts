// Starting the playground afresh: 重置演示数据 on the page (POST /playground/api/reset) and `npm run reset`, on
// the real stack as `npm start` wires it with its private redis-server (in a temporary folder here). The reset
// empties the bot's Redis, the fake's chats and documents and the clock offset; every open page is told to
// reload; the welcome card greets the empty chat again. A REDIS_URL the operator set is never cleared, nor a
// folder that held a real Feishu app's data.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Stack, startStack } from '../../src/main.ts';
import { DEMO_USERS } from '../../src/playground/index.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const AS = DEMO_USERS[0].openId;
const CONFIG = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };

async function api(stack: Stack, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Runs `npm run reset` (scripts/reset.ts) on a folder. */
function resetCli(dir: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = { ...process.env };
  delete clean.REDIS_URL;
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/reset.ts', dir], { cwd: ROOT, encoding: 'utf8', env: { ...clean, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Resolves with the first `reset` event of the change stream; `open` once subscribed. */
function waitForReset(stack: Stack): { open: Promise<void>; reset: Promise<string> } {
  let opened: () => void = () => undefined;
  const open = new Promise<void>((r) => {
    opened = r;
  });
  const reset = new Promise<string>((resolve, reject) => {
    const req = request(`${stack.url}/playground/api/events`, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.includes('event: hello')) opened();
        const m = /event: reset\ndata: ([^\n]*)/.exec(buf);
        if (m) {
          req.destroy();
          resolve(m[1]!);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  return { open, reset };
}

const welcomeIn = (stack: Stack) => () => {
  const fake = stack.playground!.fake;
  return fake.messages(fake.p2pChatOf(AS)).find((m) => m.msgType === 'interactive');
};

describe('starting the playground afresh', { timeout: 60_000 }, () => {
  let dir: string;
  let stack: Stack;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shuzhi-pg-reset-'));
    stack = await startStack(loadConfig(CONFIG), { redisDir: dir });
  });

  afterAll(async () => {
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('marks the folder as the playground’s and says which process runs on it', () => {
    expect(readFileSync(join(dir, 'mode'), 'utf8').trim()).toBe('playground');
    expect(JSON.parse(readFileSync(join(dir, 'playground.json'), 'utf8'))).toEqual({ pid: process.pid, url: stack.url });
  });

  it('重置演示数据 clears the report, the chats and the clock; open pages reload; the empty chat is greeted again', async () => {
    expect((await api(stack, 'GET', '/playground/api/state')).json.reset).toBe(true);
    const fake = stack.playground!.fake;
    await api(stack, 'POST', '/playground/api/p2p/open', { as: AS });
    const welcome = await waitFor(welcomeIn(stack), 'the welcome card');
    await api(stack, 'POST', '/playground/api/click', { as: AS, messageId: welcome.messageId, tag: 'button', value: { k: 'start' } });
    await api(stack, 'POST', `/playground/api/chats/${fake.p2pChatOf(AS)}/messages`, { as: AS, text: '3月5日 组织集中学习，28人参加' });
    await api(stack, 'POST', '/playground/api/clock', { advanceMs: 86_400_000 });
    expect(stack.clock!.offset()).toBe(86_400_000);

    const page = waitForReset(stack);
    await page.open;
    const r = await api(stack, 'POST', '/playground/api/reset', {});
    expect(r).toEqual({ status: 200, json: { ok: true } });
    await page.reset;
    expect(fake.messages(fake.p2pChatOf(AS))).toEqual([]);
    expect(stack.clock!.offset()).toBe(0);

    // The page reloads and opens the chat: a welcome card for a new user (no report in progress any more).
    await api(stack, 'POST', '/playground/api/p2p/open', { as: AS });
    const again = await waitFor(welcomeIn(stack), 'the welcome card after the reset');
    const text = JSON.stringify(again.content);
    expect(text).toContain('开始写述职报告');
    expect(text).not.toContain('尚未完成');
    // The activity ledger is empty too.
    await api(stack, 'POST', `/playground/api/chats/${fake.p2pChatOf(AS)}/messages`, { as: AS, text: '统计' });
    const stats = await waitFor(
      () => fake.messages(fake.p2pChatOf(AS)).find((m) => m.msgType === 'interactive' && m.messageId !== again.messageId),
      'the statistics card',
    );
    expect(JSON.stringify(stats.content)).toContain('年还没有活动记录');
  });

  it('npm run reset goes through the running playground', async () => {
    const fake = stack.playground!.fake;
    await api(stack, 'POST', `/playground/api/chats/${fake.p2pChatOf(AS)}/messages`, { as: AS, text: '你好' });
    expect(fake.messages(fake.p2pChatOf(AS)).length).toBeGreaterThan(0);
    const r = await resetCli(dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('已重置正在运行的体验环境');
    expect(fake.messages(fake.p2pChatOf(AS))).toEqual([]);
  });

  it('npm run reset removes the Redis files once the playground has stopped, and says so when there is nothing', async () => {
    await stack.close();
    expect(existsSync(join(dir, 'playground.json'))).toBe(false);
    expect(existsSync(join(dir, 'appendonlydir'))).toBe(true);
    const r = await resetCli(dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('已清除体验环境的演示数据');
    expect(existsSync(join(dir, 'appendonlydir'))).toBe(false);
    expect((await resetCli(dir)).stdout).toContain('没有需要清除的演示数据');
  });
});

describe('what the reset never clears', { timeout: 60_000 }, () => {
  let redis: TestRedis;
  let stack: Stack;

  beforeAll(async () => {
    redis = await startRedis();
    stack = await startStack(loadConfig({ ...CONFIG, REDIS_URL: redis.url }));
  });

  afterAll(async () => {
    await stack?.close();
    await redis?.close();
  });

  it('a REDIS_URL the operator set: the page offers no reset and the API refuses', async () => {
    expect((await api(stack, 'GET', '/playground/api/state')).json.reset).toBe(false);
    const r = await api(stack, 'POST', '/playground/api/reset', {});
    expect(r.status).toBe(409);
    expect(r.json.error).toContain('REDIS_URL');
  });

  it('npm run reset with REDIS_URL set, or on a folder that held a real app’s data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuzhi-pg-reset-'));
    try {
      mkdirSync(join(dir, 'appendonlydir'));
      const withUrl = await resetCli(dir, { REDIS_URL: redis.url });
      expect(withUrl.code).toBe(1);
      expect(withUrl.stderr).toContain('不会清除 REDIS_URL 指向的 Redis');
      writeFileSync(join(dir, 'mode'), 'feishu\n');
      const real = await resetCli(dir);
      expect(real.code).toBe(1);
      expect(real.stderr).toContain('连接真实飞书应用');
      expect(existsSync(join(dir, 'appendonlydir'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
