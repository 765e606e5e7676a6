// The webhook edge against a real redis-server: authentication, parsing, dedupe, failure and outage handling.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { encryptPayload } from '../../src/feishu/crypto.ts';
import { FeishuApiError } from '../../src/feishu/errors.ts';
import { BUSY_TOAST, type CallbackAnswer, UNAVAILABLE_TOAST } from '../../src/feishu/edge.ts';
import { CLAIM_TIMEOUT_MS } from '../../src/feishu/receive.ts';
import type { InboundEvent } from '../../src/feishu/inbound.ts';
import { createMetrics, type Metrics } from '../../src/metrics.ts';
import { Deduper, LEASE_MS } from '../../src/store/dedupe.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { cardActionEvent, envelope, messageEvent, sealed } from '../support/payloads.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const KEY = 'test-encrypt-key';
const TOKEN = 'vtoken';

let redisServer: TestRedis;
let redis: Redis;
let app: FastifyInstance;
let metrics: Metrics;
let seen: InboundEvent[] = [];
let behaviour: (ev: InboundEvent) => Promise<CallbackAnswer | undefined> = async () => undefined;
const persisted: Array<{ eventId: string; delayMs: number }> = [];
let persistFails = false;

beforeAll(async () => {
  redisServer = await startRedis();
  redis = createFastRedis(redisServer.url);
  await waitReady(redis);
  metrics = createMetrics();
  app = await buildApp({
    redis,
    metrics,
    encryptKey: KEY,
    verificationToken: TOKEN,
    maxSkewS: 300,
    deadlineMs: 400,
    handle: async (ev) => {
      seen.push(ev);
      return behaviour(ev);
    },
    persist: async (ev, o) => {
      if (persistFails) throw new Error('Connection is closed.');
      persisted.push({ eventId: ev.eventId, delayMs: o.delayMs });
    },
  });
});

afterEach(() => {
  seen = [];
  persistFails = false;
  persisted.length = 0;
  behaviour = async () => undefined;
});

afterAll(async () => {
  await app.close();
  redis.disconnect();
  await redisServer.close();
});

function post(body: string, headers: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/feishu/events', payload: body, headers });
}

