// The fake's fault modes for chaos runs: failRandomly (a window in which a share of Open API calls fail as a
// gateway fails them) and duplicateCallbacks (every card callback delivered more than once, same envelope).
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { decryptPayload } from '../../src/feishu/crypto.ts';
import { type FakeFeishu, startFakeFeishu } from '../../src/playground/fake/index.ts';

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'secret-of-the-fake';
const KEY = 'encrypt-key-of-the-fake';

let fake: FakeFeishu;
let bot: Server | undefined;

beforeEach(async () => {
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: KEY, rateLimits: false });
});

afterEach(async () => {
  await fake.close();
  await new Promise<void>((r) => (bot ? bot.close(() => r()) : r()));
  bot = undefined;
});

const token = () =>
  fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: APP_ID, app_secret: APP_SECRET }),
  });

it('failRandomly: about `rate` of the calls fail within the window, as 429 with its reset header or 5xx; none after it', async () => {
  fake.failRandomly({ rate: 0.3, forMs: 60_000, statuses: [429, 500, 503], seed: 7 });
  const answers = [];
  for (let i = 0; i < 200; i++) {
    const r = await token();
    answers.push({ status: r.status, type: r.headers.get('content-type') ?? '', reset: r.headers.get('x-ogw-ratelimit-reset'), body: await r.text() });
  }
  const failed = answers.filter((a) => a.status !== 200);
  expect(failed.length).toBeGreaterThan(40);
  expect(failed.length).toBeLessThan(80);
  expect(new Set(failed.map((a) => a.status))).toEqual(new Set([429, 500, 503]));
  for (const a of failed.filter((x) => x.status === 429)) expect({ reset: a.reset, body: JSON.parse(a.body).code }).toEqual({ reset: '1', body: 99991400 });
  for (const a of failed.filter((x) => x.status === 503)) expect(a.type).toBe('text/html');
  expect(fake.calls.filter((c) => c.injected)).toHaveLength(failed.length);

  fake.failRandomly({ rate: 1, forMs: 0 });
  await new Promise((r) => setTimeout(r, 5));
  expect((await token()).status).toBe(200);
});

it('duplicateCallbacks: a click is delivered twice with the same envelope; the client shows the first answer', async () => {
  const got: string[] = [];
  bot = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const plain = decryptPayload(KEY, (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { encrypt: string }).encrypt);
      got.push(plain);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ toast: { type: 'info', content: `第${got.length}次` } }));
    });
  });
  await new Promise<void>((r) => bot!.listen(0, '127.0.0.1', () => r()));
  const port = (bot.address() as { port: number }).port;
  fake.setBotUrl(`http://127.0.0.1:${port}/feishu/events`);
  fake.addUser({ openId: 'ou_a', name: '甲' });
  fake.addChat({ chatId: 'oc_x', name: '群', type: 'group', members: ['ou_a'] });
  fake.duplicateCallbacks(1);
  const m = await fake.userSendsText({ chatId: 'oc_x', openId: 'ou_a', text: 'hi', mentionBot: true });
  got.length = 0;
  const r = await fake.userClicks({ messageId: m.messageId!, openId: 'ou_a', value: { k: 'x' } });
  await fake.whenIdle();
  expect(got).toHaveLength(2);
  expect(got[0]).toBe(got[1]);
  expect(r.toast?.content).toMatch(/^第[12]次$/);
  const deliveries = fake.deliveries.filter((d) => d.eventType === 'card.action.trigger');
  expect(deliveries.map((d) => d.duplicate).sort()).toEqual([false, true]);
  expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
});
