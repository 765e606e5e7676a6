// The playground's HTTP API on the real stack (startStack, as `npm start` runs it), without a browser: the
// change stream, the clock, documents, and the guards. What a person does still goes through the fake.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Stack, startStack } from '../../src/main.ts';
import { DEMO_GROUP, DEMO_USERS } from '../../src/playground/index.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let redis: TestRedis;
let stack: Stack;
const AS = DEMO_USERS[0].openId;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startStack(loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: redis.url, LOG_LEVEL: 'silent' }));
});

afterAll(async () => {
  // An open event stream must not keep the server from closing: close() ends it (else this hook times out).
  const stream = stack ? subscribe('never', 1) : undefined;
  await stream?.open;
  await stack?.close();
  expect(await stream?.events).toEqual([]);
  await redis?.close();
});

async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Opens the event stream: `open` resolves once subscribed, `events` once `want` events of `type` arrived. */
function subscribe(type: string, want: number): { open: Promise<void>; events: Promise<string[]> } {
  let opened: () => void = () => undefined;
  const open = new Promise<void>((r) => {
    opened = r;
  });
  const events = new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const req = request(`${stack.url}/playground/api/events`, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (\w+)$/m.exec(frame)?.[1];
          if (event === 'hello') opened();
          if (event === type) got.push(frame);
          if (got.length >= want) {
            req.destroy();
            resolve(got);
            return;
          }
          i = buf.indexOf('\n\n');
        }
      });
      res.on('end', () => resolve(got));
    });
    req.on('error', (e) => (got.length >= want ? resolve(got) : reject(e)));
    req.end();
  });
  return { open, events };
}

describe('the playground API', () => {
  it('serves the page, the bundled client and the stylesheet', async () => {
    const html = await (await fetch(`${stack.url}/`)).text();
    expect(html).toContain('<script src="/playground/app.js"></script>');
    const js = await fetch(`${stack.url}/playground/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('/playground/api/click');
    expect((await fetch(`${stack.url}/playground/app.css`)).status).toBe(200);
  });

  it('lists the p2p chat with the bot and the demo group, and refuses unknown identities', async () => {
    const r = await api('GET', `/playground/api/chats?as=${AS}`);
    const chats = r.json.chats as Array<{ chatId: string; type: string }>;
    expect(chats.map((c) => c.type)).toEqual(['p2p', 'group']);
    expect(chats[1]!.chatId).toBe(DEMO_GROUP.chatId);
    expect((await api('GET', '/playground/api/chats?as=ou_nobody')).status).toBe(400);
    // Someone else's p2p chat is not readable.
    const other = stack.playground!.fake.p2pChatOf(DEMO_USERS[1].openId);
    expect((await api('GET', `/playground/api/chats/${other}/messages?as=${AS}`)).status).toBe(404);
  });

  it('pushes a change event when the bot answers, and a clock event when time jumps', async () => {
    const changes = subscribe('change', 1);
    await changes.open;
    await api('POST', '/playground/api/p2p/open', { as: AS });
    expect((await changes.events).length).toBe(1);

    const clocks = subscribe('clock', 1);
    await clocks.open;
    const before = stack.clock!.now();
    const r = await api('POST', '/playground/api/clock', { advanceMs: 3_600_000 });
    expect(r.status).toBe(200);
    expect(r.json.offset).toBe(3_600_000);
    const [frame] = await clocks.events;
    expect(JSON.parse(frame!.split('data: ')[1]!).offset).toBe(3_600_000);
    expect(stack.clock!.now() - before).toBeGreaterThanOrEqual(3_600_000);
  });

  it('never moves the clock backwards', async () => {
    const r = await api('POST', '/playground/api/clock', { to: 0 });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('模拟时间只能向后调整');
  });

  it('answers a click on a card through the fake: the welcome card becomes the setup card', async () => {
    const chat = stack.playground!.fake.p2pChatOf(AS);
    const msgs = (await api('GET', `/playground/api/chats/${chat}/messages?as=${AS}`)).json.messages as Array<{ messageId: string; msgType: string }>;
    const welcome = msgs.find((m) => m.msgType === 'interactive')!;
    const r = await api('POST', '/playground/api/click', { as: AS, messageId: welcome.messageId, tag: 'button', value: { k: 'start' } });
    expect(r.status).toBe(200);
    expect(r.json.updated).toBe(true);
    expect(JSON.stringify(stack.playground!.fake.message(welcome.messageId)!.content)).toContain('基本信息');
    // A click as someone who cannot see the chat is refused before it reaches the fake.
    const foreign = await api('POST', '/playground/api/click', { as: DEMO_USERS[2].openId, messageId: welcome.messageId, value: { k: 'start' } });
    expect(foreign.status).toBe(404);
  });

  it('shows a missing document as a page, not an error', async () => {
    const res = await fetch(`${stack.url}/playground/docx/doxcn_missing`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('文档不存在');
  });
});