describe('url_verification', () => {
  it('answers a plain challenge', async () => {
    const r = await post(JSON.stringify({ challenge: 'abc-123', token: TOKEN, type: 'url_verification' }), { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ challenge: 'abc-123' });
  });

  it('answers an encrypted challenge without signature headers', async () => {
    const body = JSON.stringify({ encrypt: encryptPayload(KEY, JSON.stringify({ challenge: 'enc-9', token: TOKEN, type: 'url_verification' })) });
    const r = await post(body, { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ challenge: 'enc-9' });
  });

  it('answers an encrypted, signed challenge', async () => {
    const s = sealed({ challenge: 'enc-10', token: TOKEN, type: 'url_verification' }, KEY);
    const r = await post(s.body, s.headers);
    expect(r.json()).toEqual({ challenge: 'enc-10' });
  });

  it('refuses a challenge with a wrong verification token', async () => {
    const r = await post(JSON.stringify({ challenge: 'x', token: 'wrong', type: 'url_verification' }), { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(401);
  });

  it('refuses a challenge encrypted with another key', async () => {
    const body = JSON.stringify({ encrypt: encryptPayload('other-key', JSON.stringify({ challenge: 'x', token: TOKEN, type: 'url_verification' })) });
    const r = await post(body, { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(401);
  });
});

describe('signatures and tokens', () => {
  it('accepts a good signature and hands on a typed message event', async () => {
    const s = sealed(messageEvent('写述职报告', { openId: 'ou_a' }), KEY);
    const r = await post(s.body, s.headers);
    expect(r.statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: 'message', text: '写述职报告', senderOpenId: 'ou_a', chatType: 'p2p' });
  });

  it('refuses a forged signature', async () => {
    const s = sealed(messageEvent('hi'), KEY);
    const forged = s.headers['x-lark-signature']!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const r = await post(s.body, { ...s.headers, 'x-lark-signature': forged });
    expect(r.statusCode).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it('refuses a body altered after signing', async () => {
    const s = sealed(messageEvent('hi'), KEY, { encrypt: false });
    const r = await post(s.body.replace('hi', 'ho'), s.headers);
    expect(r.statusCode).toBe(401);
  });

  it('refuses a stale timestamp (replay)', async () => {
    const s = sealed(messageEvent('hi'), KEY, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const r = await post(s.body, s.headers);
    expect(r.statusCode).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it('refuses an event without signature headers', async () => {
    const s = sealed(messageEvent('hi'), KEY);
    const r = await post(s.body, { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(401);
  });

  it('refuses incomplete signature headers', async () => {
    const s = sealed(messageEvent('hi'), KEY);
    const { 'x-lark-request-nonce': _n, ...rest } = s.headers;
    const r = await post(s.body, rest);
    expect(r.statusCode).toBe(401);
  });

  it('refuses a bad verification token even when signed', async () => {
    const s = sealed(messageEvent('hi', { token: 'not-the-token' }), KEY);
    const r = await post(s.body, s.headers);
    expect(r.statusCode).toBe(401);
    expect(seen).toHaveLength(0);
  });
});

describe('bad input', () => {
  it('answers 400 to malformed JSON', async () => {
    const r = await post('{"encrypt": ', { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(400);
  });

  it('answers 400 to an empty body and to a JSON array', async () => {
    expect((await post('', { 'content-type': 'application/json' })).statusCode).toBe(400);
    expect((await post('[1,2]', { 'content-type': 'application/json' })).statusCode).toBe(400);
  });

  it('answers 400 to an oversized body', async () => {
    const big = JSON.stringify({ encrypt: 'A'.repeat(1024 * 1024 + 10) });
    const r = await post(big, { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(400);
  });

  it('answers 400 to a signed body that does not decrypt', async () => {
    const s = sealed({ encrypt: 'bm90IGVuY3J5cHRlZA==' }, KEY, { encrypt: false });
    const r = await post(s.body, s.headers);
    expect(r.statusCode).toBe(400);
  });

  it('answers 200 to a genuine event that cannot be handled, and counts the drift', async () => {
    const s = sealed(envelope('im.message.receive_v1', { message: { nothing: true } }), KEY);
    const r = await post(s.body, s.headers);
    expect(r.statusCode).toBe(200);
    expect(seen).toHaveLength(0);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/shuzhi_feishu_schema_drift_total\{event_type="im.message.receive_v1",path="sender"\} 1/);
    expect(text).toMatch(/shuzhi_events_total\{type="im.message.receive_v1",outcome="drift_unhandled"\} 1/);
  });

  it('handles a genuine message whose optional fields drifted, dropping them and counting each path', async () => {
    const payload = messageEvent('统计', { messageId: 'om_drift_1' }) as { event: { message: Record<string, unknown>; sender: Record<string, unknown> } };
    payload.event.message.create_time = { unexpected: true };
    payload.event.message.mentions = 'not-a-list';
    payload.event.message.brand_new_field = { deep: [1, 2, 3] };
    payload.event.sender.sender_type = 42;
    const s = sealed(payload, KEY);
    const r = await post(s.body, s.headers);
    expect(r.statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: 'message', messageId: 'om_drift_1', text: '统计', mentions: [] });
    const text = await metrics.registry.metrics();
    for (const path of ['message.create_time', 'message.mentions', 'sender.sender_type']) {
      expect(text).toContain(`shuzhi_feishu_schema_drift_total{event_type="im.message.receive_v1",path="${path}"} 1`);
    }
  });

  it('accepts null and empty ids where real tenants send them', async () => {
    const payload = messageEvent('统计', { messageId: 'om_nulls', openId: 'ou_n' }) as { event: { message: Record<string, unknown>; sender: { sender_id: Record<string, unknown> } } };
    payload.event.sender.sender_id.user_id = null;
    payload.event.message.root_id = null;
    payload.event.message.parent_id = '';
    payload.event.message.thread_id = null;
    payload.event.message.mentions = [{ key: '@_user_1', id: { open_id: 'ou_bot', user_id: '', union_id: null }, name: '述职助手', tenant_key: null }];
    const s = sealed(payload, KEY);
    expect((await post(s.body, s.headers)).statusCode).toBe(200);
    expect(seen[0]).toMatchObject({ type: 'message', senderOpenId: 'ou_n', mentions: [{ key: '@_user_1', openId: 'ou_bot' }] });
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('event_type="im.message.receive_v1",path="message.root_id"');
  });

  it('acknowledges and counts an unknown event type', async () => {
    const s = sealed(envelope('im.chat.updated_v1', { chat_id: 'oc_x' }), KEY);
    const r = await post(s.body, s.headers);
    expect(r.statusCode).toBe(200);
    expect(seen).toHaveLength(0);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/shuzhi_events_total\{type="im.chat.updated_v1",outcome="ignored"\} 1/);
  });
});

describe('exactly-once effects', () => {
  it('handles 100 concurrent redeliveries of one event once', async () => {
    const payload = messageEvent('统计');
    const deliveries = Array.from({ length: 100 }, () => sealed(payload, KEY));
    behaviour = async () => {
      await new Promise((r) => setTimeout(r, 30));
      return undefined;
    };
    const rs = await Promise.all(deliveries.map((s) => post(s.body, s.headers)));
    expect(rs.every((r) => r.statusCode === 200)).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('dedupes a message re-sent under a new event_id by its message_id', async () => {
    const a = messageEvent('统计', { messageId: 'om_same' });
    const b = messageEvent('统计', { messageId: 'om_same' });
    const s = sealed(a, KEY);
    await post(s.body, s.headers);
    const s2 = sealed(b, KEY);
    await post(s2.body, s2.headers);
    expect(seen).toHaveLength(1);
  });

  it('hands a failed event to a durable job and answers 200', async () => {
    const payload = messageEvent('统计');
    behaviour = async () => {
      throw new Error('transient');
    };
    const first = sealed(payload, KEY);
    expect((await post(first.body, first.headers)).statusCode).toBe(200);
    expect(persisted).toEqual([{ eventId: payload.header.event_id, delayMs: 1000 }]);
    // The claim was released: the job (or a re-push) can claim it.
    behaviour = async () => undefined;
    const again = sealed(payload, KEY);
    expect((await post(again.body, again.headers)).statusCode).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it('answers 500 when a failed event cannot be recorded either, so the re-push completes it', async () => {
    const payload = messageEvent('统计');
    let attempts = 0;
    persistFails = true;
    behaviour = async () => {
      attempts++;
      if (attempts === 1) throw new Error('transient');
      return undefined;
    };
    const first = sealed(payload, KEY);
    expect((await post(first.body, first.headers)).statusCode).toBe(500);
    const second = sealed(payload, KEY);
    expect((await post(second.body, second.headers)).statusCode).toBe(200);
    const third = sealed(payload, KEY);
    expect((await post(third.body, third.headers)).statusCode).toBe(200);
    expect(attempts).toBe(2);
  });

  it('answers 200 to a permanent Feishu error, records it, and never redoes it', async () => {
    const payload = messageEvent('统计');
    let attempts = 0;
    behaviour = async () => {
      attempts++;
      throw new FeishuApiError({ api: 'im.message.reply', code: 230002, httpStatus: 400, msg: 'Bot is not in the chat', retryable: false, terminal: true, attempts: 1 });
    };
    const first = sealed(payload, KEY);
    expect((await post(first.body, first.headers)).statusCode).toBe(200);
    const again = sealed(payload, KEY);
    expect((await post(again.body, again.headers)).statusCode).toBe(200);
    expect(attempts).toBe(1);
    expect(persisted).toHaveLength(0);
    expect(await metrics.registry.metrics()).toMatch(/shuzhi_delivery_total\{outcome="permanent_error"\} [1-9]/);
  });

  it('lets another delivery take over a claim whose holder died (the lease runs out)', async () => {
    const payload = messageEvent('统计', { messageId: 'om_orphan' });
    // A holder that never renews and never releases: an instance killed mid-handler.
    const dead = new Deduper(redis, { leaseMs: 300 });
    expect((await dead.claim(Deduper.key(payload.header.event_id, 'om_orphan'))).kind).toBe('claimed');
    const during = sealed(payload, KEY);
    expect((await post(during.body, during.headers)).statusCode).toBe(200);
    expect(seen).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 400));
    const after = sealed(payload, KEY);
    expect((await post(after.body, after.headers)).statusCode).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('stores a callback answer compressed, once per card and person; a duplicate still gets it', async () => {
    const d = new Deduper(redis);
    const answer = JSON.stringify({ card: { type: 'raw', data: { body: { elements: Array.from({ length: 40 }, (_, i) => ({ tag: 'markdown', content: `第${i}段内容` })) } } } });
    const share = 'shuzhi:cbans:om_card:ou_a';
    for (const ev of ['evt_c1', 'evt_c2']) {
      const k = Deduper.key(ev);
      expect((await d.claim(k)).kind).toBe('claimed');
      await d.done(k, answer, 60, share);
      expect(await d.claim(k)).toEqual({ kind: 'done', answer });
      expect(await redis.get(k)).toBe(`done:@${share}`);
    }
    const stored = (await redis.get(share))!;
    expect(stored.startsWith('z:')).toBe(true);
    expect(stored.length).toBeLessThan(answer.length / 2);
    expect(await redis.ttl(share)).toBeGreaterThan(50);
  });

  it('renews the claim while a slow handler runs, so that a duplicate cannot take it over', async () => {
    const payload = messageEvent('统计', { messageId: 'om_slow' });
    const key = Deduper.key(payload.header.event_id, 'om_slow');
    behaviour = async () => {
      await new Promise((r) => setTimeout(r, 350));
      return undefined;
    };
    const s = sealed(payload, KEY);
    await post(s.body, s.headers);
    // Answered early (deadline 400 ms is not reached: 350 ms), then marked done.
    expect(await redis.get(key)).toBe('done:');
    expect(seen).toHaveLength(1);
  });

  it('answers a duplicated card callback with the same card, applying the click once', async () => {
    let applied = 0;
    behaviour = async () => {
      applied++;
      await new Promise((r) => setTimeout(r, 50));
      return { toast: { type: 'success', content: `第${applied}次` } };
    };
    const payload = cardActionEvent({ k: 'wt', a: 'next' });
    const [a, b] = [sealed(payload, KEY), sealed(payload, KEY)];
    const [r1, r2] = await Promise.all([post(a.body, a.headers), post(b.body, b.headers)]);
    expect(applied).toBe(1);
    expect(r1.json()).toEqual({ toast: { type: 'success', content: '第1次' } });
    expect(r2.json()).toEqual({ toast: { type: 'success', content: '第1次' } });
  });
});

describe('the deadline', () => {
  it('answers a slow event before the deadline only once it is recorded as a durable job', async () => {
    behaviour = async () => {
      await new Promise((r) => setTimeout(r, 700));
      return undefined;
    };
    const payload = messageEvent('慢');
    const t0 = performance.now();
    const s = sealed(payload, KEY);
    const r = await post(s.body, s.headers);
    const elapsed = performance.now() - t0;
    expect(r.statusCode).toBe(200);
    expect(elapsed).toBeLessThan(700);
    expect(persisted).toEqual([{ eventId: payload.header.event_id, delayMs: LEASE_MS }]);
  });

  it('answers 503 to a slow event that cannot be recorded, so that Feishu re-pushes it', async () => {
    persistFails = true;
    behaviour = async () => {
      await new Promise((r) => setTimeout(r, 700));
      return undefined;
    };
    const s = sealed(messageEvent('慢'), KEY);
    expect((await post(s.body, s.headers)).statusCode).toBe(503);
  });

  it('answers a slow card callback with a waiting toast', async () => {
    behaviour = async () => {
      await new Promise((r) => setTimeout(r, 600));
      return { toast: { type: 'success', content: 'done' } };
    };
    const s = sealed(cardActionEvent({ k: 'x' }), KEY);
    const r = await post(s.body, s.headers);
    expect(r.json()).toEqual({ toast: { type: 'info', content: BUSY_TOAST } });
  });
});

describe('health and metrics', () => {
  it('reports health and metrics', async () => {
    const h = await app.inject({ method: 'GET', url: '/healthz' });
    expect(h.statusCode).toBe(200);
    const m = await app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('shuzhi_events_total');
    expect(m.body).toContain('shuzhi_callback_latency_seconds_bucket');
  });
});

describe('a Redis that is connected but answers nothing', () => {
  it('answers within Feishu\'s 3 s anyway: 503 to an event, a toast to a click', async () => {
    redisServer.pause();
    try {
      const t0 = performance.now();
      const [ev, click] = await Promise.all([
        (async () => {
          const s = sealed(messageEvent('统计'), KEY);
          return post(s.body, s.headers);
        })(),
        (async () => {
          const c = sealed(cardActionEvent({ k: 'x' }), KEY);
          return post(c.body, c.headers);
        })(),
      ]);
      const elapsed = performance.now() - t0;
      expect(ev.statusCode).toBe(503);
      expect(click.json()).toEqual({ toast: { type: 'error', content: UNAVAILABLE_TOAST } });
      // The claim guard answered (CLAIM_TIMEOUT_MS = 2.5 s, inside Feishu's 3 s), not a hang; the upper bound is
      // loose because test machines are noisy.
      expect(elapsed).toBeGreaterThanOrEqual(CLAIM_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(CLAIM_TIMEOUT_MS + 5000);
      expect(seen).toHaveLength(0);
    } finally {
      redisServer.resume();
    }
  });
});

describe('Redis outage', () => {
  it('answers 503 fast while Redis is down, a toast to callbacks, and recovers after restart', async () => {
    await redisServer.stop();
    const s = sealed(messageEvent('统计'), KEY);
    const t0 = performance.now();
    const r = await post(s.body, s.headers);
    const elapsed = performance.now() - t0;
    expect(r.statusCode).toBe(503);
    expect(elapsed).toBeLessThan(1000);
    const c = sealed(cardActionEvent({ k: 'x' }), KEY);
    const rc = await post(c.body, c.headers);
    expect(rc.statusCode).toBe(200);
    expect(rc.json()).toEqual({ toast: { type: 'error', content: UNAVAILABLE_TOAST } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
    expect(seen).toHaveLength(0);

    await redisServer.start();
    await waitReady(redis, 5000);
    const again = sealed(messageEvent('统计'), KEY);
    expect((await post(again.body, again.headers)).statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
